package io.mcastrelay.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class ProbePayloadTest {
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);

    @Test
    void shouldRoundTripSequenceAndSendTime() {
        ProbePayload.fillPattern(buffer, 3, 64);
        ProbePayload.write(buffer, 3, 42, 1_700_000_000_123_456_789L);

        assertThat(ProbePayload.isProbe(buffer, 3, 64)).isTrue();
        assertThat(ProbePayload.sequence(buffer, 3)).isEqualTo(42);
        assertThat(ProbePayload.sendTimeNanos(buffer, 3)).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(buffer.getByte(3 + ProbePayload.LENGTH)).isEqualTo((byte)ProbePayload.LENGTH);
        assertThat(buffer.getByte(3 + 63)).isEqualTo((byte)63);
    }

    @Test
    void shouldStartWithAsciiMarkerAndBigEndianFields() {
        ProbePayload.write(buffer, 0, 1, 2);

        final byte[] bytes = new byte[ProbePayload.LENGTH];
        buffer.getBytes(0, bytes);
        assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("RLYPROBE");
        assertThat(bytes[15]).isEqualTo((byte)1);
        assertThat(bytes[23]).isEqualTo((byte)2);
    }

    @Test
    void shouldNotTakeShortOrUnmarkedPayloadForProbe() {
        ProbePayload.write(buffer, 0, 1, 2);
        assertThat(ProbePayload.isProbe(buffer, 0, ProbePayload.LENGTH - 1)).isFalse();

        buffer.putByte(0, (byte)'X');
        assertThat(ProbePayload.isProbe(buffer, 0, 64)).isFalse();
    }
}
