package io.mcastrelay.loadtest;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.mcastrelay.wire.Ipv4;

/**
 * A forwarder under test in a JVM of its own: the baseline {@link DirectForwarder}, or the packaged relay
 * ({@code relay.jar}, embedded media driver, its own Aeron directory in {@code /dev/shm}, multicast out on
 * {@code lo} with loopback on). GC logging is on in both. Called from the run's control thread only.
 */
final class Forwarder {
    /** Which forwarder. */
    enum Kind {
        BASELINE("baseline"), RELAY("relay"), RELAY_BUSY_SPIN("relay busy-spin"),
        /** The relay, with each generator saying HELLO (relay-v1.1): the relay tracks and acknowledges the session. */
        RELAY_SESSION("relay session");

        final String label;

        Kind(final String label) {
            this.label = label;
        }

        String fileName() {
            return label.replace(' ', '-');
        }
    }

    private final Kind kind;
    private final Process process;
    private final Path log;
    private final Path gcLog;
    private final Path aeronDir;
    private final int[] feedPorts;
    private final int serverPort;
    private final int managementPort;
    private boolean stopped;

    private Forwarder(
        final Kind kind, final Process process, final Path log, final Path gcLog, final Path aeronDir,
        final int[] feedPorts, final int serverPort, final int managementPort) {
        this.kind = kind;
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
        this.aeronDir = aeronDir;
        this.feedPorts = feedPorts;
        this.serverPort = serverPort;
        this.managementPort = managementPort;
    }

    /**
     * Starts a forwarder; returns at once (see {@link #awaitReady}).
     *
     * @param kind       which.
     * @param options    the run's options (jars, java, extra JVM options).
     * @param workDir    where its log and GC log go.
     * @param runName    for file names.
     * @param feedPorts  one TCP port per feed.
     * @param feedGroups each feed's groups.
     * @param udpPort    the UDP port of every group.
     * @return the started forwarder.
     * @throws IOException if the process cannot be started.
     */
    static Forwarder start(
        final Kind kind, final LoadTestOptions options, final Path workDir, final String runName,
        final int[] feedPorts, final int[][] feedGroups, final int udpPort) throws IOException {
        final Path log = workDir.resolve(runName + ".log");
        final Path gcLog = workDir.resolve(runName + "-gc.log");
        final List<String> command = new ArrayList<>();
        command.add(options.java());
        command.add("-Xlog:gc*:file=" + gcLog + ":time,uptime,level,tags");
        command.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
        Path aeronDir = null;
        int serverPort = 0;
        int managementPort = 0;
        if (kind == Kind.BASELINE) {
            command.addAll(options.baselineJvmOptions());
            command.add("-cp");
            command.add(options.loadTestsJar().toString());
            command.add(DirectForwarder.class.getName());
            command.add("--interface");
            command.add(options.networkInterface());
            command.add("--ports");
            final StringBuilder ports = new StringBuilder();
            for (final int port : feedPorts) {
                ports.append(ports.length() == 0 ? "" : ",").append(port);
            }
            command.add(ports.toString());
        } else {
            aeronDir = Path.of("/dev/shm", "mcast-relay-loadtest-" + ProcessHandle.current().pid() + "-" + runName);
            serverPort = FreePorts.tcp();
            managementPort = FreePorts.tcp();
            command.addAll(options.relayJvmOptions());
            command.add("-jar");
            command.add(options.relayJar().toString());
            command.add("--relay.aeron.directory=" + aeronDir);
            command.add("--server.port=" + serverPort);
            command.add("--management.server.port=" + managementPort);
            command.add("--relay.egress.network-interface=" + options.networkInterface());
            command.add("--relay.egress.loopback=true");
            command.add("--relay.egress.ttl=1");
            command.add("--relay.egress.idle-strategy=" + (kind == Kind.RELAY_BUSY_SPIN ? "busy-spin" : "backoff"));
            for (int i = 0; i < feedPorts.length; i++) {
                final String feed = "--relay.feeds[" + i + "].";
                command.add(feed + "name=f" + i);
                command.add(feed + "port=" + feedPorts[i]);
                command.add(feed + "stream-id=" + (1001 + i));
                command.add(feed + "allowed-sources[0]=127.0.0.0/8");
                for (int j = 0; j < feedGroups[i].length; j++) {
                    command.add(feed + "destinations[" + j + "]=" + Ipv4.toString(feedGroups[i][j]) + ":" + udpPort);
                }
            }
        }
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        return new Forwarder(kind, process, log, gcLog, aeronDir, feedPorts, serverPort, managementPort);
    }

    /**
     * Waits until the forwarder listens.
     *
     * @param timeoutNs at most this long.
     * @throws IOException if it exits or does not get ready in time.
     */
    void awaitReady(final long timeoutNs) throws IOException {
        final long deadline = System.nanoTime() + timeoutNs;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException(kind.label + " exited with " + process.exitValue() + "; see " + log);
            }
            if (kind == Kind.BASELINE ? logContains("ready") : httpGet(serverPort, "/readyz") != null) {
                return;
            }
            sleepMs(100);
        }
        throw new IOException(kind.label + " not ready in time; see " + log);
    }

    /**
     * Runs a full collection in the forwarder ({@code jcmd PID GC.run}) once it is ready and before any frame
     * flows, so that what its start-up left in eden is not collected in a run's measurement window. Both
     * forwarders get it.
     *
     * @param java the java executable; jcmd is beside it.
     */
    void collectStartupGarbage(final String java) {
        try {
            final Process jcmd = new ProcessBuilder(Path.of(java).resolveSibling("jcmd").toString(),
                Long.toString(process.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
            }
        } catch (final IOException ex) {
            // no jcmd: the run goes on with the start-up garbage in place
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the forwarder says it took in and sent out, once it has sent all it took (or the timeout passed).
     *
     * @param expectedFrames frames the generators wrote.
     * @param timeoutNs      how long to wait for it to catch up.
     * @return its counters.
     * @throws IOException if they cannot be read.
     */
    ForwarderCounters awaitCounters(final long expectedFrames, final long timeoutNs) throws IOException {
        final long deadline = System.nanoTime() + timeoutNs;
        ForwarderCounters counters = read();
        while (System.nanoTime() - deadline < 0
            && (counters == null || counters.datagramsOut() < expectedFrames)) {
            sleepMs(200);
            counters = read();
        }
        if (counters == null) {
            throw new IOException(kind.label + " reported no counters; see " + log);
        }
        return counters;
    }

    private ForwarderCounters read() throws IOException {
        if (kind == Kind.BASELINE) {
            long frames = 0;
            long datagrams = 0;
            long errors = 0;
            int closed = 0;
            for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith("closed ")) {
                    final Map<String, Long> fields = new HashMap<>();
                    for (final String field : line.substring("closed ".length()).split(" ")) {
                        final String[] pair = field.split("=");
                        fields.put(pair[0], Long.parseLong(pair[1]));
                    }
                    frames += fields.get("frames");
                    datagrams += fields.get("datagrams");
                    errors += fields.get("errors");
                    closed++;
                }
            }
            return closed < feedPorts.length ? null : new ForwarderCounters(frames, datagrams, errors, 0, 0);
        }
        final String metrics = httpGet(managementPort, "/actuator/prometheus");
        if (metrics == null) {
            return null;
        }
        final Map<String, Double> sums = new HashMap<>();
        for (final String line : metrics.split("\n")) {
            if (line.startsWith("relay_")) {
                final int space = line.lastIndexOf(' ');
                final int brace = line.indexOf('{');
                final String name = line.substring(0, brace > 0 ? brace : space);
                sums.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
            }
        }
        return new ForwarderCounters(
            sums.getOrDefault("relay_ingress_frames_total", 0.0).longValue(),
            sums.getOrDefault("relay_egress_datagrams_total", 0.0).longValue(),
            sums.getOrDefault("relay_egress_send_errors_total", 0.0).longValue()
                + sums.getOrDefault("relay_ingress_drops_total", 0.0).longValue()
                + sums.getOrDefault("relay_ingress_protocol_errors_total", 0.0).longValue(),
            sums.getOrDefault("relay_ingress_backpressure_episodes_total", 0.0).longValue(),
            sums.getOrDefault("relay_egress_send_buffer_full_total", 0.0).longValue());
    }

    private boolean logContains(final String text) throws IOException {
        return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
    }

    private static String httpGet(final int port, final String path) {
        try {
            final HttpURLConnection connection =
                (HttpURLConnection)URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(5000);
            try {
                if (connection.getResponseCode() != 200) {
                    return null;
                }
                return new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                connection.disconnect();
            }
        } catch (final IOException ex) {
            return null;
        }
    }

    static void sleepMs(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    Kind kind() {
        return kind;
    }

    long pid() {
        return process.pid();
    }

    Path gcLog() {
        return gcLog;
    }

    Path log() {
        return log;
    }

    /** Stops it with SIGTERM (the relay drains and exits 0), forcibly after 20 s, and removes its Aeron directory. */
    void stop() throws IOException {
        if (stopped) {
            return;
        }
        stopped = true;
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (aeronDir != null && Files.exists(aeronDir)) {
            try (Stream<Path> files = Files.walk(aeronDir)) {
                for (final Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** @return the exit status; after {@link #stop()}. */
    int exitValue() {
        return process.isAlive() ? -1 : process.exitValue();
    }
}
