package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class LengthPrefixedDecoderTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[70_000]);

    @Test
    void shouldRoundTripPayload() {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[] {1, 2, 3});
        final int length = RelayV1Encoder.encodeLengthPrefixed(buffer, 1, payload, 0, 3);
        assertThat(length).isEqualTo(5);
        assertThat(LengthPrefixedDecoder.decode(buffer, 1, 4, 8472)).isEqualTo(RelayV1Decoder.NEED_MORE);
        assertThat(LengthPrefixedDecoder.decode(buffer, 1, 5, 8472)).isEqualTo(5);
        assertThat(buffer.getByte(1 + 2 + 2)).isEqualTo((byte)3);
    }

    @Test
    void shouldTreatLengthOverTheFeedMaximumAsProtocolError() {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[101]);
        RelayV1Encoder.encodeLengthPrefixed(buffer, 0, payload, 0, 101);
        assertThat(LengthPrefixedDecoder.decode(buffer, 0, 2, 100)).isEqualTo(ProtocolError.PAYLOAD_TOO_LARGE.result());
        assertThat(LengthPrefixedDecoder.decode(buffer, 0, 103, 101)).isEqualTo(103);
    }

    @Test
    void shouldTreatLengthOverTheUdpMaximumAsProtocolErrorWhateverTheFeedSays() {
        buffer.putShort(0, (short)65_508, java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(LengthPrefixedDecoder.decode(buffer, 0, 2, 70_000))
            .isEqualTo(ProtocolError.PAYLOAD_TOO_LARGE.result());
    }
}
