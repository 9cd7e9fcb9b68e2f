package io.mcastrelay.app;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/** The packaged relay ({@code target/relay.jar}) run as production runs it: its own JVM, {@code java -jar}. */
final class RelayProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Path aeronDirectory;
    private final int healthPort;
    private final int managementPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    RelayProcess(final String... properties) throws IOException {
        this(List.of(), properties);
    }

    RelayProcess(final List<String> jvmOptions, final String... properties) throws IOException {
        final Path jar = Path.of("target", "relay.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("target/relay.jar is missing: run the package phase first");
        }
        aeronDirectory = Files.createTempDirectory("relay-process-aeron").resolve("driver");
        log = Files.createTempFile("relay-process", ".log");
        healthPort = TestRelay.freePort();
        managementPort = TestRelay.freePort();
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(),
            "--server.port=" + healthPort,
            "--management.server.port=" + managementPort,
            "--relay.aeron.directory=" + aeronDirectory,
            "--relay.egress.network-interface=lo"));
        for (final String property : properties) {
            command.add("--" + property);
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    String aeronDirectory() {
        return aeronDirectory.toString();
    }

    /** Waits until the NLB's readiness endpoint answers 200, or the process dies. */
    boolean awaitReady(final long timeout, final TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                final HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return true;
                }
            } catch (final IOException ex) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Scrapes one Prometheus sample from the management port, for example {@code relay_ingress_frames_total}. */
    double metric(final String name, final String labels) throws IOException, InterruptedException {
        final String body = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        for (final String line : body.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labels)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException(name + " with " + labels + " not found");
    }

    Process process() {
        return process;
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
