package io.mcastrelay.health;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.mcastrelay.egress.EgressLatency;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.HdrHistogram.Histogram;

/**
 * Publishes a feed's latency percentiles over a sliding window of the last minute, read from the egress thread's
 * recorders when a registry polls. Meters, for each feed and {@code path} ({@code ingress}: from the relay reading
 * the frame off the socket to the datagram leaving; {@code sender}: from the sender's send-time stamp):
 * {@code relay.egress.latency} (gauge, seconds, tag {@code quantile} 0.5, 0.9, 0.99, 0.999 and 1 for the maximum)
 * and {@code relay.egress.latency.samples} (datagrams measured). Runs on meter threads only. The meters hold their
 * windows strongly: Micrometer holds a meter's state weakly by default, and nothing else refers to a window.
 */
public final class LatencyMeterBinder implements MeterBinder {
    /** The quantiles published; 1 is the window's maximum. */
    public static final List<Double> QUANTILES = List.of(0.5, 0.9, 0.99, 0.999, 1.0);
    private static final int SLOTS = 6;
    private static final long SLOT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long REFRESH_NS = TimeUnit.SECONDS.toNanos(1);

    private final String feed;
    private final EgressLatency latency;
    private final LongSupplier nanoTime;

    /**
     * Creates the binder of one feed.
     *
     * @param feed     the feed's name.
     * @param latency  its recorders.
     * @param nanoTime a monotonic clock, for the window.
     */
    public LatencyMeterBinder(final String feed, final EgressLatency latency, final LongSupplier nanoTime) {
        this.feed = feed;
        this.latency = latency;
        this.nanoTime = nanoTime;
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        bind(registry, "ingress", new Window(latency::intervalIngressToEgress));
        bind(registry, "sender", new Window(latency::intervalSenderToEgress));
    }

    private void bind(final MeterRegistry registry, final String path, final Window window) {
        final Tags tags = Tags.of("feed", feed, "path", path);
        for (final double quantile : QUANTILES) {
            Gauge.builder("relay.egress.latency", window, w -> w.valueAt(quantile))
                .tags(tags.and("quantile", quantile == 1.0 ? "1" : Double.toString(quantile)))
                .baseUnit("seconds")
                .description("Latency to the datagram leaving, over the last minute; NaN without samples")
                .strongReference(true)
                .register(registry);
        }
        FunctionCounter.builder("relay.egress.latency.samples", window, Window::count).tags(tags)
            .description("Datagrams whose latency was measured (the gauges above keep the window alive)")
            .register(registry);
    }

    /** Interval histograms rotated through a one-minute ring; thread-safe for the registries that read it. */
    private final class Window {
        private final Function<Histogram, Histogram> interval;
        private final Histogram[] slots = new Histogram[SLOTS];
        private final Histogram merged = EgressLatency.newHistogram();
        private Histogram recycle;
        private int current;
        private long slotStartNs;
        private long refreshedNs;
        private long count;

        Window(final Function<Histogram, Histogram> interval) {
            this.interval = interval;
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = EgressLatency.newHistogram();
            }
            slotStartNs = nanoTime.getAsLong();
            refreshedNs = slotStartNs - REFRESH_NS;
        }

        synchronized double valueAt(final double quantile) {
            refresh();
            if (merged.getTotalCount() == 0) {
                return Double.NaN;
            }
            final long valueNs = quantile >= 1.0 ? merged.getMaxValue() : merged.getValueAtPercentile(quantile * 100);
            return valueNs / (double)TimeUnit.SECONDS.toNanos(1);
        }

        synchronized double count() {
            refresh();
            return count;
        }

        private void refresh() {
            final long now = nanoTime.getAsLong();
            if (now - refreshedNs < REFRESH_NS) {
                return;
            }
            refreshedNs = now;
            recycle = interval.apply(recycle);
            count += recycle.getTotalCount();
            while (now - slotStartNs >= SLOT_NS) {
                current = (current + 1) % SLOTS;
                slots[current].reset();
                slotStartNs += SLOT_NS;
                if (now - slotStartNs >= SLOT_NS * SLOTS) {
                    slotStartNs = now;
                }
            }
            slots[current].add(recycle);
            merged.reset();
            for (final Histogram slot : slots) {
                merged.add(slot);
            }
        }
    }
}
