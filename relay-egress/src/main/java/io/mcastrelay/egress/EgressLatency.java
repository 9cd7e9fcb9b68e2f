package io.mcastrelay.egress;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * A feed's latency, recorded as each datagram leaves: from the relay reading it off the socket (ingress to
 * egress), and from the sender's own stamp when it sends one (sender to egress, which includes the network and the
 * two clocks' difference). HdrHistogram's single-writer recorders: recording is wait-free and allocates nothing;
 * readers take interval histograms.
 *
 * <p>Writer: the egress agent thread. Readers: meter threads, through {@link #intervalIngressToEgress} and
 * {@link #intervalSenderToEgress}, one reader at a time.
 */
public final class EgressLatency {
    /** Values above this (one minute) are recorded as this. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final SingleWriterRecorder ingressToEgress = newRecorder();
    private final SingleWriterRecorder senderToEgress = newRecorder();

    /**
     * Records one sent datagram; egress agent thread only. Wait-free, allocation-free.
     *
     * @param nowNs         the wall clock as the datagram left, ns since the epoch.
     * @param ingressTimeNs when the relay read the frame off the socket.
     * @param sendTimeNs    the sender's stamp, 0 if it sent none.
     */
    public void record(final long nowNs, final long ingressTimeNs, final long sendTimeNs) {
        ingressToEgress.recordValue(clamp(nowNs - ingressTimeNs));
        if (sendTimeNs != 0) {
            senderToEgress.recordValue(clamp(nowNs - sendTimeNs));
        }
    }

    private static SingleWriterRecorder newRecorder() {
        return new SingleWriterRecorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    private static long clamp(final long valueNs) {
        return valueNs < 0 ? 0 : Math.min(valueNs, HIGHEST_TRACKABLE_NS);
    }

    /**
     * Ingress-to-egress latencies since the previous call.
     *
     * @param recycle a histogram from the previous call to reuse, or null.
     * @return nanoseconds from socket read to datagram sent.
     */
    public Histogram intervalIngressToEgress(final Histogram recycle) {
        return ingressToEgress.getIntervalHistogram(recycle);
    }

    /**
     * Sender-to-egress latencies since the previous call, for frames with a send time.
     *
     * @param recycle a histogram from the previous call to reuse, or null.
     * @return nanoseconds from the sender's stamp to datagram sent; negative skew is recorded as 0.
     */
    public Histogram intervalSenderToEgress(final Histogram recycle) {
        return senderToEgress.getIntervalHistogram(recycle);
    }

    /**
     * A histogram shaped like the recorders', for readers that accumulate intervals.
     *
     * @return an empty histogram.
     */
    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }
}
