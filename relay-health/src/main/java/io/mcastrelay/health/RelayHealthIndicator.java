package io.mcastrelay.health;

import io.mcastrelay.egress.Egress;
import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.ingress.IngressServer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP when the relay can do its job: every feed's listener bound, the Aeron media driver alive, the egress thread
 * running with its interface up, and not shutting down. It never looks at traffic: a standby relay with no sender
 * connected is healthy, or the load balancer would never send it one. Called on health-check threads only.
 */
public final class RelayHealthIndicator implements HealthIndicator {
    private final RelayView relay;

    /**
     * Creates the indicator.
     *
     * @param relay the running relay.
     */
    public RelayHealthIndicator(final RelayView relay) {
        this.relay = relay;
    }

    @Override
    public Health health() {
        final Health.Builder builder = Health.up();
        final IngressServer ingress = relay.ingress();
        final Egress egress = relay.egress();
        if (!relay.running() || ingress == null || egress == null) {
            return builder.down().withDetail("relay", "starting or shutting down").build();
        }
        boolean up = true;
        for (final FeedSettings feed : ingress.feeds()) {
            final boolean listening = ingress.isListening(feed.name());
            builder.withDetail("feed." + feed.name() + ".listening", listening);
            up &= listening;
        }
        final boolean driver = relay.driverAlive();
        builder.withDetail("aeron.driver", driver ? "alive" : "gone");
        final boolean egressRunning = egress.isRunning();
        builder.withDetail("egress", egressRunning ? "running" : "stopped");
        final boolean interfaceUp = egress.egressInterface() != null && egress.egressInterface().isUp();
        builder.withDetail("egress.interface", interfaceUp ? "up" : "down");
        up &= driver && egressRunning && interfaceUp;
        return up ? builder.build() : builder.down().build();
    }
}
