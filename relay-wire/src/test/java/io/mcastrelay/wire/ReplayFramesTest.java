package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HexFormat;

import io.mcastrelay.wire.ReplayFrames.Outcome;
import io.mcastrelay.wire.ReplayFrames.Request;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ReplayFramesTest {
    private static final String REQUEST = "002c1000 01031388 ef010101 17979cfe362a0000 0000000000000064 "
        + "0000000000000007 00000000 70726f64";
    private static final String END = "00331100 01000000 0000000000000007 0000000000000064 17979cfe362a0000 "
        + "17979cfe53f76500 0000000000000000 6f6c64";
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);

    private static byte[] hex(final String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    private byte[] written(final int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    @Test
    void shouldMatchTheSpecExamplesByteForByte() {
        final Request request = new Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_COUNT, Ipv4.parse("239.1.1.1"),
            5000, 1_700_000_000_000_000_000L, 100, 7, "prod");
        assertThat(written(ReplayFrames.encodeRequest(buffer, 0, request))).isEqualTo(hex(REQUEST));
        assertThat(ReplayFrames.decodeRequest(new UnsafeBuffer(hex(REQUEST)), 0, 44)).isEqualTo(request);

        final int length = ReplayFrames.encodeEnd(buffer, 0, Outcome.PARTIAL, 7, 100, 1_700_000_000_000_000_000L,
            1_700_000_000_500_000_000L, "old");
        assertThat(written(length)).isEqualTo(hex(END));
        final UnsafeBuffer end = new UnsafeBuffer(hex(END));
        assertThat(ReplayFrames.outcome(end, 0)).isEqualTo(Outcome.PARTIAL);
        assertThat(ReplayFrames.endRequestId(end, 0)).isEqualTo(7);
        assertThat(ReplayFrames.datagrams(end, 0)).isEqualTo(100);
        assertThat(ReplayFrames.oldestHeld(end, 0)).isEqualTo(1_700_000_000_000_000_000L);
        assertThat(ReplayFrames.newestHeld(end, 0)).isEqualTo(1_700_000_000_500_000_000L);
        assertThat(ReplayFrames.reason(end, 0, length)).isEqualTo("old");
    }

    @Test
    void shouldRefuseEachBrokenFieldNamingIt() {
        final byte[] good = hex(REQUEST);
        assertBad(good, 40, "length 40 is outside 41..104");
        assertBad(with(good, 3, 1), 44, "flags and reserved must be 0");
        assertBad(with(good, 39, 1), 44, "flags and reserved must be 0");
        assertBad(with(good, 4, 0), 44, "startKind 0");
        assertBad(with(good, 5, 5), 44, "endKind 5");
        assertBad(with(good, 8, 10), 44, "neither a multicast group:port");
        assertBad(with(with(good, 6, 0), 7, 0), 44, "neither a multicast group:port");
        assertBad(with(good, 41, ' '), 44, "not printable");
        // live with the example's end (count 100) left in
        assertBad(with(good, 5, ReplayFrames.KIND_LIVE), 44, "end must be 0 with endKind 4 (live)");
    }

    @Test
    void shouldCutALongReasonTo200Bytes() {
        final int length = ReplayFrames.encodeEnd(buffer, 0, Outcome.REFUSED, 1, 0, 0, 0, "x".repeat(500));
        assertThat(length).isEqualTo(ReplayFrames.MAX_END_LENGTH);
        assertThat(ReplayFrames.reason(buffer, 0, length)).hasSize(200);
    }

    private static byte[] with(final byte[] bytes, final int index, final int value) {
        final byte[] copy = bytes.clone();
        copy[index] = (byte)value;
        return copy;
    }

    private static void assertBad(final byte[] bytes, final int length, final String message) {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ReplayFrames.decodeRequest(new UnsafeBuffer(bytes), 0, length))
            .withMessageContaining(message);
    }
}
