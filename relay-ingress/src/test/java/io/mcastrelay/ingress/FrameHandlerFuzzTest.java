package io.mcastrelay.ingress;

import java.util.Arrays;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.RelayV1Encoder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of the whole ingress path ({@link IngressPathHarness}: FrameHandler in an
 * EmbeddedChannel, a real Aeron IPC stream): whatever bytes arrive, in whatever reads, no message leaves for a
 * destination outside the feed's allowed set, nothing leaks, and a connection closes exactly on a protocol error.
 *
 * <p>Input: byte 0 picks the feed (even: relay-v1, odd: length-prefixed) and byte 1 the largest read (0: the whole
 * stream in one read); the rest is the stream. The relay-v1 feed allows a plain destination, a remapped one, one
 * remapped onto the plain one and one remapped onto the exchange side of another, so that a mix-up of the two sides
 * shows. Seeds: {@code FrameHandlerFuzzTestInputs/anyBytesInAnyReads/}.
 */
class FrameHandlerFuzzTest {
    static final Destination[] RELAY_V1_DESTINATIONS = {
        FrameHandlerFixture.PLAIN,
        FrameHandlerFixture.REMAPPED,
        Destination.parse("239.1.1.3:5002->239.1.1.1:5000"),
        Destination.parse("239.1.1.4:5003->239.1.1.2:5001"),
    };
    /** Small, so that payloads over it are easy to reach; the IPC MTU's limit is 1328. */
    static final int MAX_PAYLOAD_BYTES = 100;

    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();

    private static IngressPathHarness relayV1;
    private static IngressPathHarness lengthPrefixed;

    static {
        // While fuzzing, one INFO line per connection and one WARN per protocol error would dominate the run's time.
        if (System.getenv("JAZZER_FUZZ") != null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.mcastrelay.ingress.FrameHandler", "error");
        }
    }

    @AfterAll
    static void closeFeeds() {
        CloseHelper.closeAll(relayV1, lengthPrefixed);
        relayV1 = null;
        lengthPrefixed = null;
    }

    @FuzzTest(maxDuration = "30s")
    void anyBytesInAnyReads(final byte[] input) {
        if (input.length < 2) {
            return;
        }
        final byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        harness((input[0] & 1) == 0).run(input[1] & 0xFF, input[1], stream);
    }

    /**
     * The same property, with inputs built as well-formed relay-v1 streams: many DATA frames to allowed destinations,
     * to either side of a remapped one, to their neighbours (one bit or one port off) and to any multicast group, with
     * heartbeats between them and now and then a last frame of random bytes; read in random chunks. Where the raw
     * target above spends most inputs on prefixes, this one spends them on the allow-list and the remapping.
     */
    @FuzzTest(maxDuration = "30s")
    void framesToAnyDestination(final FuzzedDataProvider data) {
        final int frames = data.consumeInt(1, 40);
        final UnsafeBuffer stream = new UnsafeBuffer(new byte[frames * (28 + MAX_PAYLOAD_BYTES + 20) + 64]);
        int length = 0;
        long sequence = data.consumeLong();
        for (int i = 0; i < frames && data.remainingBytes() > 0; i++) {
            if (data.consumeInt(0, 9) == 0) {
                length += RelayV1Encoder.encodeHeartbeat(stream, length, sequence, data.consumeLong());
                continue;
            }
            final Destination near = data.pickValue(RELAY_V1_DESTINATIONS);
            final int group;
            final int port;
            switch (data.consumeInt(0, 4)) {
                case 0:
                    group = near.egressGroup();
                    port = near.egressPort();
                    break;
                case 1:
                    group = near.group() ^ (1 << data.consumeInt(0, 27));
                    port = near.port();
                    break;
                case 2:
                    group = near.group();
                    port = (near.port() + data.consumeInt(-1, 1)) & 0xFFFF;
                    break;
                case 3:
                    group = 0xE000_0000 | data.consumeInt() >>> 4;
                    port = data.consumeInt(1, 65535);
                    break;
                default:
                    group = near.group();
                    port = near.port();
            }
            final byte[] payload = data.consumeBytes(data.consumeInt(0, MAX_PAYLOAD_BYTES + 2));
            sequence = data.consumeBoolean() ? sequence + 1 : data.consumeLong();
            length += RelayV1Encoder.encodeData(stream, length, group, port == 0 ? 1 : port, sequence,
                data.consumeLong(), new UnsafeBuffer(payload), 0, payload.length);
        }
        final byte[] tail = data.consumeBytes(data.consumeBoolean() ? 0 : 40);
        stream.putBytes(length, tail);
        length += tail.length;
        final int maxChunkBytes = data.consumeInt(0, 300);
        harness(true).run(maxChunkBytes, data.consumeLong(), Arrays.copyOf(stream.byteArray(), length));
    }

    private static IngressPathHarness harness(final boolean relayV1Framing) {
        if (relayV1Framing) {
            if (relayV1 == null) {
                relayV1 = new IngressPathHarness(aeron.aeron(), Framing.RELAY_V1, MAX_PAYLOAD_BYTES,
                    RELAY_V1_DESTINATIONS);
            }
            return relayV1;
        }
        if (lengthPrefixed == null) {
            lengthPrefixed = new IngressPathHarness(aeron.aeron(), Framing.LENGTH_PREFIXED, MAX_PAYLOAD_BYTES,
                FrameHandlerFixture.REMAPPED);
        }
        return lengthPrefixed;
    }
}
