package io.mcastrelay.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.mcastrelay.egress.EgressLatency;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LatencyMeterBinderTest {
    private static final long MICROS = TimeUnit.MICROSECONDS.toNanos(1);

    private final AtomicLong monotonic = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final EgressLatency latency = new EgressLatency();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldPublishPercentilesOfTheLastMinuteInSeconds() {
        new LatencyMeterBinder("prod", latency, monotonic::get).bindTo(registry);
        for (int i = 1; i <= 1000; i++) {
            latency.record(1_000_000L + i * MICROS, 1_000_000L, i <= 500 ? 1_000_000L - 5 * MICROS : 0);
        }
        monotonic.addAndGet(TimeUnit.SECONDS.toNanos(1));

        assertThat(quantile("ingress", "0.5")).isCloseTo(500e-6, within(1e-6));
        assertThat(quantile("ingress", "0.99")).isCloseTo(990e-6, within(1e-6));
        assertThat(quantile("ingress", "1")).isCloseTo(1000e-6, within(1e-6));
        assertThat(registry.get("relay.egress.latency.samples").tags("feed", "prod", "path", "ingress")
            .functionCounter().count()).isEqualTo(1000);
        assertThat(registry.get("relay.egress.latency.samples").tags("feed", "prod", "path", "sender")
            .functionCounter().count()).as("only frames with a send time").isEqualTo(500);
        assertThat(quantile("sender", "1")).isCloseTo(505e-6, within(1e-6));
    }

    @Test
    void shouldForgetSamplesOlderThanTheWindow() {
        new LatencyMeterBinder("prod", latency, monotonic::get).bindTo(registry);
        latency.record(2_000_000L, 1_000_000L, 0);
        monotonic.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(quantile("ingress", "1")).isCloseTo(1e-3, within(1e-5));

        monotonic.addAndGet(TimeUnit.SECONDS.toNanos(61));
        latency.record(1_000_000L + 7 * MICROS, 1_000_000L, 0);
        assertThat(quantile("ingress", "1")).as("the old sample left the window").isCloseTo(7e-6, within(1e-7));
        assertThat(registry.get("relay.egress.latency.samples").tags("path", "ingress").functionCounter().count())
            .as("the count keeps counting").isEqualTo(2);
    }

    @Test
    void shouldKeepPublishingAfterAGarbageCollection() throws InterruptedException {
        new LatencyMeterBinder("prod", latency, monotonic::get).bindTo(registry);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(10);
        }
        latency.record(1_000_000L + 3 * MICROS, 1_000_000L, 0);
        monotonic.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(quantile("ingress", "1")).as("the window is still referenced").isCloseTo(3e-6, within(1e-7));
    }

    @Test
    void shouldBeNaNWithoutSamples() {
        new LatencyMeterBinder("idle", latency, monotonic::get).bindTo(registry);
        assertThat(quantile("ingress", "0.5")).isNaN();
    }

    private double quantile(final String path, final String quantile) {
        return registry.get("relay.egress.latency").tags("path", path, "quantile", quantile).gauge().value();
    }
}
