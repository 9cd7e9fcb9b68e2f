package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionFramesTest {
    private static final byte[] FEED = "prod".getBytes(StandardCharsets.US_ASCII);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final HelloFrameFlyweight hello = new HelloFrameFlyweight();
    private final AckFrameFlyweight ack = new AckFrameFlyweight();

    @Test
    void shouldMatchTheSpecHelloExampleByteForByte() {
        final int length = RelayV1Encoder.encodeHello(buffer, 0, 0x0102030405060708L, 42, 0, FEED);

        assertThat(hex(length)).isEqualTo("00240300" + "01010000" + "0102030405060708" + "000000000000002a"
            + "0000000000000000" + "70726f64");
    }

    @Test
    void shouldMatchTheSpecAckExampleByteForByte() {
        final int length = RelayV1Encoder.encodeAck(buffer, 0, 0x0102030405060708L, 41, 0);

        assertThat(hex(length)).isEqualTo("001c0400" + "0102030405060708" + "0000000000000029" + "0000000000000000");
    }

    @Test
    void shouldRoundTripHello() {
        final int length = RelayV1Encoder.encodeHello(buffer, 5, -7L, Long.MAX_VALUE, 1_700_000_000_000_000_001L, FEED);

        assertThat(RelayV1Decoder.decode(buffer, 5, length)).isEqualTo(length);
        assertThat(RelayV1Decoder.type(buffer, 5)).isEqualTo(FrameDescriptor.TYPE_HELLO);
        hello.wrap(buffer, 5, length);
        assertThat(hello.versionMajor()).isEqualTo(1);
        assertThat(hello.versionMinor()).isEqualTo(1);
        assertThat(hello.sessionId()).isEqualTo(-7L);
        assertThat(hello.firstSequence()).isEqualTo(Long.MAX_VALUE);
        assertThat(hello.sendTimeNanos()).isEqualTo(1_700_000_000_000_000_001L);
        assertThat(hello.feed()).isEqualTo("prod");
        assertThat(hello.feedEquals(FEED)).isTrue();
        assertThat(hello.feedEquals("prod2".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(hello.feedEquals("test".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }

    @Test
    void shouldRoundTripAckInTheRelayToSenderDirectionOnly() {
        final int length = RelayV1Encoder.encodeAck(buffer, 0, 99, 1234, 5678);

        assertThat(RelayV1Decoder.decodeFromRelay(buffer, 0, length)).isEqualTo(AckFrameFlyweight.FRAME_LENGTH);
        ack.wrap(buffer, 0);
        assertThat(ack.sessionId()).isEqualTo(99);
        assertThat(ack.ackedSequence()).isEqualTo(1234);
        assertThat(ack.sendTimeNanos()).isEqualTo(5678);
        assertThat(RelayV1Decoder.decode(buffer, 0, length)).isEqualTo(ProtocolError.WRONG_DIRECTION.result());
    }

    @Test
    void shouldRefuseDataAndHelloFromTheRelayAndAcceptItsHeartbeats() {
        int length = RelayV1Encoder.encodeHello(buffer, 0, 1, 1, 0, FEED);
        assertThat(RelayV1Decoder.decodeFromRelay(buffer, 0, length)).isEqualTo(ProtocolError.WRONG_DIRECTION.result());
        length = RelayV1Encoder.encodeData(buffer, 0, Ipv4.parse("239.1.1.1"), 1, 1, 0, buffer, 0, 0);
        assertThat(RelayV1Decoder.decodeFromRelay(buffer, 0, length)).isEqualTo(ProtocolError.WRONG_DIRECTION.result());
        length = RelayV1Encoder.encodeHeartbeat(buffer, 0, 5, 6);
        assertThat(RelayV1Decoder.decodeFromRelay(buffer, 0, length)).isEqualTo(length);
    }

    @Test
    void shouldNeedTheWholeHelloBeforeAcceptingIt() {
        final int length = RelayV1Encoder.encodeHello(buffer, 0, 1, 1, 0, FEED);
        for (int available = 0; available < length; available++) {
            assertThat(RelayV1Decoder.decode(buffer, 0, available)).as("available %d", available)
                .isEqualTo(RelayV1Decoder.NEED_MORE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "no feed name, 00200300, BAD_LENGTH",
        "feed name of 65, 00610300, BAD_LENGTH",
        "hello flags, 00240301, NON_ZERO_FLAGS",
        "ack length 29, 001d0400, WRONG_DIRECTION",
    })
    void shouldReportHelloPrefixErrorsAsSoonAsThePrefixIsIn(
        final String name, final String hex, final ProtocolError error) {
        buffer.putBytes(0, BitUtil.fromHex(hex));
        assertThat(RelayV1Decoder.decode(buffer, 0, 4)).isEqualTo(error.result());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "version 2, 02010000 0000000000000001 0000000000000001, UNSUPPORTED_VERSION",
        "version 0, 00010000 0000000000000001 0000000000000001, UNSUPPORTED_VERSION",
        "reserved set, 01010001 0000000000000001 0000000000000001, BAD_HELLO",
        "session zero, 01010000 0000000000000000 0000000000000001, BAD_HELLO",
        "first sequence zero, 01010000 0000000000000001 0000000000000000, BAD_HELLO",
    })
    void shouldReportHelloHeaderErrorsOnceTheHeaderIsIn(
        final String name, final String fields, final ProtocolError error) {
        buffer.putBytes(0, BitUtil.fromHex("00240300" + fields.replace(" ", "") + "0000000000000000" + "70726f64"));
        assertThat(RelayV1Decoder.decode(buffer, 0, 31)).isEqualTo(RelayV1Decoder.NEED_MORE);
        assertThat(RelayV1Decoder.decode(buffer, 0, 32)).isEqualTo(error.result());
    }

    @Test
    void shouldReportAckLengthErrorsFromTheRelay() {
        buffer.putBytes(0, BitUtil.fromHex("001d0400"));
        assertThat(RelayV1Decoder.decodeFromRelay(buffer, 0, 4)).isEqualTo(ProtocolError.BAD_LENGTH.result());
    }

    private String hex(final int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return BitUtil.toHex(bytes);
    }
}
