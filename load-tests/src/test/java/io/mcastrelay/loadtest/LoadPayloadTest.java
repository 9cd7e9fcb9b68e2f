package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class LoadPayloadTest {
    @Test
    void shouldReadBackWhatWasWrittenAndRecogniseOnlyItsOwnRun() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[100]);
        LoadPayload.fillPattern(buffer, 0, 100);
        LoadPayload.write(buffer, 0, 7, 3, 100, 42, 1_000L, 2_000L);

        assertThat(LoadPayload.isOurs(buffer, 0, 100, 7)).isTrue();
        assertThat(LoadPayload.isOurs(buffer, 0, 100, 8)).as("another run's token").isFalse();
        assertThat(LoadPayload.isOurs(buffer, 0, 99, 7)).as("a length the payload does not claim").isFalse();
        assertThat(LoadPayload.stream(buffer, 0)).isEqualTo(3);
        assertThat(LoadPayload.sequence(buffer, 0)).isEqualTo(42);
        assertThat(LoadPayload.intendedTimeNanos(buffer, 0)).isEqualTo(1_000L);
        assertThat(LoadPayload.sendTimeNanos(buffer, 0)).isEqualTo(2_000L);
        assertThat(buffer.getByte(LoadPayload.HEADER_LENGTH)).isEqualTo((byte)LoadPayload.HEADER_LENGTH);
    }
}
