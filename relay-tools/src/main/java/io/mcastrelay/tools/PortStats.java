package io.mcastrelay.tools;

import io.mcastrelay.wire.ProbePayload;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

/**
 * What arrived on one UDP port: datagrams and bytes, and for {@link ProbePayload probes} the sequence gaps, repeats
 * and one-way latency (receiver's wall clock minus the probe's send time, in microseconds). A socket bound to
 * {@code 0.0.0.0:port} cannot tell which joined group a datagram was sent to, so groups that share a port share one
 * of these and their probe sequences interleave. Used by the receiving thread only.
 */
final class PortStats {
    private static final long HIGHEST_LATENCY_US = TimeUnit.MINUTES.toMicros(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final String label;
    private final Histogram intervalLatencyUs = new Histogram(HIGHEST_LATENCY_US, SIGNIFICANT_DIGITS);
    private final Histogram totalLatencyUs = new Histogram(HIGHEST_LATENCY_US, SIGNIFICANT_DIGITS);
    private long datagrams;
    private long bytes;
    private long probes;
    private long gaps;
    private long repeats;
    private long restarts;
    private long lastSequence;
    private long datagramsAtReport;
    private long bytesAtReport;

    PortStats(final String label) {
        this.label = label;
    }

    /**
     * Counts one datagram.
     *
     * @param buffer          holding it.
     * @param offset          where it starts.
     * @param length          its bytes.
     * @param nowEpochNanos   the receiver's wall clock.
     */
    void onDatagram(final DirectBuffer buffer, final int offset, final int length, final long nowEpochNanos) {
        datagrams++;
        bytes += length;
        if (!ProbePayload.isProbe(buffer, offset, length)) {
            return;
        }
        probes++;
        final long sequence = ProbePayload.sequence(buffer, offset);
        if (lastSequence != 0) {
            if (sequence > lastSequence + 1) {
                gaps += sequence - lastSequence - 1;
            } else if (sequence == 1 && lastSequence > 1) {
                restarts++;
            } else if (sequence <= lastSequence) {
                repeats++;
            }
        }
        if (sequence > lastSequence || sequence == 1) {
            lastSequence = sequence;
        }
        final long latencyUs = Math.max(0, (nowEpochNanos - ProbePayload.sendTimeNanos(buffer, offset)) / 1000);
        final long recorded = Math.min(latencyUs, HIGHEST_LATENCY_US);
        intervalLatencyUs.recordValue(recorded);
        totalLatencyUs.recordValue(recorded);
    }

    /**
     * The per-second line; starts a new interval.
     *
     * @param intervalNs how long the interval was.
     * @return for example {@code 239.255.6.1:6200 datagrams/s=1000 bytes/s=64000 gaps=0 repeats=0 latency-us
     *     p50=21 p99=48 max=130}; gaps and repeats are totals so far.
     */
    String intervalLine(final long intervalNs) {
        final double seconds = Math.max(intervalNs, 1) / 1e9;
        final String line = String.format("%s datagrams/s=%.0f bytes/s=%.0f%s %s", label,
            (datagrams - datagramsAtReport) / seconds, (bytes - bytesAtReport) / seconds, sequenceText(),
            latencyText(intervalLatencyUs));
        datagramsAtReport = datagrams;
        bytesAtReport = bytes;
        intervalLatencyUs.reset();
        return line;
    }

    /** @return the line for the final summary. */
    String summaryLine() {
        return String.format("%s datagrams=%d bytes=%d probes=%d%s %s", label, datagrams, bytes, probes,
            sequenceText(), latencyText(totalLatencyUs));
    }

    private String sequenceText() {
        return " gaps=" + gaps + " repeats=" + repeats + (restarts > 0 ? " restarts=" + restarts : "");
    }

    private static String latencyText(final Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return "latency-us -";
        }
        return "latency-us p50=" + histogram.getValueAtPercentile(50) + " p99=" +
            histogram.getValueAtPercentile(99) + " max=" + histogram.getMaxValue();
    }

    String label() {
        return label;
    }

    long datagrams() {
        return datagrams;
    }

    long bytes() {
        return bytes;
    }

    long probes() {
        return probes;
    }

    long gaps() {
        return gaps;
    }

    long repeats() {
        return repeats;
    }

    long restarts() {
        return restarts;
    }

    long latencySamples() {
        return totalLatencyUs.getTotalCount();
    }
}
