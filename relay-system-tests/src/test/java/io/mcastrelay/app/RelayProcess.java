package io.mcastrelay.app;

import java.io.File;
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

/**
 * The packaged relay ({@code relay-app/target/relay.jar}) run as an operator runs it: its own JVM, started by the
 * shipped launcher {@code bin/relay} (its JVM flags from {@code bin/relay-jvm-flags}; this JVM's java, extra JVM
 * options in {@code JAVA_OPTS}). Free ports, a temp media driver directory and egress on {@code lo} unless the
 * properties say otherwise; optionally inside a network namespace ({@link #inNamespace}), where HTTP goes through
 * {@code ip netns exec}.
 */
final class RelayProcess implements AutoCloseable {
    /** The packaged relay, as relay-app's package phase leaves it. */
    static final Path JAR = Path.of("..", "relay-app", "target", "relay.jar").toAbsolutePath().normalize();

    private static final String SERVER_PORT = "server.port";
    private static final String MANAGEMENT_PORT = "management.server.port";
    private static final String AERON_DIRECTORY = "relay.aeron.directory";
    private static final String NETWORK_INTERFACE = "relay.egress.network-interface";

    private final Process process;
    private final Path log;
    private final String aeronDirectory;
    private final String namespace;
    private final int healthPort;
    private final int managementPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    RelayProcess(final String... properties) throws IOException {
        this(null, List.of(), properties);
    }

    RelayProcess(final List<String> jvmOptions, final String... properties) throws IOException {
        this(null, jvmOptions, properties);
    }

    private RelayProcess(final String namespace, final List<String> jvmOptions, final String... properties)
        throws IOException {
        final Path jar = JAR;
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build relay-app's package phase first");
        }
        this.namespace = namespace;
        final String givenDirectory = given(properties, AERON_DIRECTORY);
        aeronDirectory = givenDirectory != null ? givenDirectory
            : Files.createTempDirectory("relay-process-aeron").resolve("driver").toString();
        log = Files.createTempFile("relay-process", ".log");
        final String givenHealthPort = given(properties, SERVER_PORT);
        final String givenManagementPort = given(properties, MANAGEMENT_PORT);
        healthPort = givenHealthPort != null ? Integer.parseInt(givenHealthPort) : TestRelay.freePort();
        managementPort = givenManagementPort != null ? Integer.parseInt(givenManagementPort) : TestRelay.freePort();
        final List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(List.of(ip(), "netns", "exec", namespace));
        }
        command.add(Path.of("..", "bin", "relay").toAbsolutePath().normalize().toString());
        addUnlessGiven(command, properties, SERVER_PORT, String.valueOf(healthPort));
        addUnlessGiven(command, properties, MANAGEMENT_PORT, String.valueOf(managementPort));
        addUnlessGiven(command, properties, AERON_DIRECTORY, aeronDirectory);
        addUnlessGiven(command, properties, NETWORK_INTERFACE, "lo");
        for (final String property : properties) {
            command.add("--" + property);
        }
        // `ip netns exec` and bin/relay exec the command, so this process is the relay's JVM in either case
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("RELAY_JAR", jar.toAbsolutePath().toString());
        builder.environment().put("RELAY_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        builder.environment().put("JAVA_OPTS", String.join(" ", concat("-Xmx256m", jvmOptions)));
        process = builder.start();
    }

    /**
     * The relay inside a network namespace: {@code ip netns exec NAMESPACE bin/relay ...}. Needs root.
     *
     * @param namespace  an existing network namespace.
     * @param properties as for the constructor.
     */
    static RelayProcess inNamespace(final String namespace, final String... properties) throws IOException {
        return new RelayProcess(namespace, List.of(), properties);
    }

    private static List<String> concat(final String first, final List<String> rest) {
        final List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String given(final String[] properties, final String name) {
        for (final String property : properties) {
            if (property.startsWith(name + "=")) {
                return property.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** Spring joins repeated command-line options with commas, so a default is passed only if not given. */
    private static void addUnlessGiven(
        final List<String> command, final String[] properties, final String name, final String value) {
        if (given(properties, name) == null) {
            command.add("--" + name + "=" + value);
        }
    }

    String aeronDirectory() {
        return aeronDirectory;
    }

    /** Waits until the NLB's readiness endpoint answers 200, or the process dies. */
    boolean awaitReady(final long timeout, final TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (readiness().status() == 200) {
                    return true;
                }
            } catch (final IOException ex) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** {@code GET /readyz} on the NLB health port ({@code server.port}). */
    Response readiness() throws IOException, InterruptedException {
        return get(healthPort, "/readyz");
    }

    /** {@code GET /actuator/health} on the management port, with every component's details. */
    Response managementHealth() throws IOException, InterruptedException {
        return get(managementPort, "/actuator/health");
    }

    /** Scrapes one Prometheus sample from the management port, for example {@code relay_ingress_frames_total}. */
    double metric(final String name, final String labels) throws IOException, InterruptedException {
        return get(managementPort, "/actuator/prometheus").sample(name, labels);
    }

    private Response get(final int port, final String path) throws IOException, InterruptedException {
        if (namespace != null) {
            return getInNamespace(namespace, port, path);
        }
        final HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    /**
     * {@code GET http://127.0.0.1:PORT/PATH} from inside a network namespace, as any process there would (the
     * relay's, the canary's): with curl if installed, else HTTP/1.0 through bash's /dev/tcp.
     *
     * @throws IOException if nothing answers within a few seconds (not listening yet, or gone).
     */
    static Response getInNamespace(final String namespace, final int port, final String path)
        throws IOException, InterruptedException {
        return executable("curl") != null ? curlInNamespace(namespace, "http://127.0.0.1:" + port + path)
            : devTcpInNamespace(namespace, port, path);
    }

    /** curl inside the namespace: the body, then the status on a line of its own. */
    private static Response curlInNamespace(final String namespace, final String url)
        throws IOException, InterruptedException {
        final String out = runInNamespace(namespace,
            List.of("curl", "-s", "--max-time", "3", "-o", "-", "-w", "\n%{http_code}", url));
        final int lastLine = out.lastIndexOf('\n');
        return new Response(Integer.parseInt(out.substring(lastLine + 1).trim()), out.substring(0, lastLine));
    }

    /** Without curl: HTTP/1.0 (no chunking, the server closes) through bash's /dev/tcp inside the namespace. */
    private static Response devTcpInNamespace(final String namespace, final int port, final String path)
        throws IOException, InterruptedException {
        final String out = runInNamespace(namespace, List.of("timeout", "3", "bash", "-c",
            "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET " + path
                + " HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && cat <&3"));
        final String[] statusLine = out.substring(0, out.indexOf('\r')).split(" ");
        final int bodyStart = out.indexOf("\r\n\r\n");
        return new Response(Integer.parseInt(statusLine[1]), bodyStart < 0 ? "" : out.substring(bodyStart + 4));
    }

    private static String runInNamespace(final String namespace, final List<String> command)
        throws IOException, InterruptedException {
        final List<String> all = new ArrayList<>(List.of(ip(), "netns", "exec", namespace));
        all.addAll(command);
        final Process probe = new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!probe.waitFor(5, TimeUnit.SECONDS)) {
            probe.destroyForcibly();
            throw new IOException("timed out: " + all);
        }
        if (probe.exitValue() != 0) {
            throw new IOException("exit " + probe.exitValue() + " (not listening?): " + all);
        }
        return out;
    }

    /**
     * Finds an executable on PATH or, as a root shell would, in the sbin directories.
     *
     * @param name the executable's name.
     * @return its path, or null if there is none.
     */
    static String executable(final String name) {
        final List<String> directories = new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        directories.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (final String directory : directories) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name))) {
                return Path.of(directory, name).toString();
            }
        }
        return null;
    }

    private static String ip() {
        final String ip = executable("ip");
        if (ip == null) {
            throw new IllegalStateException("iproute2's ip is not installed");
        }
        return ip;
    }

    Process process() {
        return process;
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        Command.destroy(process);
    }

    /**
     * One HTTP answer.
     *
     * @param status the status code.
     * @param body   the body.
     */
    record Response(int status, String body) {
        /**
         * One sample of a Prometheus scrape in the body.
         *
         * @param name   the sample's name, such as {@code relay_ingress_frames_total}.
         * @param labels text its labels contain, such as {@code feed="md"}; the first sample that matches counts.
         * @throws IllegalStateException if there is none.
         */
        double sample(final String name, final String labels) {
            for (final String line : body.split("\n")) {
                if (line.startsWith(name + "{") && line.contains(labels)) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
                }
            }
            throw new IllegalStateException(name + " with " + labels + " not found in the scrape");
        }
    }
}
