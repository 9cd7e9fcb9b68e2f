package io.mcastrelay.tools;

import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.RelayV1Encoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link RelaySender}'s loop, on the sending thread. Frame {@code k} (from 0) is due {@code k / rate} seconds after
 * the start; each pass writes every frame that is due, as many as fit one reused direct buffer, in one blocking
 * write, then parks until the next is due (or a heartbeat or a report is). Behind schedule it catches up in full
 * batches. Nothing is allocated per frame; the per-second line allocates once a second.
 */
final class SendLoop {
    static final int BATCH_BYTES = 256 * 1024;
    private static final long HEARTBEAT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final SenderSettings settings;
    private final FrameSource source;
    private final SocketChannel channel;
    private final PrintStream out;
    private final EpochNanoClock clock = new SystemEpochNanoClock();
    private final ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_BYTES);
    private final UnsafeBuffer batchBuffer = new UnsafeBuffer(batch);
    private final double intervalNs;
    private final long countLimit;
    private final long durationNs;
    private long frames;
    private long heartbeats;
    private long bytes;
    private long lastWriteElapsedNs;
    private boolean sourceEnded;

    SendLoop(final SenderSettings settings, final FrameSource source, final SocketChannel channel,
        final PrintStream out) {
        this.settings = settings;
        this.source = source;
        this.channel = channel;
        this.out = out;
        this.intervalNs = settings.ratePerSecond() > 0 ? 1e9 / settings.ratePerSecond() : 0;
        this.countLimit = settings.count() > 0 ? settings.count() : Long.MAX_VALUE;
        this.durationNs = settings.durationNs() > 0 ? settings.durationNs() : Long.MAX_VALUE;
    }

    /**
     * Sends until the count, the duration or the source runs out, or {@code running} turns false.
     *
     * @param running polled once per pass.
     * @return what was sent.
     * @throws IOException if a write or a file read fails.
     */
    SendTotals run(final BooleanSupplier running) throws IOException {
        final long startNs = System.nanoTime();
        long nextReportElapsedNs = REPORT_INTERVAL_NS;
        long framesAtReport = 0;
        while (!sourceEnded && frames < countLimit && running.getAsBoolean()) {
            long elapsedNs = System.nanoTime() - startNs;
            if (elapsedNs >= durationNs) {
                break;
            }
            final long due = intervalNs == 0 ? Long.MAX_VALUE : (long)(elapsedNs / intervalNs) + 1 - frames;
            if (due > 0) {
                sendBatch(Math.min(due, countLimit - frames), elapsedNs);
            } else if (settings.framing() == Framing.RELAY_V1 &&
                elapsedNs - lastWriteElapsedNs >= HEARTBEAT_INTERVAL_NS) {
                final long lastSequence = source.lastSequence();
                write(RelayV1Encoder.encodeHeartbeat(batchBuffer, 0, lastSequence, clock.nanoTime()), elapsedNs);
                heartbeats++;
            } else {
                final long nextFrameElapsedNs = (long)Math.ceil(frames * intervalNs);
                final long wakeElapsedNs = Math.min(
                    Math.min(nextFrameElapsedNs, nextReportElapsedNs),
                    Math.min(lastWriteElapsedNs + HEARTBEAT_INTERVAL_NS, durationNs));
                LockSupport.parkNanos(wakeElapsedNs - elapsedNs);
            }
            elapsedNs = System.nanoTime() - startNs;
            if (elapsedNs >= nextReportElapsedNs) {
                final double seconds = (elapsedNs - nextReportElapsedNs + REPORT_INTERVAL_NS) / 1e9;
                out.printf("RelaySender: frames=%d rate=%.0f/s heartbeats=%d bytes=%d%n",
                    frames, (frames - framesAtReport) / seconds, heartbeats, bytes);
                framesAtReport = frames;
                nextReportElapsedNs = elapsedNs + REPORT_INTERVAL_NS;
            }
        }
        return new SendTotals(frames, heartbeats, bytes, System.nanoTime() - startNs);
    }

    private void sendBatch(final long wanted, final long elapsedNs) throws IOException {
        final int lastFrameStart = BATCH_BYTES - source.maxFrameLength();
        final long epochNanos = clock.nanoTime();
        int position = 0;
        long batched = 0;
        while (batched < wanted && position <= lastFrameStart) {
            final int length = source.next(batchBuffer, position, epochNanos);
            if (length == FrameSource.END) {
                sourceEnded = true;
                break;
            }
            position += length;
            batched++;
        }
        write(position, elapsedNs);
        frames += batched;
    }

    private void write(final int length, final long elapsedNs) throws IOException {
        if (length == 0) {
            return;
        }
        batch.limit(length).position(0);
        while (batch.hasRemaining()) {
            channel.write(batch);
        }
        bytes += length;
        lastWriteElapsedNs = elapsedNs;
    }

    /**
     * What one run sent.
     *
     * @param frames     DATA (or length-prefixed, or replayed) frames.
     * @param heartbeats HEARTBEAT frames sent while idle.
     * @param bytes      everything written to the socket.
     * @param elapsedNs  how long the loop ran.
     */
    record SendTotals(long frames, long heartbeats, long bytes, long elapsedNs) {
        @Override
        public String toString() {
            final double seconds = Math.max(elapsedNs, 1) / 1e9;
            return String.format("frames=%d heartbeats=%d bytes=%d elapsed=%.3fs avg-rate=%.0f/s",
                frames, heartbeats, bytes, seconds, frames / seconds);
        }
    }
}
