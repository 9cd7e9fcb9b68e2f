package io.mcastrelay.loadtest.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.RelayV1Encoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.agrona.concurrent.UnsafeBuffer;

/** The feed and the TCP read that the ingress benchmarks share. */
final class BenchFeed {
    private BenchFeed() {
    }

    /**
     * A relay-v1 feed named {@code bench} on the benchmarks' IPC channel.
     *
     * @param destination its one destination.
     * @param streamId    its stream.
     * @return the settings.
     */
    static FeedSettings settings(final Destination destination, final int streamId) {
        return new FeedSettings("bench", "127.0.0.1", 0, Framing.RELAY_V1, List.of(destination), 8472,
            List.of("127.0.0.0/8"), 4, TimeUnit.SECONDS.toNanos(10), BenchAeron.CHANNEL, streamId);
    }

    /**
     * One TCP read of relay-v1 DATA frames to a destination, in a pooled direct buffer with a memory address, as
     * the epoll transport reads into.
     *
     * @param destination  where the frames go.
     * @param frames       how many.
     * @param payloadBytes each one's payload.
     * @return the read.
     */
    static ByteBuf read(final Destination destination, final int frames, final int payloadBytes) {
        final int frameLength = DataFrameFlyweight.HEADER_LENGTH + payloadBytes;
        final UnsafeBuffer encoded = new UnsafeBuffer(new byte[frameLength * frames]);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadBytes]);
        int length = 0;
        for (int i = 0; i < frames; i++) {
            length += RelayV1Encoder.encodeData(encoded, length, destination.group(), destination.port(), 0,
                1_700_000_000_000_000_000L, payload, 0, payloadBytes);
        }
        final ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(encoded.byteArray(), 0,
            length);
        if (!read.hasMemoryAddress()) {
            throw new IllegalStateException("expected a direct buffer with a memory address, as epoll reads into");
        }
        return read;
    }
}
