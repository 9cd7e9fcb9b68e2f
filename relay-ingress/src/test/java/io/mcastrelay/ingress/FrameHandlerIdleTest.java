package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.FrameHandlerFixture.PLAIN;
import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.direct;
import static io.mcastrelay.ingress.Frames.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;

import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.HeartbeatFrameFlyweight;
import io.mcastrelay.wire.RelayV1Decoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Silence on a connection, on the embedded channel's clock: after a second of write silence the relay sends a
 * HEARTBEAT (relay-v1 only); after the idle timeout of read silence it closes the connection.
 */
@Timeout(10)
class FrameHandlerIdleTest {
    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();
    @RegisterExtension
    final FrameHandlerFixture feeds = new FrameHandlerFixture(aeron.aeron());

    @Test
    void shouldSendHeartbeatWithTheLastSequenceAfterOneSecondOfWriteSilence() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connectWithFrozenClock(1);
        feed.write(channel, direct(data("239.1.1.1", 5000, 41, new byte[1])));

        channel.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        final Object nothing = channel.readOutbound();
        assertThat(nothing).isNull();

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        final ByteBuf heartbeat = channel.readOutbound();
        try {
            assertThat(heartbeat.readableBytes()).isEqualTo(HeartbeatFrameFlyweight.FRAME_LENGTH);
            final byte[] bytes = new byte[HeartbeatFrameFlyweight.FRAME_LENGTH];
            heartbeat.getBytes(heartbeat.readerIndex(), bytes);
            final UnsafeBuffer frame = new UnsafeBuffer(bytes);
            assertThat(RelayV1Decoder.decode(frame, 0, bytes.length)).isEqualTo(20);
            assertThat(RelayV1Decoder.type(frame, 0)).isEqualTo(FrameDescriptor.TYPE_HEARTBEAT);
            final HeartbeatFrameFlyweight flyweight = new HeartbeatFrameFlyweight().wrap(frame, 0);
            assertThat(flyweight.lastSequence()).isEqualTo(41);
            assertThat(flyweight.sendTimeNanos()).isCloseTo(System.currentTimeMillis() * 1_000_000L,
                within(TimeUnit.SECONDS.toNanos(5)));
        } finally {
            heartbeat.release();
        }
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldNotSendHeartbeatsOnALengthPrefixedFeed() {
        final TestFeed feed = feeds.open(Framing.LENGTH_PREFIXED, 1000, PLAIN);
        final EmbeddedChannel channel = feed.connectWithFrozenClock(1);

        channel.advanceTimeBy(3, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        final Object nothing = channel.readOutbound();
        assertThat(nothing).isNull();
    }

    @Test
    void shouldCloseAndCountAConnectionSilentForTheIdleTimeout() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connectWithFrozenClock(1);
        feed.write(channel, direct(heartbeat(0)));

        channel.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        feed.releaseOutbound(channel);
        assertThat(channel.isOpen()).isTrue();

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        feed.releaseOutbound(channel);
        assertThat(channel.isOpen()).isFalse();
        assertThat(feed.counters.idleTimeouts().get()).isEqualTo(1);
        assertThat(feed.feed.liveHandlers.get()).isZero();
    }
}
