package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcastrelay.wire.ProbePayload;
import org.junit.jupiter.api.Test;

class SpecsTest {
    @Test
    void shouldParseConstantBurstAndMaxRates() {
        assertThat(RateSpec.parse("100k")).isEqualTo(new RateSpec(RateSpec.Kind.CONSTANT, 100_000, 0, 0));
        assertThat(RateSpec.parse("250000").label()).isEqualTo("250k/s");
        assertThat(RateSpec.parse("max").scheduled()).isFalse();
        final RateSpec burst = RateSpec.parse("burst:1000/10ms");
        assertThat(burst.framesPerSecond()).isEqualTo(100_000);
        assertThat(burst.burstFrames()).isEqualTo(1000);
        assertThat(burst.burstIntervalNs()).isEqualTo(10_000_000);
        assertThatThrownBy(() -> RateSpec.parse("0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldMixManySmallPayloadsWithSomeNearAFullDatagramTheSameWayEachTime() {
        final PayloadSizes mix = PayloadSizes.parse("mix");
        int small = 0;
        int large = 0;
        for (int i = 0; i < 4096; i++) {
            final int size = mix.size(i);
            assertThat(size).isBetween(ProbePayload.HEADER_LENGTH, 1400);
            small += size <= 128 ? 1 : 0;
            large += size >= 1300 ? 1 : 0;
        }
        assertThat(small).isBetween(2700, 3050);
        assertThat(large).isBetween(330, 500);
        assertThat(mix.mean()).isBetween(200.0, 300.0);
        assertThat(mix.max()).isLessThanOrEqualTo(1400);
        assertThat(PayloadSizes.parse("mix").size(1234)).isEqualTo(mix.size(1234));
        assertThat(PayloadSizes.parse("64").size(99)).isEqualTo(64);
        assertThatThrownBy(() -> PayloadSizes.parse("16")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldParseDurations() {
        assertThat(Durations.parseNanos("500us")).isEqualTo(500_000);
        assertThat(Durations.parseNanos("10ms")).isEqualTo(10_000_000);
        assertThat(Durations.parseNanos("1.5s")).isEqualTo(1_500_000_000);
        assertThat(Durations.parseNanos("2m")).isEqualTo(120_000_000_000L);
    }

    @Test
    void shouldFindPausesInTheWindowOfAUnifiedGcLog() {
        final GcLog.Pause pause = GcLog.parse("[2026-11-25T09:01:02.345+0000][12.345s][info][gc] GC(3) Pause Young"
            + " (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.345ms");
        assertThat(pause).isNotNull();
        assertThat(pause.what()).isEqualTo("Pause Young (Normal) (G1 Evacuation Pause)");
        assertThat(pause.heapBeforeMb()).isEqualTo(24);
        assertThat(pause.heapAfterMb()).isEqualTo(3);
        assertThat(pause.heapCommittedMb()).isEqualTo(256);
        assertThat(pause.pauseMs()).isEqualTo(2.345);
        assertThat(GcLog.parse("[2026-11-25T09:01:02.345+0000][12.345s][info][gc,heap] GC(3) Eden regions: 1->0"))
            .isNull();
    }
}
