package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.core.env.Environment;

/**
 * The public HTTP port ({@code server.port}, which the NLB's subnets reach) answers {@code /readyz} and
 * {@code /livez} with a status and nothing else; every other Actuator path is 404 there. The management port, with
 * metrics, details and the rest, listens on loopback only by default: a loopback address other than 127.0.0.1
 * reaches the public port but not it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublicHealthPortIT {
    private static final List<String> NOT_ON_THE_PUBLIC_PORT = List.of(
        "/", "/actuator", "/actuator/", "/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness",
        "/actuator/health/relay", "/actuator/health/readiness/relay", "/actuator/prometheus", "/actuator/metrics",
        "/actuator/metrics/relay.ingress.frames", "/actuator/env", "/actuator/heapdump", "/actuator/threaddump",
        "/actuator/info", "/actuator/configprops", "/actuator/beans", "/actuator/loggers", "/actuator/shutdown",
        "/metrics", "/prometheus", "/health", "/env", "/heapdump", "/info", "/readyz/relay", "/readyz/readinessState",
        "/livez/livenessState", "/readyz/../actuator/env", "/%2e%2e/actuator/env");

    private static TestRelay relay;
    private static int healthPort;
    private static int managementPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startRelay() throws Exception {
        relay = new TestRelay(
            "relay.feeds[0].name=public",
            "relay.feeds[0].port=" + TestRelay.freePort(),
            "relay.feeds[0].destinations[0]=239.255.66.1:" + TestRelay.freePort());
        final Environment environment = relay.context().getEnvironment();
        healthPort = environment.getRequiredProperty("local.server.port", Integer.class);
        managementPort = environment.getRequiredProperty("local.management.port", Integer.class);
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    private HttpResponse<String> get(final String host, final int port, final String path) throws Exception {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
            .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerReadinessAndLivenessWithAStatusOnly() throws Exception {
        for (final String path : List.of("/readyz", "/livez")) {
            final HttpResponse<String> response = get("127.0.0.1", healthPort, path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body().replace(" ", "")).as(path).isEqualTo("{\"status\":\"UP\"}");
        }
    }

    @Test
    void shouldAnswer404ForEveryOtherActuatorPathOnThePublicPort() throws Exception {
        for (final String path : NOT_ON_THE_PUBLIC_PORT) {
            final HttpResponse<String> response = get("127.0.0.1", healthPort, path);
            assertThat(response.statusCode()).as("GET %s on the public port: %s", path, response.body())
                .isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("measurements", "components", "java.home");
        }
    }

    @Test
    void shouldServeMetricsAndDetailsOnTheManagementPortOnly() throws Exception {
        assertThat(get("127.0.0.1", managementPort, "/actuator/prometheus").body()).contains("relay_ingress_frames");
        assertThat(get("127.0.0.1", managementPort, "/actuator/health").body()).contains("components");
        assertThat(get("127.0.0.1", healthPort, "/actuator/prometheus").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldBindTheManagementPortToLoopbackOnlyByDefault() throws Exception {
        assertThat(relay.context().getEnvironment().getProperty("management.server.address")).isEqualTo("127.0.0.1");
        assertThat(get("127.0.0.2", healthPort, "/livez").statusCode())
            .as("the public port listens on every address").isEqualTo(200);
        try (Socket reachable = new Socket()) {
            reachable.connect(new InetSocketAddress("127.0.0.1", managementPort), 2000);
        }
        assertThatThrownBy(() -> {
            try (Socket other = new Socket()) {
                other.connect(new InetSocketAddress("127.0.0.2", managementPort), 2000);
            }
        }).as("127.0.0.2 is not the management address").isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldNotAcceptWritesOnTheHealthEndpoints() throws Exception {
        final HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz"))
            .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        final HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(404, 405);
    }
}
