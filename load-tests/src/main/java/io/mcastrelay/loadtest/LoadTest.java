package io.mcastrelay.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * Runs a set of scenarios, each through the baseline forwarder and then the relay, one after the other in the same
 * invocation, and writes the results (see {@link Report}). The generators and subscribers run in this JVM (so the
 * send stamps and receive times come from one clock); each forwarder runs in a JVM of its own.
 *
 * <p>Usage: see {@link LoadTestOptions#USAGE}; {@code load-tests/run.sh} is the usual way in.
 */
public final class LoadTest {
    private LoadTest() {
    }

    /**
     * Runs the scenarios and writes the results.
     *
     * @param args see {@link LoadTestOptions#USAGE}.
     * @throws Exception if the results cannot be written.
     */
    public static void main(final String[] args) throws Exception {
        final Path workDir = Files.createTempDirectory("mcast-relay-loadtest-");
        final LoadTestOptions options = LoadTestOptions.parse(args).withRelayJar(copyOf(LoadTestOptions.parse(args)
            .relayJar(), workDir));
        final List<Scenario> scenarios = scenarios(options);
        final PrintStream out = System.out;
        final List<String> environment = new ArrayList<>(machine(options));
        environment.add("- started " + Instant.now() + ", load average before: " + loadAverage());
        out.printf("%d scenarios, warm-up %ds + measure %ds each; forwarder logs in %s%n", scenarios.size(),
            options.warmupNs() / 1_000_000_000L, options.durationNs() / 1_000_000_000L, workDir);
        warmUpLoadDriver(options, workDir, out);
        final long start = System.nanoTime();
        final List<RunResult> results = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        for (final Scenario scenario : scenarios) {
            out.printf("%n== %s: %s%n", scenario.name(), scenario.description());
            for (final Forwarder.Kind kind : scenario.forwarders()) {
                try {
                    final RunResult result = new ForwarderRun(scenario, kind, options, workDir, out).run();
                    results.add(result);
                    out.println("  " + oneLine(result));
                } catch (final IOException | RuntimeException ex) {
                    failures.add(scenario.name() + " " + kind.label + ": " + ex);
                    out.println("  FAILED: " + ex + (ex.getCause() != null ? " caused by " + ex.getCause() : ""));
                }
            }
        }
        final Duration took = Duration.ofNanos(System.nanoTime() - start);
        environment.add("- finished after " + took.toMinutes() + " min " + took.toSecondsPart()
            + " s, load average after: " + loadAverage());
        failures.forEach(failure -> environment.add("- FAILED: " + failure));
        Report.write(options.out(), results, environment);
        out.printf("%n%s%nresults in %s (%d min %d s)%n", Report.summaryTable(group(results)), options.out(),
            took.toMinutes(), took.toSecondsPart());
        if (!failures.isEmpty()) {
            System.exit(1);
        }
    }

    /**
     * Copies the relay's jar before using it, so that a rebuild while the runs go on cannot change it under them.
     * Checks the copy opens as a zip (a jar caught half-written is copied again).
     */
    private static Path copyOf(final Path relayJar, final Path workDir) throws IOException {
        final Path copy = workDir.resolve("relay.jar");
        for (int attempt = 0; ; attempt++) {
            Files.copy(relayJar, copy, StandardCopyOption.REPLACE_EXISTING);
            try (ZipFile zip = new ZipFile(copy.toFile())) {
                if (zip.size() > 0) {
                    return copy;
                }
            } catch (final IOException ex) {
                if (attempt == 5) {
                    throw ex;
                }
            }
            Forwarder.sleepMs(2000);
        }
    }

    /**
     * The generators and subscribers run in this JVM: a few seconds of a discarded baseline run at the first
     * scenario's settings compile their loops before the first figure is taken.
     */
    private static void warmUpLoadDriver(final LoadTestOptions options, final Path workDir, final PrintStream out)
        throws IOException, InterruptedException {
        out.println("warming up the load driver (a discarded baseline run) ...");
        final Scenario warmup = Scenario.of("driver-warmup", "64", "100k", 1, 1, List.of(Forwarder.Kind.BASELINE));
        final LoadTestOptions quick = options.withTimes(Durations.parseNanos("2s"), Durations.parseNanos("2s"));
        new ForwarderRun(warmup, Forwarder.Kind.BASELINE, quick, workDir, new PrintStream(
            OutputStream.nullOutputStream())).run();
    }

    private static List<Scenario> scenarios(final LoadTestOptions options) {
        if (options.custom() != null) {
            return List.of(options.custom());
        }
        final List<Scenario> all = "steady".equals(options.set()) ? Scenario.steady() : Scenario.standard();
        if (options.scenarios().isEmpty()) {
            return all;
        }
        return all.stream().filter(scenario -> options.scenarios().contains(scenario.name())).toList();
    }

    private static Map<String, List<RunResult>> group(final List<RunResult> results) {
        final Map<String, List<RunResult>> byScenario = new LinkedHashMap<>();
        for (final RunResult result : results) {
            byScenario.computeIfAbsent(result.scenario().name(), name -> new ArrayList<>()).add(result);
        }
        return byScenario;
    }

    private static String oneLine(final RunResult result) {
        if (result.corrected().getTotalCount() == 0) {
            return String.format(Locale.ROOT, "%s: %s frames/s (%s), lost in forwarder %d, at subscribers %d",
                result.kind().label, Report.count(result.acceptedPerSecond()),
                result.scenario().subscribers() == 0 ? "no subscriber" : "saturated", result.lostInForwarder(),
                result.lostAtSubscribers());
        }
        return String.format(Locale.ROOT, "%s: %s frames/s, lost in forwarder %d, at subscribers %d, "
                + "p50 %s p99 %s p99.9 %s max %s, GC pauses in window %d",
            result.kind().label, Report.count(result.acceptedPerSecond()), result.lostInForwarder(),
            result.lostAtSubscribers(), Report.micros(result.corrected().getValueAtPercentile(50)),
            Report.micros(result.corrected().getValueAtPercentile(99)),
            Report.micros(result.corrected().getValueAtPercentile(99.9)),
            Report.micros(result.corrected().getMaxValue()), result.gc().inWindow().size());
    }

    private static List<String> machine(final LoadTestOptions options) {
        final List<String> lines = new ArrayList<>();
        lines.add("- machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
            + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", JDK "
            + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        lines.add("- each run: warm-up " + options.warmupNs() / 1_000_000 + " ms, then a measurement window of "
            + options.durationNs() / 1_000_000 + " ms; generators " + (options.spin() ? "spin" : "park")
            + " between frames; forwarders in their own JVMs with default heap and G1; relay "
            + options.relayJar() + (options.relayJvmOptions().isEmpty() ? "" : " with " + options.relayJvmOptions()));
        lines.add("- UDP: net.core.rmem_max " + read("/proc/sys/net/core/rmem_max") + ", subscribers asked SO_RCVBUF "
            + LoadReceiver.REQUESTED_RECEIVE_BUFFER_BYTES + "; multicast on " + options.networkInterface()
            + " with loopback");
        return lines;
    }

    private static String cpuModel() {
        for (final String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU";
    }

    static String loadAverage() {
        final String[] fields = read("/proc/loadavg").trim().split("\\s+");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
    }

    private static String read(final String file) {
        try {
            // Files.readString trusts the size procfs reports (0) and returns garbage for some of its files
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        } catch (final IOException ex) {
            return "unknown";
        }
    }
}
