package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.mcastrelay.app.RelayProcess.Response;
import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.core.env.Environment;

/**
 * Readiness as the NLB sees it, over real HTTP on {@code server.port}: status only, UP with no sender, DOWN at once
 * on SIGTERM while the relay still relays through {@code relay.shutdown.readiness-grace}, and DOWN while the egress
 * interface is down (in a network namespace of the test's own); the management port says which part is down. The
 * media driver dying is {@link DriverRestartIT}'s. Each test prints what it measured, for the record.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadinessIT {
    private static final String GROUP = "239.255.69.1";
    private static final String FEED = "ready";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.closeAll();
    }

    @Test
    void shouldAnswerStatusOnlyOnTheHealthPortAndDetailsOnTheManagementPortWithNoSender() throws Exception {
        try (TestRelay relay = new TestRelay(feed(TestRelay.freePort(), TestRelay.freePort()))) {
            final Environment environment = relay.context().getEnvironment();
            final int healthPort = environment.getRequiredProperty("local.server.port", Integer.class);
            final int managementPort = environment.getRequiredProperty("local.management.port", Integer.class);

            final Response ready = get("127.0.0.1", healthPort, "/readyz");
            assertThat(ready.status()).as("readyz: %s", ready).isEqualTo(200);
            final Map<?, ?> body = JsonPath.parse(ready.body()).read("$", Map.class);
            assertThat(body).as("status only, no components or details: %s", ready.body())
                .isEqualTo(Map.of("status", "UP"));

            final Response health = get("127.0.0.1", managementPort, "/actuator/health");
            assertThat(health.status()).as("management health: %s", health).isEqualTo(200);
            final DocumentContext json = JsonPath.parse(health.body());
            assertThat(json.read("$.components.relay.status", String.class)).isEqualTo("UP");
            assertThat(detail(json, "feed." + FEED + ".listening")).isEqualTo(true);
            assertThat(detail(json, "feed." + FEED + ".senders")).isEqualTo(0);
            assertThat(detail(json, "feed." + FEED + ".lastFrameAgeSeconds")).isEqualTo("none");
            assertThat(detail(json, "aeron.driver")).isEqualTo("alive");
            assertThat(detail(json, "egress")).isEqualTo("running");
            assertThat(detail(json, "egress.interface")).isEqualTo("up");
            assertThat(environment.getProperty("management.server.address")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void shouldFailReadinessAtOnceOnSigtermAndStillRelayThroughTheGrace() throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (RelayProcess relay = new RelayProcess(with(feed(feedPort, udpPort), "relay.shutdown.readiness-grace=3s",
                "relay.shutdown.drain-timeout=5s", "relay.aeron.term-length=64KB"));
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort)) {
            assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
            try (FeedClient sender = new FeedClient(feedPort)) {
                sender.send(GROUP, udpPort, "before SIGTERM");
                assertThat(customer.await(1, 10, TimeUnit.SECONDS)).hasSize(1);

                final long sigterm = System.nanoTime();
                relay.process().destroy();
                final long notReadyNs = awaitStatus(relay::readiness, 503, TimeUnit.SECONDS.toNanos(1), sigterm);
                assertThat(relay.readiness().body()).contains("DOWN");

                final byte[] during = sender.send(GROUP, udpPort, "sent during the readiness grace");
                final long sentNs = System.nanoTime() - sigterm;
                final List<byte[]> received = customer.await(2, 2, TimeUnit.SECONDS);
                final long arrivedNs = System.nanoTime() - sigterm;
                assertThat(received).as("the frame sent after SIGTERM arrives; log:%n%s", relay.output()).hasSize(2);
                assertThat(received.get(1)).isEqualTo(during);
                assertThat(sentNs).as("sent inside the 3 s grace").isLessThan(TimeUnit.SECONDS.toNanos(3));
                assertThat(relay.process().isAlive()).as("still running in the grace").isTrue();
                assertThat(relay.readiness().status()).as("still DOWN in the grace").isEqualTo(503);

                assertThat(relay.process().waitFor(30, TimeUnit.SECONDS)).as("exits in time").isTrue();
                final long exitedNs = System.nanoTime() - sigterm;
                assertThat(relay.process().exitValue()).as("exit status; log:%n%s", relay.output()).isZero();
                assertThat(relay.output()).contains("still relaying for 3000 ms")
                    .contains("relay drained: every accepted frame was sent");
                System.out.printf("[ReadinessIT] SIGTERM: 503 after %d ms; frame sent at %d ms arrived by %d ms; "
                    + "exit 0 after %d ms%n", millis(notReadyNs), millis(sentNs), millis(arrivedNs), millis(exitedNs));
            }
        }
    }

    @Test
    @Tag("network")
    void shouldFailReadinessWhileTheEgressInterfaceIsDown() throws Exception {
        final NetworkNamespace namespace = NetworkNamespace.createOrSkip();
        cleanup.add(namespace);
        final RelayProcess relay = RelayProcess.inNamespace(namespace.name(), with(feed(6666, 6200),
            "relay.egress.network-interface=" + NetworkNamespace.INTERFACE, "relay.egress.loopback=false",
            "relay.aeron.term-length=64KB"));
        cleanup.add(relay);
        assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
        assertThat(egressInterface(relay)).isEqualTo("up");
        assertThat(relay.output()).contains(namespace.address());

        final long down = System.nanoTime();
        namespace.ip("link", "set", NetworkNamespace.INTERFACE, "down");
        final long notReadyNs = awaitStatus(relay::readiness, 503, TimeUnit.SECONDS.toNanos(5), down);
        assertThat(egressInterface(relay)).isEqualTo("down");

        final long up = System.nanoTime();
        namespace.ip("link", "set", NetworkNamespace.INTERFACE, "up");
        final long readyNs = awaitStatus(relay::readiness, 200, TimeUnit.SECONDS.toNanos(5), up);
        assertThat(egressInterface(relay)).isEqualTo("up");
        System.out.printf("[ReadinessIT] %s (%s) down: 503 after %d ms; up again: 200 after %d ms%n",
            NetworkNamespace.INTERFACE, namespace.kind(), millis(notReadyNs), millis(readyNs));
    }

    private static String egressInterface(final RelayProcess relay) throws IOException, InterruptedException {
        return String.valueOf(detail(JsonPath.parse(relay.managementHealth().body()), "egress.interface"));
    }

    private static Object detail(final DocumentContext json, final String name) {
        return json.read("$.components.relay.details['" + name + "']");
    }

    private static String[] feed(final int feedPort, final int udpPort) {
        return new String[] {
            "relay.feeds[0].name=" + FEED,
            "relay.feeds[0].port=" + feedPort,
            "relay.feeds[0].max-payload=1400B",
            "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort,
        };
    }

    private static String[] with(final String[] feed, final String... more) {
        final List<String> all = new ArrayList<>(List.of(feed));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private Response get(final String host, final int port, final String path)
        throws IOException, InterruptedException {
        final HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(response.statusCode(), response.body());
    }

    /** Polls every 50 ms until the status is seen; fails after the timeout. Returns nanoseconds since {@code from}. */
    private static long awaitStatus(final Probe probe, final int status, final long timeoutNs, final long from)
        throws InterruptedException {
        Object last = null;
        while (System.nanoTime() - from < timeoutNs) {
            try {
                final Response response = probe.get();
                if (response.status() == status) {
                    return System.nanoTime() - from;
                }
                last = response;
            } catch (final IOException ex) {
                last = ex;
            }
            Thread.sleep(50);
        }
        return fail("no " + status + " within " + millis(timeoutNs) + " ms; last answer: " + last);
    }

    private static long millis(final long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** One readiness probe, over HTTP from the test JVM or from inside a namespace. */
    @FunctionalInterface
    private interface Probe {
        Response get() throws IOException, InterruptedException;
    }
}
