package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayV1DecoderTest {
    private static final int GROUP = Ipv4.parse("239.1.1.1");

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[70_000]);
    private final DataFrameFlyweight data = new DataFrameFlyweight();
    private final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();

    @Test
    void shouldMatchTheSpecExampleByteForByte() {
        final UnsafeBuffer payload = new UnsafeBuffer("hi".getBytes(StandardCharsets.US_ASCII));
        final int length = RelayV1Encoder.encodeData(buffer, 0, GROUP, 5000, 7, 0, payload, 0, 2);

        final byte[] expected = BitUtil.fromHex(
            "001e0100" + "ef010101" + "13880000" + "0000000000000007" + "0000000000000000" + "6869");
        final byte[] actual = new byte[length];
        buffer.getBytes(0, actual);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void shouldRoundTripDataFrame() {
        final byte[] bytes = new byte[1400];
        new SplittableRandom(1).nextBytes(bytes);
        final int length = RelayV1Encoder.encodeData(
            buffer, 3, GROUP, 65535, Long.MAX_VALUE, 1_700_000_000_123_456_789L, new UnsafeBuffer(bytes), 0, 1400);

        assertThat(RelayV1Decoder.decode(buffer, 3, length)).isEqualTo(length);
        assertThat(RelayV1Decoder.type(buffer, 3)).isEqualTo(FrameDescriptor.TYPE_DATA);
        data.wrap(buffer, 3);
        assertThat(data.length()).isEqualTo(1428);
        assertThat(data.group()).isEqualTo(GROUP);
        assertThat(data.port()).isEqualTo(65535);
        assertThat(data.reserved()).isZero();
        assertThat(data.sequence()).isEqualTo(Long.MAX_VALUE);
        assertThat(data.sendTimeNanos()).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(data.payloadLength()).isEqualTo(1400);
        final byte[] decoded = new byte[1400];
        buffer.getBytes(data.payloadOffset(), decoded);
        assertThat(decoded).isEqualTo(bytes);
    }

    @Test
    void shouldRoundTripEmptyAndLargestPayloads() {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[FrameDescriptor.MAX_PAYLOAD_LENGTH]);
        final int empty = RelayV1Encoder.encodeData(buffer, 0, GROUP, 1, 0, 0, payload, 0, 0);
        assertThat(RelayV1Decoder.decode(buffer, 0, empty)).isEqualTo(28);
        final int largest = RelayV1Encoder.encodeData(
            buffer, 0, GROUP, 1, 0, 0, payload, 0, FrameDescriptor.MAX_PAYLOAD_LENGTH);
        assertThat(largest).isEqualTo(FrameDescriptor.MAX_FRAME_LENGTH);
        assertThat(RelayV1Decoder.decode(buffer, 0, largest)).isEqualTo(largest);
    }

    @Test
    void shouldRoundTripHeartbeat() {
        final int length = RelayV1Encoder.encodeHeartbeat(buffer, 0, 42, 99);
        assertThat(RelayV1Decoder.decode(buffer, 0, length)).isEqualTo(20);
        assertThat(RelayV1Decoder.type(buffer, 0)).isEqualTo(FrameDescriptor.TYPE_HEARTBEAT);
        heartbeat.wrap(buffer, 0);
        assertThat(heartbeat.lastSequence()).isEqualTo(42);
        assertThat(heartbeat.sendTimeNanos()).isEqualTo(99);
    }

    @Test
    void shouldAskForMoreUntilTheWholeFrameIsIn() {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[10]);
        final int length = RelayV1Encoder.encodeData(buffer, 0, GROUP, 5000, 1, 0, payload, 0, 10);
        for (int available = 0; available < length; available++) {
            assertThat(RelayV1Decoder.decode(buffer, 0, available)).as("available %d", available)
                .isEqualTo(RelayV1Decoder.NEED_MORE);
        }
        assertThat(RelayV1Decoder.decode(buffer, 0, length + 5)).isEqualTo(length);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "data length below header, 001b0100, BAD_LENGTH",
        "data length zero, 00000100, BAD_LENGTH",
        "heartbeat length 21, 00150200, BAD_LENGTH",
        "heartbeat length 19, 00130200, BAD_LENGTH",
        "type zero, 00140000, UNKNOWN_TYPE",
        "type 0x10, 00141000, UNKNOWN_TYPE",
        "type 0xff, 0014ff00, UNKNOWN_TYPE",
        "type 0x05 reserved, 00140500, RESERVED_TYPE",
        "type 0x0f reserved, 00140f00, RESERVED_TYPE",
        "data flags, 001c0101, NON_ZERO_FLAGS",
        "heartbeat flags, 00140280, NON_ZERO_FLAGS",
    })
    void shouldReportPrefixErrorsAsSoonAsThePrefixIsIn(final String name, final String hex, final ProtocolError error) {
        buffer.putBytes(0, BitUtil.fromHex(hex));
        assertThat(RelayV1Decoder.decode(buffer, 0, 4)).isEqualTo(error.result());
        assertThat(ProtocolError.fromResult(RelayV1Decoder.decode(buffer, 0, 4))).isEqualTo(error);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "group below 224, 7f000001, 1388, 0000, GROUP_NOT_MULTICAST",
        "group 240, f0000001, 1388, 0000, GROUP_NOT_MULTICAST",
        "group 223.255.255.255, dfffffff, 1388, 0000, GROUP_NOT_MULTICAST",
        "port zero, ef010101, 0000, 0000, PORT_ZERO",
        "reserved set, ef010101, 1388, 0001, NON_ZERO_RESERVED",
    })
    void shouldReportDataHeaderErrorsOnceTheHeaderIsIn(
        final String name, final String group, final String port, final String reserved, final ProtocolError error) {
        buffer.putBytes(0, BitUtil.fromHex("00400100" + group + port + reserved + "00".repeat(16)));
        assertThat(RelayV1Decoder.decode(buffer, 0, 27)).isEqualTo(RelayV1Decoder.NEED_MORE);
        assertThat(RelayV1Decoder.decode(buffer, 0, 28)).isEqualTo(error.result());
    }

    @Test
    void shouldAcceptTheEdgesOfTheMulticastRange() {
        final UnsafeBuffer none = new UnsafeBuffer(new byte[0]);
        for (final String group : new String[] {"224.0.0.0", "239.255.255.255"}) {
            final int length = RelayV1Encoder.encodeData(buffer, 0, Ipv4.parse(group), 1, 0, 0, none, 0, 0);
            assertThat(RelayV1Decoder.decode(buffer, 0, length)).as(group).isEqualTo(length);
        }
    }

    @Test
    void shouldNeverEscapeOnRandomInput() {
        final SplittableRandom random = new SplittableRandom(20261125);
        final byte[] bytes = new byte[4096];
        for (int run = 0; run < 20_000; run++) {
            random.nextBytes(bytes);
            final UnsafeBuffer input = new UnsafeBuffer(bytes);
            int offset = 0;
            final int available = random.nextInt(bytes.length + 1);
            while (true) {
                final int result = RelayV1Decoder.decode(input, offset, available - offset);
                if (result <= 0) {
                    assertThat(result).isGreaterThanOrEqualTo(-ProtocolError.count());
                    break;
                }
                assertThat(result).isBetween(HeartbeatFrameFlyweight.FRAME_LENGTH, available - offset);
                offset += result;
            }
        }
    }

    @Test
    void shouldDecodeEveryTruncationOfAValidStreamAsNeedMoreOrFrames() {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[300]);
        int end = 0;
        end += RelayV1Encoder.encodeData(buffer, end, GROUP, 5000, 1, 0, payload, 0, 300);
        end += RelayV1Encoder.encodeHeartbeat(buffer, end, 1, 0);
        end += RelayV1Encoder.encodeData(buffer, end, GROUP, 5001, 2, 0, payload, 0, 0);
        for (int cut = 0; cut <= end; cut++) {
            int offset = 0;
            int frames = 0;
            int result;
            while ((result = RelayV1Decoder.decode(buffer, offset, cut - offset)) > 0) {
                offset += result;
                frames++;
            }
            assertThat(result).as("cut at %d", cut).isEqualTo(RelayV1Decoder.NEED_MORE);
            assertThat(frames).isEqualTo(cut >= end ? 3 : cut >= 348 ? 2 : cut >= 328 ? 1 : 0);
        }
    }
}
