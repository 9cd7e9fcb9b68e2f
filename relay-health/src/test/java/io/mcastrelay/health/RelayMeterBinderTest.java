package io.mcastrelay.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.MeteredCounter;
import io.mcastrelay.wire.RelayCounterTypes;
import io.mcastrelay.wire.RelayMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(10)
class RelayMeterBinderTest {
    @RegisterExtension
    static final EmbeddedAeron DRIVER = new EmbeddedAeron();

    @Test
    void shouldTurnEachCounterIntoItsMeterWithItsTags() {
        final Aeron aeron = DRIVER.aeron();
        try (Counter frames = aeron.addCounter(RelayCounterTypes.INGRESS, "relay.ingress.frames feed=prod");
             Counter bytes = aeron.addCounter(RelayCounterTypes.INGRESS, "relay.ingress.bytes feed=prod");
             Counter current = aeron.addCounter(RelayCounterTypes.INGRESS,
                 "relay.ingress.connections.current feed=prod");
             Counter errors = aeron.addCounter(RelayCounterTypes.INGRESS,
                 "relay.ingress.protocol.errors feed=prod reason=bad-length");
             Counter backPressure = aeron.addCounter(RelayCounterTypes.INGRESS,
                 "relay.ingress.backpressure.time feed=prod unit=ns");
             Counter lastFrame = aeron.addCounter(RelayCounterTypes.INGRESS,
                 "relay.ingress.last.frame.time feed=prod unit=epoch-ns")) {
            frames.set(5);
            bytes.set(700);
            current.set(2);
            errors.set(1);
            backPressure.set(TimeUnit.MILLISECONDS.toNanos(1500));
            final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));
            lastFrame.set(now.get() - TimeUnit.SECONDS.toNanos(3));
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            final CounterGuard guard = new CounterGuard();
            new RelayMeterBinder(() -> List.of(
                MeteredCounter.of(RelayMeter.INGRESS_FRAMES, frames, "feed", "prod"),
                MeteredCounter.of(RelayMeter.INGRESS_BYTES, bytes, "feed", "prod"),
                MeteredCounter.of(RelayMeter.INGRESS_CONNECTIONS_CURRENT, current, "feed", "prod"),
                MeteredCounter.of(RelayMeter.INGRESS_PROTOCOL_ERRORS, errors, "feed", "prod", "reason", "bad-length"),
                MeteredCounter.of(RelayMeter.INGRESS_BACKPRESSURE_TIME, backPressure, "feed", "prod"),
                MeteredCounter.of(RelayMeter.INGRESS_LAST_FRAME_TIME, lastFrame, "feed", "prod")),
                guard, now::get).bindTo(registry);

            assertThat(registry.get("relay.ingress.frames").tag("feed", "prod").functionCounter().count())
                .isEqualTo(5);
            final FunctionCounter bytesMeter = registry.get("relay.ingress.bytes").functionCounter();
            assertThat(bytesMeter.count()).isEqualTo(700);
            assertThat(bytesMeter.getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(registry.get("relay.ingress.connections.current").gauge().value()).isEqualTo(2);
            assertThat(registry.get("relay.ingress.protocol.errors").tags("feed", "prod", "reason", "bad-length")
                .functionCounter().count()).isEqualTo(1);
            final FunctionCounter seconds = registry.get("relay.ingress.backpressure.time").functionCounter();
            assertThat(seconds.count()).isEqualTo(1.5);
            assertThat(seconds.getId().getTags()).noneMatch(tag -> tag.getKey().equals("unit"));
            final Gauge age = registry.get("relay.ingress.last.frame.age").tag("feed", "prod").gauge();
            assertThat(age.value()).isEqualTo(3.0);

            frames.set(9);
            assertThat(registry.get("relay.ingress.frames").functionCounter().count())
                .as("read when polled, not when bound").isEqualTo(9);

            guard.close(() -> { });
            assertThat(registry.get("relay.ingress.frames").functionCounter().count()).isNaN();
        }
    }

    @Test
    void shouldGiveEveryMeterOfTheTableItsOwnNameAndALabelThatStartsWithTheCounterName() {
        final Set<String> names = new HashSet<>();
        for (final RelayMeter meter : RelayMeter.values()) {
            assertThat(names.add(meter.meterName())).as("%s's name is its own", meter).isTrue();
            assertThat(meter.meterName()).startsWith("relay.");
            assertThat(meter.label("feed", "prod")).startsWith(meter.counterName() + " feed=prod");
            assertThat(meter.description()).isNotBlank();
        }
        assertThat(RelayMeter.INGRESS_BACKPRESSURE_TIME.label("feed", "prod"))
            .isEqualTo("relay.ingress.backpressure.time feed=prod unit=ns");
        assertThat(RelayMeter.INGRESS_LAST_FRAME_TIME.meterName()).isEqualTo("relay.ingress.last.frame.age");
        assertThat(RelayMeter.INGRESS_TLS_CERTIFICATE_NOT_AFTER.meterName())
            .isEqualTo("relay.ingress.tls.certificate.expiry");
    }

    @Test
    void shouldReportSecondsUntilTheTlsCertificateExpiresAndNothingWithoutTls() {
        final Aeron aeron = DRIVER.aeron();
        try (Counter tls = aeron.addCounter(RelayCounterTypes.INGRESS,
                "relay.ingress.tls.certificate.not.after feed=secure unit=epoch-s");
             Counter plain = aeron.addCounter(RelayCounterTypes.INGRESS,
                 "relay.ingress.tls.certificate.not.after feed=plain unit=epoch-s")) {
            tls.set(1_000 + TimeUnit.DAYS.toSeconds(30));
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new RelayMeterBinder(() -> List.of(
                MeteredCounter.of(RelayMeter.INGRESS_TLS_CERTIFICATE_NOT_AFTER, tls, "feed", "secure"),
                MeteredCounter.of(RelayMeter.INGRESS_TLS_CERTIFICATE_NOT_AFTER, plain, "feed", "plain")),
                new CounterGuard(), () -> TimeUnit.SECONDS.toNanos(1_000)).bindTo(registry);

            final Gauge expiry = registry.get("relay.ingress.tls.certificate.expiry").tag("feed", "secure").gauge();
            assertThat(expiry.value()).isEqualTo(TimeUnit.DAYS.toSeconds(30));
            assertThat(expiry.getId().getBaseUnit()).isEqualTo("seconds");
            assertThat(registry.get("relay.ingress.tls.certificate.expiry").tag("feed", "plain").gauge().value())
                .isNaN();
            tls.set(900);
            assertThat(expiry.value()).as("expired").isEqualTo(-100);
        }
    }

    @Test
    void shouldReportNoAgeBeforeTheFirstFrame() {
        final Aeron aeron = DRIVER.aeron();
        try (Counter lastFrame = aeron.addCounter(RelayCounterTypes.INGRESS,
            "relay.ingress.last.frame.time feed=idle unit=epoch-ns")) {
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new RelayMeterBinder(() -> List.of(
                MeteredCounter.of(RelayMeter.INGRESS_LAST_FRAME_TIME, lastFrame, "feed", "idle")),
                new CounterGuard(), () -> 1L).bindTo(registry);
            assertThat(registry.get("relay.ingress.last.frame.age").gauge().value()).isNaN();
        }
    }
}
