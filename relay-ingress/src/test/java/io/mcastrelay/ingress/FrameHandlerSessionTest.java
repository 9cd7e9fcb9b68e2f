package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.FrameHandlerFixture.PLAIN;
import static io.mcastrelay.ingress.Frames.concat;
import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.direct;
import static io.mcastrelay.ingress.Frames.payload;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.AckFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Encoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * relay-v1.1 sessions on one connection: the ACK after HELLO, ACKs that follow egress's sent position and never run
 * ahead of it, duplicates skipped when a session resumes on this relay, and the session's protocol errors.
 */
@Timeout(10)
class FrameHandlerSessionTest {
    private static final long SESSION = 0x5e55_1011L;

    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();
    @RegisterExtension
    final FrameHandlerFixture feeds = new FrameHandlerFixture(aeron.aeron());

    @Test
    void shouldAcknowledgeAtOnceAfterHelloAndThenOnlyWhatEgressHasSent() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1400, PLAIN);
        final EmbeddedChannel channel = feed.connectWithFrozenClock(1);

        feed.write(channel, direct(hello(SESSION, 1, "test")));
        assertThat(acks(channel)).containsExactly(0L);

        feed.write(channel, direct(concat(frame(1), frame(2))));
        final long afterTwo = feed.publication.position();
        feed.write(channel, direct(frame(3)));
        assertThat(feed.poll(3)).extracting(IpcMessage::sequence).containsExactly(1L, 2L, 3L);

        tick(channel);
        assertThat(acks(channel)).as("egress has sent nothing yet").isEmpty();
        feed.sentPosition.setRelease(afterTwo);
        tick(channel);
        assertThat(acks(channel)).containsExactly(2L);
        tick(channel);
        assertThat(acks(channel)).as("nothing new sent, nothing new acknowledged").isEmpty();
        feed.sentPosition.setRelease(feed.publication.position());
        tick(channel);
        assertThat(acks(channel)).containsExactly(3L);
        assertThat(feed.counters.sessions().get()).isEqualTo(1);
    }

    @Test
    void shouldSkipWhatAResumedSessionResendsThatThisRelayPublishedAlready() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1400, PLAIN);
        final EmbeddedChannel first = feed.connectWithFrozenClock(1);
        feed.write(first, direct(concat(hello(SESSION, 1, "test"), frame(1), frame(2), frame(3), frame(4))));
        assertThat(feed.poll(4)).extracting(IpcMessage::sequence).containsExactly(1L, 2L, 3L, 4L);
        first.close();

        final EmbeddedChannel second = feed.connectWithFrozenClock(2);
        feed.write(second, direct(concat(hello(SESSION, 2, "test"), frame(2), frame(3), frame(4), frame(5))));

        assertThat(feed.poll(1)).extracting(IpcMessage::sequence).containsExactly(5L);
        feed.assertNothingMorePublished();
        assertThat(feed.counters.duplicates().get()).isEqualTo(3);
        assertThat(acks(second)).as("the resend starts after 1").containsExactly(1L);
        feed.sentPosition.setRelease(feed.publication.position());
        tick(second);
        assertThat(acks(second)).containsExactly(5L);
        assertThat(feed.counters.sequenceGaps().get() + feed.counters.sequenceRepeats().get()).isZero();
    }

    @Test
    void shouldTreatAnotherSessionAsNewEvenFromTheSameSequence() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1400, PLAIN);
        feed.write(feed.connect(1), direct(concat(hello(SESSION, 1, "test"), frame(1), frame(2))));
        feed.write(feed.connect(2), direct(concat(hello(SESSION + 1, 1, "test"), frame(1), frame(2))));

        assertThat(feed.poll(4)).extracting(IpcMessage::sequence).containsExactly(1L, 2L, 1L, 2L);
        assertThat(feed.counters.duplicates().get()).isZero();
    }

    @Test
    void shouldNeverAcknowledgeARelayV10Sender() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1400, PLAIN);
        final EmbeddedChannel channel = feed.connectWithFrozenClock(1);
        feed.write(channel, direct(concat(frame(1), frame(2))));
        feed.sentPosition.setRelease(feed.publication.position());
        tick(channel);

        assertThat(feed.poll(2)).hasSize(2);
        assertThat(acks(channel)).isEmpty();
        assertThat(feed.counters.sessions().get()).isZero();
    }

    @Test
    void shouldCloseOnAHelloAfterOtherFrames() {
        assertClosedWith(ProtocolError.LATE_HELLO, 1, frame(1), hello(SESSION, 2, "test"));
    }

    @Test
    void shouldCloseOnASecondHello() {
        assertClosedWith(ProtocolError.LATE_HELLO, 0, hello(SESSION, 1, "test"), hello(SESSION, 1, "test"));
    }

    @Test
    void shouldCloseOnAHelloForAnotherFeed() {
        assertClosedWith(ProtocolError.FEED_MISMATCH, 0, hello(SESSION, 1, "prod"), frame(1));
    }

    @Test
    void shouldCloseOnAnUnnumberedFrameInASession() {
        assertClosedWith(ProtocolError.UNNUMBERED_IN_SESSION, 1, hello(SESSION, 1, "test"), frame(1), frame(0));
    }

    @Test
    void shouldCloseOnAnAckSentToTheRelay() {
        final byte[] ack = new byte[AckFrameFlyweight.FRAME_LENGTH];
        RelayV1Encoder.encodeAck(new UnsafeBuffer(ack), 0, SESSION, 1, 0);
        assertClosedWith(ProtocolError.WRONG_DIRECTION, 1, frame(1), ack);
    }

    private void assertClosedWith(final ProtocolError error, final int published, final byte[]... frames) {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1400, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);
        feed.write(channel, direct(concat(frames)));

        assertThat(channel.isActive()).isFalse();
        assertThat(feed.counters.protocolErrors(error).get()).isEqualTo(1);
        if (published > 0) {
            assertThat(feed.poll(published)).hasSize(published);
        }
        feed.assertNothingMorePublished();
        feed.releaseOutbound(channel);
    }

    private static byte[] frame(final long sequence) {
        return data("239.1.1.1", 5000, sequence, payload(32, sequence));
    }

    static byte[] hello(final long sessionId, final long firstSequence, final String feed) {
        final byte[] name = feed.getBytes(StandardCharsets.US_ASCII);
        final byte[] frame = new byte[32 + name.length];
        RelayV1Encoder.encodeHello(new UnsafeBuffer(frame), 0, sessionId, firstSequence, 0, name);
        return frame;
    }

    private static void tick(final EmbeddedChannel channel) {
        channel.advanceTimeBy(IngressServer.DEFAULT_ACK_INTERVAL_NS, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    /** The acknowledged sequences the relay wrote since the last call; heartbeats are skipped. */
    private static List<Long> acks(final EmbeddedChannel channel) {
        final List<Long> acked = new ArrayList<>();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            final ByteBuf frame = (ByteBuf)out;
            try {
                if (frame.getByte(FrameDescriptor.TYPE_OFFSET) == FrameDescriptor.TYPE_ACK) {
                    assertThat(frame.readableBytes()).isEqualTo(AckFrameFlyweight.FRAME_LENGTH);
                    assertThat(frame.getLong(AckFrameFlyweight.SESSION_ID_OFFSET)).isEqualTo(SESSION);
                    acked.add(frame.getLong(AckFrameFlyweight.ACKED_SEQUENCE_OFFSET));
                }
            } finally {
                frame.release();
            }
        }
        return acked;
    }
}
