package io.mcastrelay.canary;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.tools.Canary;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The canary's verdict: DOWN when a relay's probes stopped arriving (the path to this VPC, or the relay: the relay's
 * {@code relay.probes.sent} tells which), when a watched feed group stopped while its relays say they send (the path
 * drops that group: membership, association, NACL), or when no probe came at all since start. Details name each
 * relay and feed with what is wrong.
 */
final class CanaryHealthIndicator implements HealthIndicator {
    private final Canary canary;

    CanaryHealthIndicator(final Canary canary) {
        this.canary = canary;
    }

    @Override
    public Health health() {
        final long nowNs = System.nanoTime();
        final long staleNs = canary.settings().staleAfterNs();
        final Map<String, Object> details = new LinkedHashMap<>();
        boolean up = true;
        if (canary.paths().isEmpty()) {
            final boolean waiting = nowNs - canary.startedNs() <= staleNs;
            up = waiting;
            details.put("probes", waiting ? "waiting for the first probe" : "no probe received since start on " +
                canary.settings().probeGroups() + ": no relay sends probes here, or the path drops them");
        }
        for (final Canary.Path path : canary.paths()) {
            final long silentMs = TimeUnit.NANOSECONDS.toMillis(nowNs - path.lastProbeNs());
            final String key = path.relayId() + "/" + path.feed();
            if (nowNs - path.lastProbeNs() > staleNs) {
                up = false;
                details.put(key, "down: no probe for " + silentMs + " ms; if relay.probes.sent still rises on " +
                    path.relayId() + " the path drops them, else the relay stopped");
            } else {
                details.put(key, "up: received " + path.received() + ", lost " + path.lost() + ", latency " +
                    TimeUnit.NANOSECONDS.toMicros(path.lastLatencyNs()) + " us, relay sends " +
                    path.relayFramesLastSecond() + "/s");
            }
        }
        for (final Canary.Group group : canary.groups()) {
            final String feed = group.settings().feed();
            long relaySends = 0;
            for (final Canary.Path path : canary.paths()) {
                if (path.feed().equals(feed) && nowNs - path.lastProbeNs() <= staleNs) {
                    relaySends += path.relayFramesLastSecond();
                }
            }
            final long last = group.lastDatagramNs() == 0 ? canary.startedNs() : group.lastDatagramNs();
            final String key = feed + "@" + group.settings().group();
            if (nowNs - last <= staleNs) {
                details.put(key, "up: " + group.datagrams() + " datagrams, exchange gaps " + group.exchangeGaps());
            } else if (relaySends > 0) {
                up = false;
                details.put(key, "down: nothing for " + TimeUnit.NANOSECONDS.toMillis(nowNs - last) + " ms while " +
                    "the relays say they send " + relaySends + "/s: the path drops this group (membership, " +
                    "association, NACL)");
            } else {
                details.put(key, "quiet: the relays send nothing for feed " + feed);
            }
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }
}
