package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mcastrelay.canary.CanaryApplication;
import io.mcastrelay.testing.FakeCloudWatch;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The shipped alarms watch metrics that exist: every CloudWatch metric the Terraform module's alarms name
 * ({@code terraform/modules/relay/alarms.tf}, {@code relay.*} and {@code canary.*}) is published, under that exact
 * name and with exactly the alarm's dimensions, by the relay (recovery and probes on, a sequence locator) and the
 * canary, both exporting to a fake CloudWatch on loopback through the real AWS SDK. An alarm on a name nobody
 * publishes (Micrometer adds {@code .value} to a gauge, {@code .count} to a counter, {@code .percentile} and a
 * {@code phi} dimension to a percentile) would sit in ALARM for ever on missing data, or never fire.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AlarmMetricNamesIT {
    private static final Path ALARMS = Path.of("..", "terraform", "modules", "relay", "alarms.tf");
    private static final String NAMESPACE = "McastRelay/IT";
    private static final String GROUP = "239.255.71.1";
    private static final String PROBE_GROUP = "239.255.71.100";
    private static final Pattern METRIC = Pattern.compile(
        "metric_name\\s*=\\s*\"((?:relay|canary)\\.[^\"]+)\"\\s*\\n\\s*dimensions\\s*=\\s*\\{([^}]*)}");
    private static final Pattern KEY = Pattern.compile("(\\w+)\\s*=");

    private static AutoCloseable credentials;

    @BeforeAll
    static void useTestCredentials() {
        credentials = FakeCloudWatch.useTestCredentials();
    }

    @AfterAll
    static void restoreCredentials() throws Exception {
        credentials.close();
    }

    @Test
    void shouldPublishEveryMetricTheAlarmsWatchWithTheAlarmsDimensions() throws Exception {
        final Map<String, Set<String>> watched = watchedByTheAlarms();
        assertThat(watched).as("alarms.tf names relay.* and canary.* metrics")
            .containsKeys("relay.egress.datagrams.count", "canary.feed.paths.up.value");

        final Path archive = Files.createTempDirectory("relay-alarm-names-archive");
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        final int probePort = TestRelay.freePort();
        try (FakeCloudWatch cloudWatch = new FakeCloudWatch();
             TestRelay relay = new TestRelay(
                 "relay.feeds[0].name=prod",
                 "relay.feeds[0].port=" + feedPort,
                 "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort,
                 "relay.feeds[0].sequence.offset=0",
                 "relay.feeds[0].sequence.width=8",
                 "relay.recovery.enabled=true",
                 "relay.recovery.archive-directory=" + archive,
                 "relay.recovery.port=" + TestRelay.freePort(),
                 "relay.recovery.allowed-sources[0]=127.0.0.0/8",
                 "relay.probes.group=" + PROBE_GROUP + ":" + probePort,
                 "relay.probes.rate=20",
                 "relay.probes.relay-id=relay-a",
                 "relay.metrics.cloudwatch.enabled=true",
                 "relay.metrics.cloudwatch.endpoint=" + cloudWatch.endpoint(),
                 "relay.metrics.cloudwatch.region=us-east-1",
                 "relay.metrics.cloudwatch.step=1s",
                 "relay.metrics.cloudwatch.namespace=" + NAMESPACE,
                 "relay.metrics.cloudwatch.dimensions.service=mcast-relay");
             ConfigurableApplicationContext canary = canary(cloudWatch, PROBE_GROUP + ":" + probePort);
             FeedClient sender = new FeedClient(feedPort)) {
            assertThat(relay.context().isActive() && canary.isActive()).as("relay and canary started").isTrue();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Map<String, Set<Set<String>>> published = Map.of();
            long sequence = 1;
            while (System.nanoTime() < deadline) {
                sender.send(GROUP, udpPort, sequenceFirst(sequence++));
                published = published(cloudWatch);
                if (missing(watched, published).isEmpty()) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(missing(watched, published))
                .as("metrics the alarms watch that neither the relay nor the canary published with the alarm's "
                    + "dimensions; published: %s", published)
                .isEmpty();
        } finally {
            IoUtil.delete(archive.toFile(), true);
        }
    }

    /** metric name => the dimension names of the alarm watching it (the static {@code service} included). */
    private static Map<String, Set<String>> watchedByTheAlarms() throws IOException {
        final Map<String, Set<String>> watched = new TreeMap<>();
        final Matcher metric = METRIC.matcher(Files.readString(ALARMS));
        while (metric.find()) {
            final Set<String> dimensions = new TreeSet<>();
            final Matcher key = KEY.matcher(metric.group(2));
            while (key.find()) {
                dimensions.add(key.group(1));
            }
            final Set<String> before = watched.put(metric.group(1), dimensions);
            if (before != null && !before.equals(dimensions)) {
                fail("alarms.tf watches %s with dimensions %s and %s", metric.group(1), before, dimensions);
            }
        }
        return watched;
    }

    /** metric name => every dimension-name set it was published with. */
    @SuppressWarnings("unchecked")
    private static Map<String, Set<Set<String>>> published(final FakeCloudWatch cloudWatch) {
        final Map<String, Set<Set<String>>> published = new TreeMap<>();
        for (final FakeCloudWatch.Request request : cloudWatch.putMetricData()) {
            assertThat(request.input()).containsEntry("Namespace", NAMESPACE);
            for (final Map<String, Object> datum : request.metricData()) {
                final Set<String> dimensions = new TreeSet<>();
                for (final Object dimension : (Iterable<Object>)datum.getOrDefault("Dimensions", List.of())) {
                    dimensions.add((String)((Map<String, Object>)dimension).get("Name"));
                }
                published.computeIfAbsent((String)datum.get("MetricName"), name -> new TreeSet<>(
                    (a, b) -> a.toString().compareTo(b.toString()))).add(dimensions);
            }
        }
        return published;
    }

    private static List<String> missing(final Map<String, Set<String>> watched,
        final Map<String, Set<Set<String>>> published) {
        final List<String> missing = new ArrayList<>();
        watched.forEach((name, dimensions) -> {
            if (!published.getOrDefault(name, Set.of()).contains(dimensions)) {
                missing.add(name + " " + dimensions);
            }
        });
        return missing;
    }

    private static ConfigurableApplicationContext canary(final FakeCloudWatch cloudWatch, final String probeGroup) {
        return new SpringApplicationBuilder(CanaryApplication.class)
            .properties(Map.of("spring.config.name", "canary"))
            .run("--server.port=0",
                "--canary.network-interface=lo",
                "--canary.probe-groups[0]=" + probeGroup,
                "--relay.metrics.cloudwatch.enabled=true",
                "--relay.metrics.cloudwatch.endpoint=" + cloudWatch.endpoint(),
                "--relay.metrics.cloudwatch.region=us-east-1",
                "--relay.metrics.cloudwatch.step=1s",
                "--relay.metrics.cloudwatch.namespace=" + NAMESPACE);
    }

    /** A datagram whose first 8 bytes are the exchange's sequence (the relay's locator: offset 0, width 8). */
    private static String sequenceFirst(final long sequence) {
        return String.format("%08d datagram", sequence);
    }
}
