package io.mcastrelay.loadtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.ProbePayload;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One subscriber: a UDP socket that joins every group of the run on the egress interface and reads datagrams as
 * they come. Counts them per stream by sequence (gaps are loss, a sequence below the next expected is a duplicate or
 * a reorder) and records one-way latency into HdrHistogram recorders: from the frame's scheduled time (corrected
 * for coordinated omission) and from the time the generator wrote it (raw), for frames due in the measurement
 * window; the warm-up's go to a third recorder, for progress only.
 *
 * <p>Runs on its own thread; allocates nothing per datagram. A second thread (the run's progress reporter) takes
 * interval histograms and reads the counters.
 */
final class LoadReceiver implements Runnable, AutoCloseable {
    static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;
    static final int REQUESTED_RECEIVE_BUFFER_BYTES = 16 * 1024 * 1024;

    private final RunClock clock;
    private final int runToken;
    private final DatagramChannel channel;
    private final long[] nextSequence;
    private final SingleWriterRecorder corrected = newRecorder();
    private final SingleWriterRecorder raw = newRecorder();
    private final SingleWriterRecorder warmup = newRecorder();
    private final AtomicLong received = new AtomicLong();
    private final int receiveBufferBytes;
    private long gaps;
    private long duplicates;
    private long foreign;
    private long measuredReceived;
    private volatile Throwable failure;

    LoadReceiver(
        final NetworkInterface networkInterface,
        final int udpPort,
        final int[] groups,
        final RunClock clock,
        final int runToken) throws IOException {
        this.clock = clock;
        this.runToken = runToken;
        this.nextSequence = new long[groups.length];
        Arrays.fill(nextSequence, 1);
        final DatagramChannel opened = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            opened.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            opened.setOption(StandardSocketOptions.SO_RCVBUF, REQUESTED_RECEIVE_BUFFER_BYTES);
            opened.bind(new InetSocketAddress(udpPort));
            for (final int group : groups) {
                opened.join(InetAddress.getByName(Ipv4.toString(group)), networkInterface);
            }
            receiveBufferBytes = opened.getOption(StandardSocketOptions.SO_RCVBUF);
        } catch (final IOException | RuntimeException ex) {
            CloseHelper.quietClose(opened);
            throw ex;
        }
        channel = opened;
    }

    private static SingleWriterRecorder newRecorder() {
        return new SingleWriterRecorder(HIGHEST_TRACKABLE_NS, 3);
    }

    static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NS, 3);
    }

    @Override
    public void run() {
        final ByteBuffer datagram = ByteBuffer.allocateDirect(64 * 1024);
        final UnsafeBuffer view = new UnsafeBuffer(datagram);
        try {
            while (true) {
                datagram.clear();
                channel.receive(datagram);
                onDatagram(view, datagram.position(), clock.epochNanos());
            }
        } catch (final ClosedChannelException ex) {
            // closed by the run: the normal end
        } catch (final IOException | RuntimeException ex) {
            failure = ex;
        }
    }

    private void onDatagram(final UnsafeBuffer view, final int length, final long nowNanos) {
        if (!ProbePayload.isProbe(view, 0, length, runToken)) {
            foreign++;
            return;
        }
        final int stream = ProbePayload.stream(view, 0);
        if (stream < 0 || stream >= nextSequence.length) {
            foreign++;
            return;
        }
        final long sequence = ProbePayload.sequence(view, 0);
        final long expected = nextSequence[stream];
        if (sequence >= expected) {
            gaps += sequence - expected;
            nextSequence[stream] = sequence + 1;
        } else {
            duplicates++;
        }
        final long intendedTimeNanos = ProbePayload.intendedTimeNanos(view, 0);
        if (clock.measured(clock.toElapsedNs(intendedTimeNanos))) {
            measuredReceived++;
            corrected.recordValue(clamp(nowNanos - intendedTimeNanos));
            raw.recordValue(clamp(nowNanos - ProbePayload.sendTimeNanos(view, 0)));
        } else {
            warmup.recordValue(clamp(nowNanos - intendedTimeNanos));
        }
        received.lazySet(received.get() + 1);
    }

    private static long clamp(final long valueNs) {
        return valueNs < 0 ? 0 : Math.min(valueNs, HIGHEST_TRACKABLE_NS);
    }

    /** @return datagrams of this run received so far; any thread. */
    long received() {
        return received.get();
    }

    /**
     * The highest sequence received on a stream; read after {@link #close()}.
     *
     * @param stream the stream.
     * @return its last sequence, 0 if none arrived.
     */
    long lastSequence(final int stream) {
        return nextSequence[stream] - 1;
    }

    long gaps() {
        return gaps;
    }

    long duplicates() {
        return duplicates;
    }

    long foreign() {
        return foreign;
    }

    long measuredReceived() {
        return measuredReceived;
    }

    int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    void intervalCorrectedInto(final Histogram target) {
        corrected.getIntervalHistogramInto(target);
    }

    void intervalRawInto(final Histogram target) {
        raw.getIntervalHistogramInto(target);
    }

    void intervalWarmupInto(final Histogram target) {
        warmup.getIntervalHistogramInto(target);
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        CloseHelper.quietClose(channel);
    }
}
