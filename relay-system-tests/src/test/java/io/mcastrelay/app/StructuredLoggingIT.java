package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged relay with Spring Boot's structured console logging, as CloudWatch Logs takes it from an ECS task's
 * stdout: one JSON object per line, the relay's one-line events among them, nothing per frame.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StructuredLoggingIT {
    private static final String GROUP = "239.255.72.1";
    private static final String FEED = "jsonfeed";
    private static final int FRAMES = 1000;
    /** Connected, protocol error and disconnected for the bad sender; connected and disconnected for the good. */
    private static final int CONNECTION_LINES = 5;
    private static final Pattern PLAIN_LOG_LINE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}.*");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ecs, /log/level", "logstash, /level"})
    void shouldLogEachRelayEventAsOneJsonLineAndNothingPerFrame(final String format, final String levelPointer)
        throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (RelayProcess relay = new RelayProcess(
                "logging.structured.format.console=" + format,
                "relay.feeds[0].name=" + FEED,
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort)) {
            assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
            try (FeedClient bad = new FeedClient(feedPort)) {
                bad.send(GROUP, udpPort, "before the bad frame");
                bad.sendRaw(new byte[] {0x00, 0x1c, 0x01, 0x7f});
                assertThat(bad.closedByPeer(5000)).as("closed for a protocol error").isTrue();
            }
            try (FeedClient good = new FeedClient(feedPort)) {
                for (int i = 0; i < FRAMES; i++) {
                    good.send(GROUP, udpPort, "frame " + i);
                }
                assertThat(customer.await(1 + FRAMES, 20, TimeUnit.SECONDS)).hasSize(1 + FRAMES);
            }
            awaitLines(relay, "disconnected", 2);
            relay.process().destroy();
            assertThat(relay.process().waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();

            final String output = relay.output();
            final List<Event> events = parse(output, levelPointer);
            assertThat(events).as("JSON lines; output:%n%s", output)
                .anySatisfy(event -> assertThat(event.message()).startsWith("starting relay: feeds="))
                .anySatisfy(event -> {
                    assertThat(event.message()).matches("feed=" + FEED + " remote=\\S+ connection=\\d+ connected");
                    assertThat(event.level()).isEqualTo("INFO");
                })
                .anySatisfy(event -> {
                    assertThat(event.message()).startsWith("feed=" + FEED + " remote=")
                        .endsWith("closing: protocol error non-zero-flags");
                    assertThat(event.level()).isEqualTo("WARN");
                })
                .anySatisfy(event -> assertThat(event.message())
                    .matches("feed=" + FEED + " .* disconnected: protocol-error non-zero-flags"))
                .anySatisfy(event -> assertThat(event.message())
                    .matches("feed=" + FEED + " .* disconnected: (closed-by-peer|relay-shutdown)"))
                .anySatisfy(event -> assertThat(event.message()).startsWith("stopping relay:"))
                .anySatisfy(event -> assertThat(event.message()).isEqualTo("relay stopped"));
            for (final String line : output.split("\n")) {
                if (!line.startsWith("{")) {
                    assertThat(line).as("a plain-text log line among the JSON").doesNotMatch(PLAIN_LOG_LINE)
                        .doesNotContain("feed=").doesNotContain("io.mcastrelay");
                }
            }
            assertThat(output.lines().filter(line -> line.contains("connection="))).as("lines naming a connection")
                .hasSizeLessThanOrEqualTo(CONNECTION_LINES);
        }
    }

    /** Every line that starts with {@code {}, parsed; a line that does not parse fails the test. */
    private static List<Event> parse(final String output, final String levelPointer) {
        final JsonMapper json = JsonMapper.shared();
        final List<Event> events = new ArrayList<>();
        for (final String line : output.split("\n")) {
            if (line.startsWith("{")) {
                try {
                    final JsonNode event = json.readTree(line);
                    assertThat(event.isObject()).as("a JSON object: %s", line).isTrue();
                    events.add(new Event(event.at(levelPointer).asString(""), event.path("message").asString("")));
                } catch (final JacksonException ex) {
                    fail("not JSON: " + line, ex);
                }
            }
        }
        return events;
    }

    private static void awaitLines(final RelayProcess relay, final String text, final int count) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (relay.output().lines().filter(line -> line.contains(text)).count() < count
            && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
    }

    private record Event(String level, String message) {
    }
}
