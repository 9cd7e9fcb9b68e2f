package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.FrameHandlerFixture.PLAIN;
import static io.mcastrelay.ingress.FrameHandlerFixture.REMAPPED;
import static io.mcastrelay.ingress.Frames.concat;
import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.direct;
import static io.mcastrelay.ingress.Frames.hex;
import static io.mcastrelay.ingress.Frames.lengthPrefixed;
import static io.mcastrelay.ingress.Frames.payload;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.ProtocolError;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Frames that a connection refuses: drops that keep the connection, protocol errors and idle timeouts that close
 * only it; each counted under its reason.
 */
@Timeout(10)
class FrameHandlerErrorTest {
    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();
    @RegisterExtension
    final FrameHandlerFixture feeds = new FrameHandlerFixture(aeron.aeron());

    @Test
    void shouldDropAndCountDisallowedDestinationAndKeepTheConnection() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);

        feed.write(channel, direct(concat(data("239.1.1.1", 5001, 1, payload(10, 1)),
            data("239.1.1.3", 5000, 2, payload(10, 2)), data("239.1.1.1", 5000, 3, payload(10, 3)))));

        assertThat(feed.poll(1).get(0).sequence()).isEqualTo(3);
        feed.assertNothingMorePublished();
        assertThat(feed.counters.drops(DropReason.DESTINATION_NOT_ALLOWED).get()).isEqualTo(2);
        assertThat(feed.counters.frames().get()).isEqualTo(3);
        assertThat(feed.counters.sequenceGaps().get()).isZero();
        assertThat(channel.isOpen()).isTrue();
        assertThat(totalProtocolErrors(feed)).isZero();
    }

    @Test
    void shouldDropAndCountPayloadOverTheFeedMaximumAndKeepTheConnection() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 100, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);

        feed.write(channel, direct(concat(data("239.1.1.1", 5000, 1, payload(101, 1)),
            data("239.1.1.1", 5000, 2, payload(100, 2)))));

        final List<IpcMessage> messages = feed.poll(1);
        assertThat(messages.get(0).sequence()).isEqualTo(2);
        assertThat(messages.get(0).payload()).hasSize(100);
        feed.assertNothingMorePublished();
        assertThat(feed.counters.drops(DropReason.PAYLOAD_OVER_MAXIMUM).get()).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "BAD_LENGTH,          001b0100 ef010101 13880000 0000000000000002 0000000000000000",
        "BAD_LENGTH,          00150200 0000000000000001 0000000000000000 00",
        "UNKNOWN_TYPE,        001c1000 ef010101 13880000 0000000000000002 0000000000000000",
        "UNKNOWN_TYPE,        001cff00",
        "RESERVED_TYPE,       001c0500 ef010101 13880000 0000000000000002 0000000000000000",
        "RESERVED_TYPE,       00140f00",
        "NON_ZERO_FLAGS,      001c0180 ef010101 13880000 0000000000000002 0000000000000000",
        "NON_ZERO_FLAGS,      00140201 0000000000000001 0000000000000000",
        "GROUP_NOT_MULTICAST, 001c0100 0a000001 13880000 0000000000000002 0000000000000000",
        "GROUP_NOT_MULTICAST, 001c0100 f0000001 13880000 0000000000000002 0000000000000000",
        "PORT_ZERO,           001c0100 ef010101 00000000 0000000000000002 0000000000000000",
        "NON_ZERO_RESERVED,   001c0100 ef010101 13880001 0000000000000002 0000000000000000",
    })
    void shouldCountEachProtocolErrorAndCloseTheConnectionAfterPublishingTheFramesBeforeIt(
        final ProtocolError error, final String badFrame) {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);
        final EmbeddedChannel other = feed.connect(2);

        feed.write(channel, direct(concat(data("239.1.1.1", 5000, 1, payload(10, 1)), hex(badFrame),
            data("239.1.1.1", 5000, 3, payload(10, 3)))));

        assertThat(channel.isOpen()).isFalse();
        assertThat(feed.poll(1).get(0).sequence()).isEqualTo(1);
        feed.assertNothingMorePublished();
        assertThat(feed.counters.protocolErrors(error).get()).isEqualTo(1);
        assertThat(totalProtocolErrors(feed)).isEqualTo(1);
        assertThat(feed.feed.liveHandlers.get()).as("only the other connection is live").isEqualTo(1);

        feed.write(other, direct(data("239.1.1.1", 5000, 1, payload(10, 4))));
        assertThat(other.isOpen()).isTrue();
        assertThat(feed.poll(1).get(0).connectionId()).isEqualTo(2);
    }

    @Test
    void shouldCloseOnTheBadPrefixBeforeTheRestOfTheFrameArrives() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);

        feed.write(channel, direct(hex("ffff0500")));

        assertThat(channel.isOpen()).isFalse();
        assertThat(feed.counters.protocolErrors(ProtocolError.RESERVED_TYPE).get()).isEqualTo(1);
    }

    @Test
    void shouldCloseLengthPrefixedConnectionOnALengthOverTheFeedMaximum() {
        final TestFeed feed = feeds.open(Framing.LENGTH_PREFIXED, 1000, REMAPPED);
        final EmbeddedChannel channel = feed.connect(1);

        feed.write(channel, direct(concat(lengthPrefixed(payload(10, 1)), hex("03e9"))));

        assertThat(channel.isOpen()).isFalse();
        assertThat(feed.poll(1).get(0).payload()).isEqualTo(payload(10, 1));
        assertThat(feed.counters.protocolErrors(ProtocolError.PAYLOAD_TOO_LARGE).get()).isEqualTo(1);
    }

    private static long totalProtocolErrors(final TestFeed feed) {
        long total = 0;
        for (int i = 0; i < ProtocolError.count(); i++) {
            total += feed.counters.protocolErrors(ProtocolError.get(i)).get();
        }
        return total;
    }
}
