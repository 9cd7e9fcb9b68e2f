package io.mcastrelay.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PositionSamplesTest {
    @Test
    void shouldFindTheLatestSampleAtOrBeforeAKeyAndForgetTheOldestWhenFull() {
        final PositionSamples samples = new PositionSamples(3);
        samples.add(10, 100);
        samples.add(20, 100);
        samples.add(30, 300);
        samples.add(40, 400);
        samples.add(50, 500);

        assertThat(samples.size()).as("the same position is noted once; the oldest goes when full").isEqualTo(3);
        assertThat(samples.positionAtOrBefore(29)).as("10 was overwritten").isEqualTo(Long.MIN_VALUE);
        assertThat(samples.positionAtOrBefore(30)).isEqualTo(300);
        assertThat(samples.positionAtOrBefore(49)).isEqualTo(400);
        assertThat(samples.positionAtOrBefore(Long.MAX_VALUE)).isEqualTo(500);
        assertThat(samples.keyAtOrBefore(299)).as("before the oldest sample kept").isEqualTo(Long.MIN_VALUE);
        assertThat(samples.keyAtOrBefore(450)).isEqualTo(40);
        assertThat(samples.keyAtOrBefore(500)).isEqualTo(50);
    }

    @Test
    void shouldStartTheSequenceHistoryAgainWhenTheExchangeRestartsItsNumbering() {
        final PositionSamples samples = new PositionSamples(8);
        samples.addSequence(100, 1_000);
        samples.addSequence(100, 2_000);
        samples.addSequence(200, 3_000);
        samples.addSequence(5, 4_000);

        assertThat(samples.size()).isEqualTo(1);
        assertThat(samples.positionAtOrBefore(150)).isEqualTo(4_000);
        assertThat(samples.positionAtOrBefore(4)).isEqualTo(Long.MIN_VALUE);
    }
}
