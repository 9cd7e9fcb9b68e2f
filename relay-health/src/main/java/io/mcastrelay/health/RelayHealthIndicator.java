package io.mcastrelay.health;

import io.mcastrelay.egress.EgressStatus;
import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.ingress.IngressCounters;
import io.mcastrelay.ingress.IngressStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP when the relay can do its job: every feed's listener bound, the Aeron media driver alive, egress running (and
 * each of its threads alive, if it has its own) with its interface up, and not shutting down. It never looks at
 * traffic: a standby relay with no sender connected is healthy, or the load balancer would never send it one.
 * Traffic (senders connected, age of the last frame) is shown as detail on the management port only. Called on
 * health-check threads only.
 */
public final class RelayHealthIndicator implements HealthIndicator {
    private final RelayView relay;
    private final CounterGuard guard;

    /**
     * Creates the indicator.
     *
     * @param relay the running relay.
     * @param guard keeps counter reads safe while the relay shuts down.
     */
    public RelayHealthIndicator(final RelayView relay, final CounterGuard guard) {
        this.relay = relay;
        this.guard = guard;
    }

    @Override
    public Health health() {
        final Health.Builder builder = Health.up();
        final IngressStatus ingress = relay.ingress();
        final EgressStatus egress = relay.egress();
        if (relay.recovering()) {
            return builder.down().withDetail("relay", "media driver lost; reconnecting")
                .withDetail("aeron.driver", "gone").build();
        }
        if (!relay.running() || ingress == null || egress == null) {
            return builder.down().withDetail("relay", "starting or shutting down").build();
        }
        boolean up = true;
        for (final FeedSettings feed : ingress.feeds()) {
            final boolean listening = ingress.isListening(feed.name());
            final IngressCounters counters = ingress.counters(feed.name());
            builder.withDetail("feed." + feed.name() + ".listening", listening)
                .withDetail("feed." + feed.name() + ".senders", (long)guard.read(counters.connectionsCurrent()))
                .withDetail("feed." + feed.name() + ".lastFrameAgeSeconds", age(counters));
            up &= listening;
        }
        final boolean driver = relay.driverAlive();
        builder.withDetail("aeron.driver", driver ? "alive" : "gone");
        final boolean egressRunning = egress.isRunning();
        builder.withDetail("egress", egressRunning ? "running" : "stopped");
        final boolean interfaceUp = egress.egressInterface() != null && egress.egressInterface().isUp();
        builder.withDetail("egress.interface", interfaceUp ? "up" : "down");
        up &= driver && egressRunning && interfaceUp;
        relay.recoveryDetails().forEach(builder::withDetail);
        return up ? builder.build() : builder.down().build();
    }

    /** Seconds since the feed's last DATA frame, or "none" before the first: a detail, never a verdict. */
    private Object age(final IngressCounters counters) {
        final double last = guard.read(counters.lastFrameTimeNs());
        if (Double.isNaN(last) || last <= 0) {
            return "none";
        }
        final double ageSeconds = (System.currentTimeMillis() * 1_000_000.0 - last) / 1e9;
        return Math.max(0, Math.round(ageSeconds * 1000) / 1000.0);
    }
}
