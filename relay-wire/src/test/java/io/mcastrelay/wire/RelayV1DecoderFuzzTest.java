package io.mcastrelay.wire;

import static io.mcastrelay.wire.RelayV1Spec.u16;
import static io.mcastrelay.wire.RelayV1Spec.u8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Coverage-guided fuzzing of {@link RelayV1Decoder}, both directions. The input is the received byte stream as it
 * is; each frame in it is judged against {@link RelayV1Spec}, an independent reading of docs/wire-format.md.
 *
 * <p>Without {@code JAZZER_FUZZ} each method runs once per file in
 * {@code src/test/resources/io/mcastrelay/wire/RelayV1DecoderFuzzTestInputs/<method>/} (the spec's examples, one
 * frame per protocol error, every finding so far). docs/fuzzing.md says how to fuzz for longer.
 */
class RelayV1DecoderFuzzTest {
    /** The frame is placed at an odd offset in a buffer that ends where the input ends: any over-read throws. */
    private static final int OFFSET = 3;

    @FuzzTest(maxDuration = "30s")
    void decodeSenderStream(final byte[] input) {
        checkStream(input, true);
    }

    @FuzzTest(maxDuration = "30s")
    void decodeRelayStream(final byte[] input) {
        checkStream(input, false);
    }

    private static void checkStream(final byte[] input, final boolean toRelay) {
        final byte[] bytes = new byte[OFFSET + input.length];
        System.arraycopy(input, 0, bytes, OFFSET, input.length);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int at = 0;
        while (true) {
            final int available = input.length - at;
            final int result = decode(buffer, OFFSET + at, available, toRelay);
            checkFrame(buffer, at, available, result, toRelay);
            if (result <= 0) {
                return;
            }
            at += result;
        }
    }

    private static int decode(final UnsafeBuffer buffer, final int offset, final int available, final boolean toRelay) {
        return toRelay ? RelayV1Decoder.decode(buffer, offset, available)
            : RelayV1Decoder.decodeFromRelay(buffer, offset, available);
    }

    private static void checkFrame(
        final UnsafeBuffer buffer, final int at, final int available, final int result, final boolean toRelay) {
        // The frame's bytes (not the whole rest of the stream), padded so the spec's predicates may read a header.
        final int copied = available < 2 ? available
            : Math.min(available, Math.max(u16(buffer.byteArray(), OFFSET + at), 32));
        final byte[] frame = new byte[Math.max(copied, 96)];
        buffer.getBytes(OFFSET + at, frame, 0, copied);
        assertThat(result).as("result").isBetween(-ProtocolError.count(), Math.max(available, 0));
        if (available < FrameDescriptor.PREFIX_LENGTH) {
            assertThat(result).as("fewer bytes than a prefix").isEqualTo(RelayV1Decoder.NEED_MORE);
            return;
        }
        final int length = u16(frame, 0);
        final int type = u8(frame, 2);
        final boolean complete = available >= Math.max(length, RelayV1Spec.headerLength(type));
        if (result > 0) {
            assertThat(RelayV1Spec.valid(frame, toRelay)).as("accepted a frame the spec refuses").isTrue();
            assertThat(result).as("accepted length").isEqualTo(length)
                .isGreaterThanOrEqualTo(RelayV1Spec.headerLength(type));
            assertThat(RelayV1Decoder.type(buffer, OFFSET + at)).isEqualTo(type);
            assertReencodesIdentically(buffer, OFFSET + at, Arrays.copyOf(frame, length));
        } else if (result == RelayV1Decoder.NEED_MORE) {
            assertThat(complete).as("NEED_MORE for a frame that is all in").isFalse();
        } else {
            final ProtocolError error = ProtocolError.fromResult(result);
            assertThat(RelayV1Spec.unjustified(error, frame, available, toRelay)).isNull();
        }
        if (complete && RelayV1Spec.valid(frame, toRelay)) {
            assertThat(result).as("a whole valid frame is accepted").isEqualTo(length);
        }
        if (complete && !RelayV1Spec.valid(frame, toRelay)) {
            assertThat(result).as("a whole invalid frame is refused").isNegative();
        }
        checkPrefixes(buffer, at, available, result, toRelay);
    }

    /**
     * Decoding a truncated prefix gives NEED_MORE or the same error, never another answer; and an error shows as
     * soon as the bytes that carry it are in (the relay never waits for the body of a frame it will refuse).
     */
    private static void checkPrefixes(
        final UnsafeBuffer buffer, final int at, final int available, final int result, final boolean toRelay) {
        final int end = result > 0 ? result : available;
        for (int prefix = 0; prefix < end; prefix++) {
            final int partial = decode(buffer, OFFSET + at, prefix, toRelay);
            if (result > 0) {
                assertThat(partial).as("prefix of %d of an accepted %d-byte frame", prefix, result)
                    .isEqualTo(RelayV1Decoder.NEED_MORE);
            } else if (partial != RelayV1Decoder.NEED_MORE) {
                assertThat(partial).as("prefix of %d bytes", prefix).isEqualTo(result);
            }
        }
        if (result < 0) {
            final int detectable = RelayV1Spec.detectableAfter(ProtocolError.fromResult(result));
            assertThat(decode(buffer, OFFSET + at, Math.min(available, detectable), toRelay))
                .as("error seen once its first %d bytes are in", detectable).isEqualTo(result);
        }
    }

    private static void assertReencodesIdentically(final UnsafeBuffer buffer, final int offset, final byte[] frame) {
        final UnsafeBuffer encoded = new UnsafeBuffer(new byte[frame.length]);
        final int type = u8(frame, 2);
        final int length;
        if (type == FrameDescriptor.TYPE_DATA) {
            final DataFrameFlyweight data = new DataFrameFlyweight().wrap(buffer, offset);
            assertThat(Ipv4.isMulticast(data.group())).as("accepted DATA's group is multicast").isTrue();
            assertThat(data.port()).as("accepted DATA's port").isBetween(1, 65535);
            assertThat(data.payloadLength()).as("payload").isBetween(0, FrameDescriptor.MAX_PAYLOAD_LENGTH);
            length = RelayV1Encoder.encodeData(encoded, 0, data.group(), data.port(), data.sequence(),
                data.sendTimeNanos(), buffer, data.payloadOffset(), data.payloadLength());
        } else if (type == FrameDescriptor.TYPE_HEARTBEAT) {
            final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight().wrap(buffer, offset);
            length = RelayV1Encoder.encodeHeartbeat(encoded, 0, heartbeat.lastSequence(), heartbeat.sendTimeNanos());
        } else if (type == FrameDescriptor.TYPE_HELLO) {
            final HelloFrameFlyweight hello = new HelloFrameFlyweight().wrap(buffer, offset, frame.length);
            assertThat(hello.feedLength()).as("HELLO's feed name").isBetween(1, HelloFrameFlyweight.MAX_FEED_LENGTH);
            assertThat(hello.sessionId()).isNotZero();
            assertThat(hello.firstSequence()).isNotZero();
            length = RelayV1Encoder.encodeHello(encoded, 0, hello.sessionId(), hello.firstSequence(),
                hello.sendTimeNanos(), Arrays.copyOfRange(frame, HelloFrameFlyweight.FEED_OFFSET, frame.length));
            // A relay accepts any minor version of major 1; the encoder writes the current one.
            encoded.putByte(HelloFrameFlyweight.VERSION_MINOR_OFFSET,
                frame[HelloFrameFlyweight.VERSION_MINOR_OFFSET]);
        } else {
            final AckFrameFlyweight ack = new AckFrameFlyweight().wrap(buffer, offset);
            length = RelayV1Encoder.encodeAck(encoded, 0, ack.sessionId(), ack.ackedSequence(), ack.sendTimeNanos());
        }
        assertThat(length).as("re-encoded length").isEqualTo(frame.length);
        assertThat(encoded.byteArray()).as("re-encoded frame").isEqualTo(frame);
    }
}
