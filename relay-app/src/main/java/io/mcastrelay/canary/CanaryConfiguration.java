package io.mcastrelay.canary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.tools.Canary;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.SequenceLocator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the {@link Canary} from {@code canary.*} and publishes what it sees as {@code canary.*} meters; a bad
 * setting stops start-up naming the property. Meters of a relay appear when its first probe arrives.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CanaryProperties.class)
class CanaryConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryConfiguration.class);

    @Bean(destroyMethod = "close")
    Canary canary(final CanaryProperties properties, final MeterRegistry registry) {
        final List<Destination> probes = new ArrayList<>();
        for (int i = 0; i < properties.probeGroups().size(); i++) {
            probes.add(destination("canary.probe-groups[" + i + "]", properties.probeGroups().get(i)));
        }
        final List<Canary.FeedGroup> feeds = new ArrayList<>();
        for (int i = 0; i < properties.feedGroups().size(); i++) {
            final CanaryProperties.FeedGroup group = properties.feedGroups().get(i);
            final String prefix = "canary.feed-groups[" + i + "].";
            SequenceLocator sequence = null;
            if (group.sequence() != null && !group.sequence().isBlank()) {
                try {
                    sequence = SequenceLocator.parse(group.sequence());
                } catch (final IllegalArgumentException ex) {
                    throw new InvalidConfigurationPropertyValueException(prefix + "sequence", group.sequence(),
                        "must be OFFSET:WIDTH:ORDER such as 0:4:little-endian: " + ex.getMessage());
                }
            }
            feeds.add(new Canary.FeedGroup(group.feed(), destination(prefix + "group", group.group()), sequence));
        }
        if (properties.staleAfter().compareTo(Duration.ofMillis(100)) < 0) {
            throw new InvalidConfigurationPropertyValueException("canary.stale-after", properties.staleAfter(),
                "must be at least 100ms (relays send a few probes a second)");
        }
        if (properties.forgetAfter().compareTo(properties.staleAfter()) <= 0) {
            throw new InvalidConfigurationPropertyValueException("canary.forget-after", properties.forgetAfter(),
                "must be longer than canary.stale-after (" + properties.staleAfter() + ")");
        }
        final Canary.Settings settings = new Canary.Settings(properties.networkInterface(), probes, feeds,
            properties.staleAfter().toNanos(), properties.forgetAfter().toNanos());
        final Canary canary;
        try {
            final Meters meters = new Meters(registry, settings.staleAfterNs());
            canary = new Canary(settings, meters);
            meters.canary = canary;
        } catch (final IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("canary.network-interface",
                properties.networkInterface(), ex.getMessage());
        } catch (final IOException ex) {
            throw new UncheckedIOException("the canary cannot join its groups: " + ex.getMessage(), ex);
        }
        for (final Canary.Group group : canary.groups()) {
            final Tags tags = Tags.of("feed", group.settings().feed(), "group", group.settings().group().toString());
            FunctionCounter.builder("canary.group.datagrams", group, Canary.Group::datagrams).tags(tags)
                .description("Datagrams of the feed group received").register(registry);
            FunctionCounter.builder("canary.group.exchange.gaps", group, Canary.Group::exchangeGaps).tags(tags)
                .description("Exchange sequence numbers missing in the feed group (with a sequence locator)")
                .register(registry);
            Gauge.builder("canary.group.age", group, g -> age(g.lastDatagramNs(), canary.startedNs())).tags(tags)
                .baseUnit("seconds").description("Seconds since the feed group's last datagram (since start if none)")
                .register(registry);
        }
        LOG.info("canary: probes on {}, feed groups {}, on {}; a path is down after {} ms without a probe", probes,
            feeds.stream().map(g -> g.feed() + "=" + g.group()).toList(), properties.networkInterface(),
            properties.staleAfter().toMillis());
        return canary;
    }

    @Bean
    CanaryHealthIndicator canaryHealthIndicator(final Canary canary) {
        return new CanaryHealthIndicator(canary);
    }

    private static Destination destination(final String property, final String text) {
        try {
            return Destination.parse(text.trim());
        } catch (final IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException(property, text,
                "must be group:port with the group in 224.0.0.0/4: " + ex.getMessage());
        }
    }

    static double age(final long lastNs, final long sinceNs) {
        return (System.nanoTime() - (lastNs == 0 ? sinceNs : lastNs)) / 1e9;
    }

    /** Registers a relay's meters when its first probe arrives and times each probe. */
    private static final class Meters implements Canary.Listener {
        private final MeterRegistry registry;
        private final long staleAfterNs;
        private final Set<String> feeds = ConcurrentHashMap.newKeySet();
        private volatile Canary canary;

        Meters(final MeterRegistry registry, final long staleAfterNs) {
            this.registry = registry;
            this.staleAfterNs = staleAfterNs;
        }

        @Override
        public void onNewPath(final Canary.Path path) {
            final Tags tags = Tags.of("relay", path.relayId(), "feed", path.feed());
            FunctionCounter.builder("canary.probes.received", path, Canary.Path::received).tags(tags)
                .description("Probes received from the relay for the feed").register(registry);
            FunctionCounter.builder("canary.probes.lost", path, Canary.Path::lost).tags(tags)
                .description("Probes missing from the relay's numbering: lost on the path").register(registry);
            FunctionCounter.builder("canary.relay.restarts", path, Canary.Path::restarts).tags(tags)
                .description("Times the relay's probes started a new run").register(registry);
            Gauge.builder("canary.probe.age", path, p -> age(p.lastProbeNs(), p.lastProbeNs())).tags(tags)
                .baseUnit("seconds").description("Seconds since the relay's last probe for the feed")
                .register(registry);
            Gauge.builder("canary.path.up", path, p -> System.nanoTime() - p.lastProbeNs() <= staleAfterNs ? 1 : 0)
                .tags(tags).description("1 while the relay's probes arrive, 0 after canary.stale-after without one")
                .register(registry);
            Gauge.builder("canary.relay.frames", path, Canary.Path::relayFramesLastSecond).tags(tags)
                .description("Datagrams the relay says it sent for the feed in the second before its last probe")
                .register(registry);
            if (feeds.add(path.feed())) {
                // per feed, whatever the relays' names (tasks come and go): what alarms and SLOs are built on
                final String feed = path.feed();
                Gauge.builder("canary.feed.paths.up", this, m -> m.paths(feed, true)).tag("feed", feed)
                    .description("Relays whose probes for the feed arrive").register(registry);
                Gauge.builder("canary.feed.paths.down", this, m -> m.paths(feed, false)).tag("feed", feed)
                    .description("Relays seen before whose probes for the feed stopped arriving").register(registry);
            }
            LOG.info("canary: first probe from relay '{}' for feed '{}'", path.relayId(), path.feed());
        }

        private double paths(final String feed, final boolean up) {
            final Canary current = canary;
            if (current == null) {
                return 0;
            }
            final long nowNs = System.nanoTime();
            int count = 0;
            for (final Canary.Path path : current.paths()) {
                if (path.feed().equals(feed) && (nowNs - path.lastProbeNs() <= staleAfterNs) == up) {
                    count++;
                }
            }
            return count;
        }

        @Override
        public void onProbe(final Canary.Path path, final long latencyNs, final long lost) {
            Timer.builder("canary.latency").tags("relay", path.relayId(), "feed", path.feed())
                .description("One-way latency of probes, relay's clock to the canary's (docs/probes.md: accuracy)")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofMinutes(1))
                .register(registry).record(Math.max(0, latencyNs), TimeUnit.NANOSECONDS);
            // per feed, whatever the relays' names: what the latency alarm and SLO watch
            Timer.builder("canary.feed.latency").tag("feed", path.feed())
                .description("One-way latency of the feed's probes from every relay (docs/probes.md: accuracy)")
                .publishPercentiles(0.99).distributionStatisticExpiry(Duration.ofMinutes(1))
                .register(registry).record(Math.max(0, latencyNs), TimeUnit.NANOSECONDS);
            if (lost > 0) {
                LOG.warn("canary: {} probe(s) from relay '{}' for feed '{}' lost on the path", lost, path.relayId(),
                    path.feed());
            }
        }

        @Override
        public void onForgotten(final Canary.Path path) {
            for (final Meter meter : registry.getMeters()) {
                if (path.relayId().equals(meter.getId().getTag("relay")) &&
                    path.feed().equals(meter.getId().getTag("feed"))) {
                    registry.remove(meter);
                }
            }
            LOG.info("canary: relay '{}' sent no probe for feed '{}' for canary.forget-after: forgotten (a replaced "
                + "task, or gone)", path.relayId(), path.feed());
        }

        @Override
        public void onError(final Exception error) {
            LOG.warn("canary: receiving failed: {}", error.toString());
        }
    }
}
