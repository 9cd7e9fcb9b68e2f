package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.mcastrelay.testing.FakeCloudWatch;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay in-JVM with the CloudWatch export on, publishing every second to a fake CloudWatch on loopback through
 * the real AWS SDK client: what the relay counts arrives as PutMetricData, in the configured namespace, with the
 * meter's tags and the static dimensions as CloudWatch dimensions, signed with credentials from the default chain.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloudWatchExportIT {
    private static final String GROUP = "239.255.69.1";
    private static final String NAMESPACE = "McastRelay/IT";
    private static final int FRAMES = 5;

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
    void shouldPublishTheRelayMetersToCloudWatchWithTheirTagsAndTheStaticDimensions() throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (FakeCloudWatch cloudWatch = new FakeCloudWatch();
             TestRelay relay = new TestRelay(
                 "relay.feeds[0].name=cw",
                 "relay.feeds[0].port=" + feedPort,
                 "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort,
                 "relay.metrics.cloudwatch.enabled=true",
                 "relay.metrics.cloudwatch.endpoint=" + cloudWatch.endpoint(),
                 "relay.metrics.cloudwatch.region=us-east-1",
                 "relay.metrics.cloudwatch.step=1s",
                 "relay.metrics.cloudwatch.namespace=" + NAMESPACE,
                 "relay.metrics.cloudwatch.dimensions.service=relay-it",
                 "relay.metrics.cloudwatch.dimensions.cluster=it");
             FeedClient sender = new FeedClient(feedPort)) {
            final MeterRegistry primary = relay.context().getBean(MeterRegistry.class);
            assertThat(primary).as("Spring Boot's composite of both").isInstanceOf(CompositeMeterRegistry.class);
            assertThat(((CompositeMeterRegistry)primary).getRegistries())
                .hasAtLeastOneElementOfType(CloudWatchMeterRegistry.class)
                .hasAtLeastOneElementOfType(PrometheusMeterRegistry.class);

            for (int i = 0; i < FRAMES; i++) {
                sender.send(GROUP, udpPort, "cloudwatch frame " + i);
            }

            final Map<String, String> feedDimensions = Map.of("feed", "cw", "service", "relay-it", "cluster", "it");
            final Map<String, String> groupDimensions = Map.of("feed", "cw", "group", GROUP,
                "port", String.valueOf(udpPort), "service", "relay-it", "cluster", "it");
            awaitTrue(() -> sum(cloudWatch, "relay.ingress.frames.count", feedDimensions) == FRAMES
                && sum(cloudWatch, "relay.egress.datagrams.count", groupDimensions) == FRAMES,
                () -> "received " + cloudWatch.putMetricData());

            assertThat(cloudWatch.putMetricData()).allSatisfy(request -> {
                assertThat(request.input()).containsEntry("Namespace", NAMESPACE);
                assertThat(request.headers().get("Authorization")).singleElement().asString()
                    .as("signed with the credentials the default chain found")
                    .contains("Credential=" + FakeCloudWatch.ACCESS_KEY_ID + "/")
                    .contains("/us-east-1/monitoring/aws4_request");
            });
            final TreeSet<String> names = new TreeSet<>();
            cloudWatch.putMetricData().forEach(request ->
                request.metricData().forEach(datum -> names.add((String)datum.get("MetricName"))));
            assertThat(names).as("only relay.* meters are sent").allMatch(name -> name.startsWith("relay."))
                .contains("relay.ingress.connections.current.value", "relay.ingress.bytes.count");
            assertThat(relay.context().getBean(PrometheusMeterRegistry.class).getMeters())
                .as("the static dimensions stay out of Prometheus")
                .allSatisfy(meter -> assertThat(meter.getId().getTag("service")).isNull());
        }
    }

    @Test
    void shouldStopWithinTheApiCallTimeoutWhenCloudWatchDoesNotAnswer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final TestRelay relay = new TestRelay(
                "relay.feeds[0].name=cw",
                "relay.feeds[0].port=" + TestRelay.freePort(),
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + TestRelay.freePort(),
                "relay.metrics.cloudwatch.enabled=true",
                "relay.metrics.cloudwatch.endpoint=http://127.0.0.1:" + silent.getLocalPort(),
                "relay.metrics.cloudwatch.region=us-east-1");
            final long start = System.nanoTime();
            relay.close();
            final long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(closeMs)
                .as("the last publish gives up after %s; the rest of the close takes what it takes without "
                    + "CloudWatch (about 2 s here); all well within ExitOnSignal's drain-timeout + 10 s",
                    CloudWatchMetricsConfiguration.API_CALL_TIMEOUT)
                .isBetween(CloudWatchMetricsConfiguration.API_CALL_TIMEOUT.toMillis() - 500, 10_000L);
        }
    }

    private static double sum(final FakeCloudWatch cloudWatch, final String metricName,
        final Map<String, String> dimensions) {
        double sum = 0;
        for (final FakeCloudWatch.Request request : cloudWatch.putMetricData()) {
            for (final Map<String, Object> datum : request.metricData()) {
                if (metricName.equals(datum.get("MetricName")) && dimensions(datum).equals(dimensions)) {
                    sum += ((Number)datum.get("Value")).doubleValue();
                }
            }
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> dimensions(final Map<String, Object> datum) {
        final Map<String, String> dimensions = new TreeMap<>();
        for (final Object dimension : (Iterable<Object>)datum.getOrDefault("Dimensions", List.of())) {
            final Map<String, Object> pair = (Map<String, Object>)dimension;
            dimensions.put((String)pair.get("Name"), (String)pair.get("Value"));
        }
        return dimensions;
    }

    private static void awaitTrue(final BooleanSupplier condition, final Supplier<String> seen)
        throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("no PutMetricData with the expected counts within 10 s; " + seen.get());
            }
            Thread.sleep(100);
        }
    }
}
