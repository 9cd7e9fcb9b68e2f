package io.mcastrelay.loadtest;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A forwarder under test in a process of its own: the native {@code yardstick} (load-tests/native/yardstick.c), the
 * baseline {@link DirectForwarder} in a JVM, or the packaged relay ({@code relay.jar}, embedded media driver, its own
 * Aeron directory in {@code /dev/shm}, multicast out on {@code lo} with loopback on). The JVMs log their GC. Each
 * may run under {@code taskset -c} ({@link ForwarderCommand}). Called from the run's control thread only. Longer
 * than most files: starting, warming, waiting for quiet and stopping each kind of forwarder are one sequence that
 * every measurement depends on, and read best together.
 */
final class Forwarder {
    /** Which forwarder. */
    enum Kind {
        /** The native one-thread forwarder every figure is divided by; no JVM. */
        YARDSTICK("yardstick", false),
        BASELINE("baseline", true),
        RELAY("relay", true),
        /** The relay with a thread of its own per feed for egress (backoff idle), not the feed's event loop. */
        RELAY_DEDICATED("relay dedicated", true),
        /** The same, its egress threads busy-spinning. */
        RELAY_BUSY_SPIN("relay busy-spin", true),
        /** The relay, with each generator saying HELLO (relay-v1.1): the relay tracks and acknowledges the session. */
        RELAY_SESSION("relay session", true),
        /** The relay with recovery on: every feed recorded by Aeron Archive in a temporary directory. */
        RELAY_RECORDING("relay recording", true),
        /** The same, while a customer replays the feed from the start at full speed through the replay port. */
        RELAY_REPLAYING("relay replaying", true);

        /** @return whether it runs with recovery on (and has a replay port). */
        boolean recovery() {
            return this == RELAY_RECORDING || this == RELAY_REPLAYING;
        }

        final String label;
        private final boolean jvm;

        Kind(final String label, final boolean jvm) {
            this.label = label;
            this.jvm = jvm;
        }

        String fileName() {
            return label.replace(' ', '-');
        }

        /** @return whether it runs in a JVM (GC log, start-up collection, thread names from jcmd). */
        boolean jvm() {
            return jvm;
        }

        /** @return whether it prints a {@code closed ...} line per connection (else: the relay's Prometheus page). */
        boolean printsCounters() {
            return this == YARDSTICK || this == BASELINE;
        }
    }

    private final Kind kind;
    private final Process process;
    private final Path log;
    private final Path gcLog;
    private final ForwarderCommand.RelayPlaces relay;
    private final int[] feedPorts;
    /** A forwarder counts as quiet below this share of a core (a JVM's housekeeping threads stay under it). */
    static final double QUIET_CORES = 0.03;

    private boolean stopped;
    private int warmUpConnections;
    private long warmUpFrames;

    private Forwarder(
        final Kind kind, final Process process, final Path log, final Path gcLog,
        final ForwarderCommand.RelayPlaces relay, final int[] feedPorts) {
        this.kind = kind;
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
        this.relay = relay;
        this.feedPorts = feedPorts;
    }

    /** @return the relay's replay port, or -1 for a forwarder without recovery. */
    int replayPort() {
        return relay == null || !kind.recovery() ? -1 : relay.replayPort();
    }

    /**
     * Starts a forwarder; returns at once (see {@link #awaitReady}).
     *
     * @param kind       which.
     * @param options    the run's options (jars, java, yardstick, extra JVM options, CPUs).
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
        final ForwarderCommand.RelayPlaces relay = kind.printsCounters() ? null : new ForwarderCommand.RelayPlaces(
            Path.of("/dev/shm", "mcast-relay-loadtest-" + ProcessHandle.current().pid() + "-" + runName),
            FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp(), workDir.resolve(runName + "-archive"));
        final List<String> command = ForwarderCommand.of(kind, options, gcLog, relay, feedPorts, feedGroups, udpPort);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        return new Forwarder(kind, process, log, gcLog, relay, feedPorts);
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
            if (kind.printsCounters() ? logContains("ready") : httpGet(relay.serverPort(), "/readyz") != null) {
                return;
            }
            sleepMs(100);
        }
        throw new IOException(kind.label + " not ready in time; see " + log);
    }

    /**
     * Runs a full collection in the forwarder ({@code jcmd PID GC.run}) once it is ready and before any frame
     * flows, so that what its start-up left in eden is not collected in a run's measurement window. Every JVM
     * forwarder gets it; the yardstick has no heap.
     *
     * @param java the java executable; jcmd is beside it.
     */
    void collectStartupGarbage(final String java) {
        if (!kind.jvm()) {
            return;
        }
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
        // the warm-up's frames (and connections) are in the forwarder's own counts; what is awaited and returned is the
        // run's alone
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
        final ForwarderCounters all;
        if (kind.printsCounters()) {
            all = ForwarderCounters.fromClosedLines(Files.readAllLines(log, StandardCharsets.UTF_8),
                feedPorts.length + warmUpConnections);
        } else {
            final String metrics = httpGet(relay.managementPort(), "/actuator/prometheus");
            all = metrics == null ? null : ForwarderCounters.fromPrometheus(metrics);
        }
        return all == null ? null : all.less(warmUpFrames);
    }

    /**
     * Waits until the forwarder is quiet: its process used less than {@link #QUIET_CORES} of a core over one second
     * (a JVM's compiler has caught up with start-up, or with a warm-up's new code), at least {@code minNs} and at
     * most {@code maxNs}. On two busy cores a fresh JVM's compiler goes on for half a minute after it is ready; a
     * window that caught it would price the compiler, not the forwarder.
     *
     * @param minNs at least this long.
     * @param maxNs at most this long.
     * @return how long it waited, ns.
     */
    long awaitQuiet(final long minNs, final long maxNs) {
        final long start = System.nanoTime();
        long ticks = ProcessCpu.processTicks(process.pid());
        while (true) {
            sleepMs(1000);
            final long now = ProcessCpu.processTicks(process.pid());
            final long waited = System.nanoTime() - start;
            final boolean quiet = (now - ticks) * ProcessCpu.TICK_NS < QUIET_CORES * TimeUnit.SECONDS.toNanos(1);
            ticks = now;
            if (waited >= maxNs || quiet && waited >= minNs || !process.isAlive()) {
                return waited;
            }
        }
    }

    /**
     * Leaves a warm-up out of the counters {@link #awaitCounters} returns: its connections closed before the run's.
     *
     * @param connections the warm-up's connections, each closed.
     * @param frames      the DATA frames they sent, each forwarded.
     */
    void warmedUp(final int connections, final long frames) {
        warmUpConnections += connections;
        warmUpFrames += frames;
    }

    /**
     * The JVM's full thread names (after a window: it runs a thread dump); none for the yardstick.
     *
     * @param java the java executable; jcmd is beside it.
     * @return thread id to name.
     */
    Map<Integer, String> threadNames(final String java) {
        if (!kind.jvm() || !process.isAlive()) {
            return Map.of();
        }
        final Map<Integer, String> names = new HashMap<>(ThreadNames.ofJvm(java, process.pid()));
        if (relay != null) {
            // the media driver's threads are named after its directory: /dev/shm/... [sender,receiver,...]
            names.replaceAll((tid, name) -> name.replace(relay.aeronDir().toString(), "aeron"));
        }
        return names;
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
        if (relay != null && Files.exists(relay.aeronDir())) {
            try (Stream<Path> files = Files.walk(relay.aeronDir())) {
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
