package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compose demo run as docker/README.md says, from the repository root: {@code docker compose -f
 * docker/compose.yaml up --build}, or Debian bookworm's {@code docker-compose} (1.29) with the same arguments where
 * the Compose v2 plugin is missing. Frames go in (the relay's {@code relay.ingress.frames} rises, read inside its
 * container as the README shows), multicast comes out (the subscriber container prints about 500 datagrams/s on each
 * of the feed's two groups, with no gap, and {@code relay.egress.datagrams} rises per group), {@code /readyz} answers
 * on the host's loopback; Ctrl-C (SIGINT to compose) stops all three and the relay exits 0; {@code down -v} removes
 * what the run made. Its own project name ({@code COMPOSE_PROJECT_NAME}), so an operator's demo keeps its volume.
 *
 * <p>Needs a Docker engine, the base image and a Compose ({@code docker/ci-docker.sh} brings all three), and the
 * demo's host ports (6666, 6667, 6800, 8080 on 127.0.0.1) free. Without them the test is skipped with the reason,
 * except on CI ({@code CI=true}), where it fails, as {@link DockerImageIT} does.
 */
@Tag("docker")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ComposeDemoIT {
    private static final String PROJECT = "mcast-relay-demo-it";
    private static final String BASE_IMAGE = System.getenv().getOrDefault("RELAY_BASE_IMAGE",
        "mcast-relay-base:bookworm-java25");
    private static final List<Integer> HOST_PORTS = List.of(6666, 6667, 6800, 8080);
    private static final List<String> GROUPS = List.of("239.255.6.1:6200", "239.255.6.2:6201");
    /** A subscriber line as compose prints it: {@code subscriber_1 | GROUP datagrams/s=N ... gaps=N ...}. */
    private static final Pattern SUBSCRIBER = Pattern.compile(
        "^subscriber[-_]1\\s+\\|\\s+(\\S+) datagrams/s=(\\d+) .*\\bgaps=(\\d+) ");
    private static final Pattern COLOUR = Pattern.compile("\u001B\\[[0-9;]*m");
    /** The relay's management port as docker/README.md reads it, from inside its container. */
    private static final String SCRAPE = "exec 3<>/dev/tcp/127.0.0.1/8081; "
        + "printf 'GET /actuator/prometheus HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3";

    private final Path repository = Path.of("").toAbsolutePath().getParent();
    private List<String> compose;
    private Process up;
    private Path log;

    @AfterEach
    void tearDown() throws Exception {
        if (up != null) {
            Command.destroy(up);
        }
        if (compose != null) {
            final Command down = compose(120, "down", "-v", "--rmi", "all");
            run(60, "docker", "image", "prune", "-f", "--filter", "label=io.mcastrelay.stage=layers");
            assertThat(down.exit()).as("compose down; %s", down.output()).isZero();
        }
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void shouldRelayTheSendersFramesAsMulticastToTheSubscriberAndStopCleanly() throws Exception {
        DockerImageIT.require(run(30, "docker", "info").exit() == 0,
            "no Docker engine answers: start one, or run docker/ci-docker.sh");
        DockerImageIT.require(run(30, "docker", "image", "inspect", BASE_IMAGE).exit() == 0,
            "the base image " + BASE_IMAGE + " is missing: build it with docker/build-base-image.sh (or name another "
                + "in RELAY_BASE_IMAGE)");
        final List<String> command = composeCommand();
        for (final int port : HOST_PORTS) {
            DockerImageIT.require(free(port), "127.0.0.1:" + port + " is taken; the demo publishes it");
        }
        compose = command;
        assertThat(RelayProcess.JAR).as("relay.jar, built by relay-app's package phase").exists();

        log = Files.createTempFile("compose-demo", ".log");
        final long startNs = System.nanoTime();
        up = composeProcess(List.of("up", "--build")).redirectOutput(log.toFile()).start();

        // multicast out: about 500/s on each group (the sender's 1000 frames/s alternate between them), no gap
        final Map<String, Matcher> last = new TreeMap<>();
        final boolean flowing = ReceiverProcess.await(() -> {
            last.putAll(subscriberLines(log));
            return last.keySet().containsAll(GROUPS) && last.values().stream()
                .allMatch(m -> Integer.parseInt(m.group(2)) >= 400 && "0".equals(m.group(3)));
        }, TimeUnit.MINUTES.toMillis(5));
        assertThat(flowing).as("the subscriber prints ~500 datagrams/s per group with no gap; compose:%n%s",
            tail(log)).isTrue();
        final long flowingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertThat(readyz()).as("/readyz on the host's loopback").isEqualTo(200);

        // frames in and datagrams out, by the relay's own counters, twice a second apart
        final String before = scrape();
        Thread.sleep(1000);
        final String after = scrape();
        final double frames = sample(after, "relay_ingress_frames_total", "feed=\"test\"");
        assertThat(frames).as("frames in").isGreaterThan(sample(before, "relay_ingress_frames_total", "feed=\"test\""));
        for (final String group : GROUPS) {
            final String labels = "group=\"" + group.substring(0, group.indexOf(':')) + "\"";
            assertThat(sample(after, "relay_egress_datagrams_total", labels)).as("datagrams out to %s", group)
                .isGreaterThan(sample(before, "relay_egress_datagrams_total", labels) + 250);
        }

        // Ctrl-C: compose stops all three; the relay drains and exits 0
        final String relayId = compose(30, "ps", "-q", "relay").output().trim();
        run(10, "kill", "-INT", Long.toString(up.pid()));
        assertThat(up.waitFor(90, TimeUnit.SECONDS)).as("compose stops on Ctrl-C; %s", tail(log)).isTrue();
        final Command exit = run(30, "docker", "inspect", "--format", "{{.State.ExitCode}}", relayId);
        assertThat(exit.output().trim()).as("the relay's exit status; compose:%n%s", tail(log)).isEqualTo("0");
        System.out.printf("[ComposeDemoIT] %s up --build: multicast at the subscriber after %d ms (%s), %.0f frames "
            + "in; stopped with Ctrl-C, relay exit 0%n", String.join(" ", compose), flowingMs, last.values().stream()
            .map(m -> m.group(1) + " " + m.group(2) + "/s gaps " + m.group(3)).toList(), frames);
    }

    /** {@code docker compose} where the v2 plugin is there, else Debian's {@code docker-compose}. */
    private static List<String> composeCommand() throws IOException, InterruptedException {
        if (run(30, "docker", "compose", "version").exit() == 0) {
            return List.of("docker", "compose");
        }
        DockerImageIT.require(RelayProcess.executable("docker-compose") != null,
            "no Compose: neither `docker compose` nor `docker-compose` (apt-get install docker-compose)");
        return List.of("docker-compose");
    }

    private ProcessBuilder composeProcess(final List<String> args) {
        final List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-f", "docker/compose.yaml"));
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command).directory(repository.toFile())
            .redirectErrorStream(true);
        builder.environment().put("COMPOSE_PROJECT_NAME", PROJECT);
        builder.environment().put("BASE_IMAGE", BASE_IMAGE);
        return builder;
    }

    private Command compose(final long timeoutSeconds, final String... args) throws IOException, InterruptedException {
        return finish(composeProcess(List.of(args)), timeoutSeconds);
    }

    private static Command run(final long timeoutSeconds, final String... command)
        throws IOException, InterruptedException {
        return finish(new ProcessBuilder(command).redirectErrorStream(true), timeoutSeconds);
    }

    /** Runs to the end, its output in a file so that a full pipe never stalls it; exit -1 past the timeout. */
    private static Command finish(final ProcessBuilder builder, final long timeoutSeconds)
        throws IOException, InterruptedException {
        final Path output = Files.createTempFile("compose-demo-command", ".log");
        try {
            final Process process = builder.redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                Command.destroy(process);
                return new Command(-1, "timed out: " + builder.command() + "; " + Files.readString(output));
            }
            return new Command(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** @return per group, the subscriber's last line for it so far. */
    private static Map<String, Matcher> subscriberLines(final Path log) {
        final Map<String, Matcher> last = new TreeMap<>();
        final List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (final IOException ex) {
            return last;
        }
        for (final String line : lines) {
            final Matcher matcher = SUBSCRIBER.matcher(COLOUR.matcher(line).replaceAll(""));
            if (matcher.find()) {
                last.put(matcher.group(1), matcher);
            }
        }
        return last;
    }

    private String scrape() throws IOException, InterruptedException {
        final Command scrape = compose(30, "exec", "-T", "relay", "bash", "-c", SCRAPE);
        assertThat(scrape.exit()).as("scrape inside the relay's container: %s", scrape.output()).isZero();
        return scrape.output();
    }

    private static double sample(final String scrape, final String name, final String labels) {
        return new RelayProcess.Response(200, scrape).sample(name, labels);
    }

    private static int readyz() throws IOException, InterruptedException {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/readyz"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean free(final int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (final IOException ex) {
            return false;
        }
    }

    private static String tail(final Path log) {
        try {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (final IOException ex) {
            return ex.toString();
        }
    }
}
