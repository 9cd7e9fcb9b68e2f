package io.mcastrelay.health;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.mcastrelay.wire.MeteredCounter;
import io.mcastrelay.wire.RelayMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Publishes the relay's counters as Micrometer meters, each as its {@link RelayMeter} entry says (name, kind, base
 * unit, description), with the tags the code that allocated it gave ({@link MeteredCounter}); nothing is parsed.
 * Counters are polled when the registry reads them; a counter the relay has closed reads NaN ({@link CounterGuard}).
 */
public final class RelayMeterBinder implements MeterBinder {
    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<List<MeteredCounter>> meters;
    private final CounterGuard guard;
    private final Supplier<Long> epochNanos;

    /**
     * Creates the binder.
     *
     * @param meters     the relay's counters with their meters, read once when bound (after the relay started).
     * @param guard      keeps reads safe while the relay shuts down.
     * @param epochNanos the wall clock, for ages and expiries.
     */
    public RelayMeterBinder(
        final Supplier<List<MeteredCounter>> meters, final CounterGuard guard, final Supplier<Long> epochNanos) {
        this.meters = meters;
        this.guard = guard;
        this.epochNanos = epochNanos;
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        for (final MeteredCounter metered : meters.get()) {
            final RelayMeter meter = metered.meter();
            final List<Tag> tags = new ArrayList<>();
            for (int i = 0; i < metered.tags().size(); i += 2) {
                tags.add(Tag.of(metered.tags().get(i), metered.tags().get(i + 1)));
            }
            final AtomicCounter counter = metered.counter();
            switch (meter.kind()) {
                case GAUGE -> Gauge.builder(meter.meterName(), counter, guard::read).tags(tags)
                    .baseUnit(meter.baseUnit()).description(meter.description()).register(registry);
                case AGE -> Gauge.builder(meter.meterName(), counter, this::ageSeconds).tags(tags)
                    .baseUnit(meter.baseUnit()).description(meter.description()).register(registry);
                case EXPIRY -> Gauge.builder(meter.meterName(), counter, this::secondsUntil).tags(tags)
                    .baseUnit(meter.baseUnit()).description(meter.description()).register(registry);
                case NANOSECONDS -> FunctionCounter.builder(meter.meterName(), counter,
                        c -> guard.read(c) / NANOS_PER_SECOND).tags(tags).baseUnit(meter.baseUnit())
                    .description(meter.description()).register(registry);
                default -> FunctionCounter.builder(meter.meterName(), counter, guard::read).tags(tags)
                    .baseUnit(meter.baseUnit()).description(meter.description()).register(registry);
            }
        }
    }

    private double secondsUntil(final AtomicCounter counter) {
        final double notAfterSeconds = guard.read(counter);
        if (Double.isNaN(notAfterSeconds) || notAfterSeconds <= 0) {
            return Double.NaN;
        }
        return notAfterSeconds - epochNanos.get() / NANOS_PER_SECOND;
    }

    private double ageSeconds(final AtomicCounter counter) {
        final double last = guard.read(counter);
        if (Double.isNaN(last) || last <= 0) {
            return Double.NaN;
        }
        return (epochNanos.get() - last) / NANOS_PER_SECOND;
    }
}
