package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator's Grafana dashboard ({@code ops/grafana/mcast-relay.json}) names only metrics the relay exposes:
 * every {@code relay_*} identifier in every panel's PromQL must be a sample name in a real scrape.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrafanaDashboardIT {
    private static final Path DASHBOARD = Path.of("ops", "grafana", "mcast-relay.json");
    private static final Pattern METRIC = Pattern.compile("(?<![A-Za-z0-9_:])relay_[A-Za-z0-9_:]*");
    private static final String GROUP = "239.255.71.1";

    @Test
    void shouldReferenceOnlyMetricsTheRelayExposes() throws Exception {
        final JsonNode dashboard = JsonMapper.builder().build().readTree(dashboardFile());
        final List<JsonNode> panels = new ArrayList<>();
        collectPanels(dashboard.path("panels"), panels);
        final Set<String> referenced = new TreeSet<>();
        for (final JsonNode panel : panels) {
            for (final JsonNode target : panel.path("targets")) {
                final Matcher metric = METRIC.matcher(target.path("expr").asString(""));
                while (metric.find()) {
                    referenced.add(metric.group());
                }
            }
        }
        assertThat(panels).as("panels").isNotEmpty()
            .allSatisfy(panel -> assertThat(panel.path("title").asString("")).as("panel title").isNotBlank());
        assertThat(panels).filteredOn(panel -> !"row".equals(panel.path("type").asString("")))
            .allSatisfy(panel -> assertThat(panel.path("targets")).as("%s has queries", panel.path("title"))
                .isNotEmpty());
        assertThat(referenced).as("distinct metrics the dashboard uses").hasSizeGreaterThanOrEqualTo(15);
        assertThat(dashboard.path("templating").path("list").findValuesAsString("query"))
            .contains("label_values(relay_ingress_frames_total, feed)");

        final String scrape = scrapeWithTraffic();
        final Set<String> exposed = new TreeSet<>();
        for (final String line : scrape.split("\n")) {
            final Matcher sample = METRIC.matcher(line);
            if (!line.startsWith("#") && sample.lookingAt()) {
                exposed.add(sample.group());
            }
        }
        final Set<String> missing = new TreeSet<>(referenced);
        missing.removeAll(exposed);
        assertThat(missing).as("metrics the dashboard names that the relay does not expose (it exposes %s)", exposed)
            .isEmpty();
    }

    /** Runs the relay with one feed, relays a few frames so every meter has moved, and scrapes Prometheus. */
    private static String scrapeWithTraffic() throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (TestRelay relay = new TestRelay(
                "relay.feeds[0].name=dash",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort);
             FeedClient sender = new FeedClient(feedPort)) {
            for (int i = 0; i < 10; i++) {
                sender.send(GROUP, udpPort, "dashboard frame " + i);
            }
            assertThat(customer.await(10, 10, TimeUnit.SECONDS)).hasSize(10);
            final String managementPort = relay.context().getEnvironment().getProperty("local.management.port");
            assertThat(managementPort).as("local.management.port").isNotBlank();
            final HttpClient http = HttpClient.newHttpClient();
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("relay_ingress_frames_total{feed=\"dash\"} 10.0");
            return response.body();
        }
    }

    /** Panels, and the panels inside collapsed rows. */
    private static void collectPanels(final JsonNode panels, final List<JsonNode> into) {
        for (final JsonNode panel : panels) {
            into.add(panel);
            collectPanels(panel.path("panels"), into);
        }
    }

    /** The dashboard, found from the module directory (Maven) or the repository root (an IDE). */
    private static Path dashboardFile() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.exists(directory.resolve(DASHBOARD))) {
            directory = directory.getParent();
        }
        assertThat(directory).as("%s above %s", DASHBOARD, Path.of("").toAbsolutePath()).isNotNull();
        return directory.resolve(DASHBOARD);
    }
}
