package io.mcastrelay.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.aeron.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes the relay's Aeron counters as Micrometer meters. A counter's label is its meter name followed by its
 * tags ({@code relay.ingress.frames feed=prod}), so every counter the hot path allocates becomes a meter here,
 * polled when the registry reads it. Counters ending in {@code .current} are gauges; a {@code unit=ns} counter
 * becomes seconds; {@code relay.ingress.last.frame.time} becomes the gauge {@code relay.ingress.last.frame.age}
 * in seconds.
 */
public final class RelayMeterBinder implements MeterBinder {
    private static final Set<String> GAUGES = Set.of("relay.ingress.connections.current");
    private static final String LAST_FRAME_TIME = "relay.ingress.last.frame.time";
    private static final String CERTIFICATE_NOT_AFTER = "relay.ingress.tls.certificate.not.after";

    private final Supplier<List<Counter>> counters;
    private final Function<Counter, String> labels;
    private final CounterGuard guard;
    private final Supplier<Long> epochNanos;

    /**
     * Creates the binder.
     *
     * @param counters   the relay's counters, read once when bound (after the relay started).
     * @param labels     each counter's label, as the CnC file holds it.
     * @param guard      keeps reads safe while the relay shuts down.
     * @param epochNanos the wall clock, for ages.
     */
    public RelayMeterBinder(
        final Supplier<List<Counter>> counters, final Function<Counter, String> labels, final CounterGuard guard,
        final Supplier<Long> epochNanos) {
        this.counters = counters;
        this.labels = labels;
        this.guard = guard;
        this.epochNanos = epochNanos;
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        for (final Counter counter : counters.get()) {
            final String[] words = labels.apply(counter).split(" ");
            final String name = words[0];
            final List<Tag> tags = new ArrayList<>();
            String unit = null;
            for (int i = 1; i < words.length; i++) {
                final int equals = words[i].indexOf('=');
                if (equals > 0) {
                    final String key = words[i].substring(0, equals);
                    final String value = words[i].substring(equals + 1);
                    if ("unit".equals(key)) {
                        unit = value;
                    } else {
                        tags.add(Tag.of(key, value));
                    }
                }
            }
            bind(registry, counter, name, tags, unit);
        }
    }

    private void bind(
        final MeterRegistry registry, final Counter counter, final String name, final List<Tag> tags,
        final String unit) {
        if (LAST_FRAME_TIME.equals(name)) {
            Gauge.builder("relay.ingress.last.frame.age", counter, this::ageSeconds).tags(tags).baseUnit("seconds")
                .description("Seconds since the feed's last DATA frame; NaN before the first").register(registry);
        } else if (CERTIFICATE_NOT_AFTER.equals(name)) {
            Gauge.builder("relay.ingress.tls.certificate.expiry", counter, this::secondsUntil).tags(tags)
                .baseUnit("seconds")
                .description("Seconds until the feed's TLS certificate expires (negative: expired); NaN without TLS")
                .register(registry);
        } else if (GAUGES.contains(name)) {
            Gauge.builder(name, counter, guard::read).tags(tags).register(registry);
        } else if ("ns".equals(unit)) {
            FunctionCounter.builder(name, counter, c -> guard.read(c) / TimeUnit.SECONDS.toNanos(1)).tags(tags)
                .baseUnit("seconds").register(registry);
        } else {
            FunctionCounter.builder(name, counter, guard::read).tags(tags)
                .baseUnit(name.endsWith(".bytes") ? "bytes" : null).register(registry);
        }
    }

    private double secondsUntil(final Counter counter) {
        final double notAfterSeconds = guard.read(counter);
        if (Double.isNaN(notAfterSeconds) || notAfterSeconds <= 0) {
            return Double.NaN;
        }
        return notAfterSeconds - (double)epochNanos.get() / TimeUnit.SECONDS.toNanos(1);
    }

    private double ageSeconds(final Counter counter) {
        final double last = guard.read(counter);
        if (Double.isNaN(last) || last <= 0) {
            return Double.NaN;
        }
        return (epochNanos.get() - last) / TimeUnit.SECONDS.toNanos(1);
    }
}
