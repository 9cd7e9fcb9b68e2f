package io.mcastrelay.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.ProbePayload;
import io.mcastrelay.wire.RelayV1Encoder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One feed's connection: writes relay-v1 DATA frames to a forwarder's TCP port on a schedule, round-robin over the
 * feed's groups, each payload a {@link ProbePayload} with its stream's sequence, the time the schedule said it was
 * due and the time it was written.
 *
 * <p>Frame {@code k} is due {@code k / rate} after the start (a constant rate), with its burst (bursts), or at once
 * (max). Each pass writes every frame that is due, as many as fit one reused 256 KB direct buffer, in one blocking
 * write; when none is due it parks (or spins) until the next is. A forwarder that pushes back (TCP) makes the
 * generator late, and since latency is measured from the schedule, that wait is counted: no coordinated omission.
 * The phases follow the schedule too: frames due in the warm-up are not measured. Runs on its own thread;
 * allocates nothing per frame.
 */
final class LoadGenerator implements Runnable {
    static final int BATCH_BYTES = 256 * 1024;
    private static final long FINISH_TIMEOUT_NS = 60_000_000_000L;

    private final int port;
    private final int firstStream;
    private final int[] groups;
    private final int udpPort;
    private final PayloadSizes payloads;
    private final RateSpec rate;
    private final RunClock clock;
    private final int runToken;
    private final boolean spin;
    private final long[] sequences;
    private final ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_BYTES);
    private final UnsafeBuffer batchBuffer = new UnsafeBuffer(batch);
    private final UnsafeBuffer pattern;
    private final SingleWriterRecorder lateness = new SingleWriterRecorder(60_000_000_000L, 2);
    private final AtomicLong framesSent = new AtomicLong();
    private final double intervalNs;
    private long measuredFrames;
    /** The feed's name to say HELLO for (relay-v1.1), or null to send plain relay-v1.0. */
    private String sessionFeed;
    private volatile Throwable failure;
    private volatile boolean done;

    LoadGenerator(
        final int port,
        final int firstStream,
        final int[] groups,
        final int udpPort,
        final PayloadSizes payloads,
        final RateSpec rate,
        final RunClock clock,
        final int runToken,
        final boolean spin) {
        this.port = port;
        this.firstStream = firstStream;
        this.groups = groups.clone();
        this.udpPort = udpPort;
        this.payloads = payloads;
        this.rate = rate;
        this.clock = clock;
        this.runToken = runToken;
        this.spin = spin;
        this.sequences = new long[groups.length];
        this.pattern = new UnsafeBuffer(new byte[payloads.max()]);
        ProbePayload.fillPattern(pattern, 0, payloads.max());
        this.intervalNs = rate.kind() == RateSpec.Kind.CONSTANT ? 1e9 / rate.framesPerSecond() : 0;
    }

    /**
     * Opens the connection with HELLO for this feed, so that the relay runs the session: sequences paired with stream
     * positions, an ACK every 10 ms. ACKs are read (and discarded) when the generator finishes.
     *
     * @param feed the relay's name of the feed.
     * @return this.
     */
    LoadGenerator withSession(final String feed) {
        this.sessionFeed = feed;
        return this;
    }

    @Override
    public void run() {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (sessionFeed != null) {
                final long sessionId = ThreadLocalRandom.current().nextLong() | 1;
                final int length = RelayV1Encoder.encodeHello(batchBuffer, 0, sessionId, 1, 0,
                    sessionFeed.getBytes(StandardCharsets.US_ASCII));
                batch.limit(length).position(0);
                while (batch.hasRemaining()) {
                    channel.write(batch);
                }
            }
            clock.awaitStart();
            send(channel);
            finish(channel);
        } catch (final IOException | RuntimeException ex) {
            failure = ex;
        } finally {
            done = true;
        }
    }

    private void send(final SocketChannel channel) throws IOException {
        final long endNs = clock.endNs();
        final int lastFrameStart = BATCH_BYTES - DataFrameFlyweight.HEADER_LENGTH - payloads.max();
        long frame = 0;
        while (true) {
            final long elapsedNs = clock.elapsedNs();
            if (elapsedNs >= endNs) {
                break;
            }
            final long due = dueFrames(elapsedNs) - frame;
            if (due <= 0) {
                waitFor(scheduleNs(frame) - elapsedNs);
                continue;
            }
            final long sendTimeNanos = clock.epochNanos();
            int position = 0;
            long batched = 0;
            while (batched < due && position <= lastFrameStart) {
                final long index = frame + batched;
                final long intendedNs = rate.scheduled() ? scheduleNs(index) : elapsedNs;
                if (clock.measured(intendedNs)) {
                    measuredFrames++;
                }
                position += encode(index, position, clock.toEpochNanos(intendedNs), sendTimeNanos);
                batched++;
            }
            if (rate.scheduled()) {
                lateness.recordValue(Math.max(0, sendTimeNanos - clock.toEpochNanos(scheduleNs(frame))));
            }
            batch.limit(position).position(0);
            while (batch.hasRemaining()) {
                channel.write(batch);
            }
            frame += batched;
            framesSent.lazySet(frame);
        }
    }

    /**
     * Half-closes and reads until the forwarder closes its side: the forwarder has then read every frame. Closing
     * with the relay's heartbeats unread would make Linux reset the connection and discard what the relay had not
     * read yet.
     */
    private void finish(final SocketChannel channel) throws IOException {
        awaitClose(channel, batch, FINISH_TIMEOUT_NS);
    }

    /**
     * Half-closes a connection to a forwarder and reads (and drops) what it sends until it closes its side.
     *
     * @param channel   the connection.
     * @param scratch   a buffer to read into.
     * @param timeoutNs how long the forwarder may take.
     * @throws IOException if it has not closed by then.
     */
    static void awaitClose(final SocketChannel channel, final ByteBuffer scratch, final long timeoutNs)
        throws IOException {
        channel.shutdownOutput();
        channel.configureBlocking(false);
        final long deadline = System.nanoTime() + timeoutNs;
        while (System.nanoTime() - deadline < 0) {
            scratch.clear();
            final int read = channel.read(scratch);
            if (read < 0) {
                return;
            }
            if (read == 0) {
                LockSupport.parkNanos(1_000_000);
            }
        }
        throw new IOException("the forwarder did not close the connection within " + timeoutNs / 1_000_000_000L
            + " s of the last frame");
    }

    private long dueFrames(final long elapsedNs) {
        return switch (rate.kind()) {
            case CONSTANT -> (long)(elapsedNs / intervalNs) + 1;
            case BURST -> (elapsedNs / rate.burstIntervalNs() + 1) * rate.burstFrames();
            default -> Long.MAX_VALUE;
        };
    }

    private long scheduleNs(final long frame) {
        return switch (rate.kind()) {
            case CONSTANT -> (long)Math.ceil(frame * intervalNs);
            case BURST -> frame / rate.burstFrames() * rate.burstIntervalNs();
            default -> 0;
        };
    }

    private void waitFor(final long waitNs) {
        if (spin || waitNs <= 0) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(waitNs);
        }
    }

    private int encode(final long index, final int offset, final long intendedTimeNanos, final long sendTimeNanos) {
        final int stream = (int)(index % groups.length);
        final int payloadLength = payloads.size(index);
        final int length = RelayV1Encoder.encodeDataHeader(batchBuffer, offset, groups[stream], udpPort, index + 1,
            sendTimeNanos, payloadLength);
        final int payloadOffset = offset + DataFrameFlyweight.PAYLOAD_OFFSET;
        batchBuffer.putBytes(payloadOffset + ProbePayload.HEADER_LENGTH, pattern, ProbePayload.HEADER_LENGTH,
            payloadLength - ProbePayload.HEADER_LENGTH);
        ProbePayload.write(batchBuffer, payloadOffset, runToken, firstStream + stream, payloadLength,
            ++sequences[stream], intendedTimeNanos, sendTimeNanos);
        return length;
    }

    /** @return frames written so far; any thread. Once {@link #done()}, the forwarder has read them all. */
    long framesSent() {
        return framesSent.get();
    }

    /** @return frames due in the measurement window; read after the thread ended. */
    long measuredFrames() {
        return measuredFrames;
    }

    /**
     * Frames sent to one stream; read after the thread ended.
     *
     * @param stream the stream's index in the run.
     * @return how many.
     */
    long sent(final int stream) {
        return sequences[stream - firstStream];
    }

    /** @return the streams this connection feeds. */
    int streams() {
        return groups.length;
    }

    /** @return the first of them. */
    int firstStream() {
        return firstStream;
    }

    /**
     * How late each write was against the schedule since the last call; one reader.
     *
     * @param target gets nanoseconds late, replacing what it held.
     */
    void latenessInto(final Histogram target) {
        lateness.getIntervalHistogramInto(target);
    }

    /** @return the exception that ended the thread, or null. */
    Throwable failure() {
        return failure;
    }

    /** @return whether the thread ended. */
    boolean done() {
        return done;
    }
}
