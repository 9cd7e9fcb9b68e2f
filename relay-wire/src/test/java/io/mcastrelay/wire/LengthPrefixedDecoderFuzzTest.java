package io.mcastrelay.wire;

import static io.mcastrelay.wire.RelayV1Spec.u16;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Coverage-guided fuzzing of {@link LengthPrefixedDecoder}. Input: 2 bytes of the feed's {@code max-payload}
 * (big-endian), then the received stream. Seeds: {@code LengthPrefixedDecoderFuzzTestInputs/decodeStream/}.
 */
class LengthPrefixedDecoderFuzzTest {
    private static final int OFFSET = 5;

    @FuzzTest(maxDuration = "30s")
    void decodeStream(final byte[] input) {
        if (input.length < 2) {
            return;
        }
        final int maxPayloadBytes = u16(input, 0);
        final int streamLength = input.length - 2;
        final byte[] bytes = new byte[OFFSET + streamLength];
        System.arraycopy(input, 2, bytes, OFFSET, streamLength);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int at = 0;
        while (true) {
            final int available = streamLength - at;
            final int result = LengthPrefixedDecoder.decode(buffer, OFFSET + at, available, maxPayloadBytes);
            check(buffer, OFFSET + at, available, maxPayloadBytes, result);
            if (result <= 0) {
                return;
            }
            at += result;
        }
    }

    private static void check(
        final UnsafeBuffer buffer, final int offset, final int available, final int maxPayloadBytes, final int result) {
        if (available < LengthPrefixedDecoder.PREFIX_LENGTH) {
            assertThat(result).as("fewer bytes than a prefix").isEqualTo(RelayV1Decoder.NEED_MORE);
            return;
        }
        final int payloadLength = u16(buffer.byteArray(), offset);
        final boolean tooLarge = payloadLength > Math.min(maxPayloadBytes, FrameDescriptor.MAX_PAYLOAD_LENGTH);
        if (tooLarge) {
            assertThat(result).as("payload %d over the maximum %d", payloadLength, maxPayloadBytes)
                .isEqualTo(ProtocolError.PAYLOAD_TOO_LARGE.result());
        } else if (available >= 2 + payloadLength) {
            assertThat(result).as("a whole frame").isEqualTo(2 + payloadLength);
        } else {
            assertThat(result).as("a partial frame").isEqualTo(RelayV1Decoder.NEED_MORE);
        }
        for (int prefix = 0; prefix < Math.min(available, 2 + payloadLength); prefix++) {
            final int partial = LengthPrefixedDecoder.decode(buffer, offset, prefix, maxPayloadBytes);
            assertThat(partial).as("prefix of %d bytes", prefix)
                .isEqualTo(tooLarge && prefix >= 2 ? result : RelayV1Decoder.NEED_MORE);
        }
    }
}
