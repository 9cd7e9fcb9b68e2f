package io.mcastrelay.capture;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.wire.Destination;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Everything a capture process runs: its feeds (one agent thread each) and the settings they share. Validated on
 * construction; immutable.
 *
 * @param feeds           at least one, with distinct names and no group:port in two feeds.
 * @param idleStrategy    what each agent thread does when a duty cycle found no work: {@code backoff} (spin, yield,
 *                        then park up to 1 ms; the default), {@code busy-spin} (a dedicated core each),
 *                        {@code yielding}, or {@code sleeping} (1 ms).
 * @param statsIntervalNs how often one INFO line per feed reports the counters; 0 for never.
 * @param drainTimeoutNs  on stop, how long to wait for the relay to acknowledge what is still unacknowledged.
 */
public record CaptureSettings(List<CaptureFeedSettings> feeds, String idleStrategy, long statsIntervalNs,
    long drainTimeoutNs) {

    /** The idle strategy unless configured. */
    public static final String DEFAULT_IDLE_STRATEGY = "backoff";
    /** 10 s. */
    public static final long DEFAULT_STATS_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** 5 s. */
    public static final long DEFAULT_DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private static final List<String> IDLE_STRATEGIES = List.of("backoff", "busy-spin", "yielding", "sleeping");

    /**
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public CaptureSettings {
        feeds = List.copyOf(feeds);
        if (feeds.isEmpty()) {
            throw new IllegalArgumentException("feeds: at least one feed is needed");
        }
        final Set<String> names = new HashSet<>();
        final Set<Long> groups = new HashSet<>();
        for (final CaptureFeedSettings feed : feeds) {
            if (!names.add(feed.name())) {
                throw new IllegalArgumentException("feeds: the name '" + feed.name() + "' is used twice");
            }
            for (final Destination group : feed.groups()) {
                if (!groups.add(group.key())) {
                    throw new IllegalArgumentException("feeds: the group '" + group + "' is in two feeds");
                }
            }
        }
        if (!IDLE_STRATEGIES.contains(idleStrategy)) {
            throw new IllegalArgumentException("idle-strategy: '" + idleStrategy + "' is not one of "
                + String.join(", ", IDLE_STRATEGIES));
        }
        if (statsIntervalNs < 0) {
            throw new IllegalArgumentException("stats-interval: must not be negative");
        }
        if (drainTimeoutNs < 0) {
            throw new IllegalArgumentException("drain-timeout: must not be negative");
        }
    }

    /**
     * @param feeds the feeds, every other setting at its default.
     * @return the settings.
     */
    public static CaptureSettings of(final List<CaptureFeedSettings> feeds) {
        return new CaptureSettings(feeds, DEFAULT_IDLE_STRATEGY, DEFAULT_STATS_INTERVAL_NS, DEFAULT_DRAIN_TIMEOUT_NS);
    }

    /** @return a new instance of the configured idle strategy, one per agent thread. */
    IdleStrategy newIdleStrategy() {
        return switch (idleStrategy.toLowerCase(Locale.ROOT)) {
            case "busy-spin" -> new BusySpinIdleStrategy();
            case "yielding" -> new YieldingIdleStrategy();
            case "sleeping" -> new SleepingMillisIdleStrategy(1);
            default -> new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
        };
    }
}
