package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ProbePayloadTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);

    @Test
    void shouldReadBackWhatWasWrittenAndRecogniseOnlyItsOwnRun() {
        ProbePayload.fillPattern(buffer, 3, 100);
        ProbePayload.write(buffer, 3, 7, 3, 100, 42, 1_000L, 2_000L);

        assertThat(ProbePayload.isProbe(buffer, 3, 100)).isTrue();
        assertThat(ProbePayload.isProbe(buffer, 3, 100, 7)).isTrue();
        assertThat(ProbePayload.isProbe(buffer, 3, 100, 8)).as("another run's token").isFalse();
        assertThat(ProbePayload.isProbe(buffer, 3, 99)).as("a length the payload does not claim").isFalse();
        assertThat(ProbePayload.runToken(buffer, 3)).isEqualTo(7);
        assertThat(ProbePayload.stream(buffer, 3)).isEqualTo(3);
        assertThat(ProbePayload.sequence(buffer, 3)).isEqualTo(42);
        assertThat(ProbePayload.intendedTimeNanos(buffer, 3)).isEqualTo(1_000L);
        assertThat(ProbePayload.sendTimeNanos(buffer, 3)).isEqualTo(2_000L);
        assertThat(buffer.getByte(3 + ProbePayload.HEADER_LENGTH)).isEqualTo((byte)ProbePayload.HEADER_LENGTH);
        assertThat(buffer.getByte(3 + 99)).isEqualTo((byte)99);
    }

    @Test
    void shouldStartWithAsciiMarkerAndBigEndianFields() {
        ProbePayload.write(buffer, 0, 1, 2, 64, 3, 4, 5);

        final byte[] bytes = new byte[ProbePayload.HEADER_LENGTH];
        buffer.getBytes(0, bytes);
        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RLYP");
        assertThat(bytes[7]).isEqualTo((byte)1);
        assertThat(bytes[11]).isEqualTo((byte)2);
        assertThat(bytes[15]).isEqualTo((byte)64);
        assertThat(bytes[23]).isEqualTo((byte)3);
        assertThat(bytes[31]).isEqualTo((byte)4);
        assertThat(bytes[39]).isEqualTo((byte)5);
    }

    @Test
    void shouldNotTakeShortOrUnmarkedPayloadForProbe() {
        ProbePayload.write(buffer, 0, 1, 2, ProbePayload.HEADER_LENGTH - 1, 3, 4, 5);
        assertThat(ProbePayload.isProbe(buffer, 0, ProbePayload.HEADER_LENGTH - 1)).isFalse();

        ProbePayload.write(buffer, 0, 1, 2, 64, 3, 4, 5);
        buffer.putByte(0, (byte)'X');
        assertThat(ProbePayload.isProbe(buffer, 0, 64)).isFalse();
    }
}
