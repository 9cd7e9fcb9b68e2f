package io.mcastrelay.loadtest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipFile;

/**
 * Runs a set of scenarios, each through every forwarder (the native yardstick, the Java baseline and the relay by
 * default) one after the other in the same invocation, and writes the results (see {@link Report}). A scenario may
 * run several times; each repetition rotates the forwarders' order, so that none always goes first. The generators
 * and subscribers run in this JVM (so the send stamps and receive times come from one clock); each forwarder runs in
 * a process of its own.
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
        final LoadTestOptions parsed = LoadTestOptions.parse(args);
        LoadTestOptions options = parsed.withRelayJar(copyOf(parsed.relayJar(), workDir));
        if (options.loaderCpus() != null) {
            // forwarders would inherit this JVM's pinning: unless told otherwise they get every CPU it had before
            if (options.forwarderCpus() == null) {
                options = options.withForwarderCpus(Machine.allowedCpus());
            }
            Machine.pin(options.loaderCpus());
        }
        final List<Scenario> scenarios = scenarios(options);
        final PrintStream out = System.out;
        final List<String> environment = new ArrayList<>(Machine.describe(options));
        environment.add("- started " + Instant.now() + ", load average before: " + Machine.loadAverage());
        out.printf("%d scenarios, warm-up %ds + measure %ds each; forwarder logs in %s%n", scenarios.size(),
            options.warmupNs() / 1_000_000_000L, options.durationNs() / 1_000_000_000L, workDir);
        warmUpLoadDriver(options, workDir, out);
        final long start = System.nanoTime();
        final List<RunResult> results = new ArrayList<>();
        final List<IdleResult> idle = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        int turn = 0;
        for (final Scenario scenario : scenarios) {
            final int repetitions = options.repetitions(scenario);
            for (int repetition = 1; repetition <= repetitions; repetition++) {
                final List<Forwarder.Kind> order = scenario.inTurn(turn++);
                out.printf("%n== %s%s: %s; order %s%n", scenario.name(), repetitions == 1 ? ""
                    : " (repetition " + repetition + " of " + repetitions + ")", scenario.description(),
                    order.stream().map(kind -> kind.label).toList());
                for (int position = 1; position <= order.size(); position++) {
                    final Forwarder.Kind kind = order.get(position - 1);
                    final RunPlan plan = new RunPlan(scenario, kind, repetition, position, options, workDir, out);
                    try {
                        if (scenario.idle()) {
                            idle.add(new IdleRun(plan).run());
                        } else {
                            final RunResult result = new ForwarderRun(plan).run();
                            results.add(result);
                            out.println("  " + oneLine(result));
                        }
                    } catch (final IOException | RuntimeException ex) {
                        failures.add(scenario.name() + " r" + repetition + " " + kind.label + ": " + ex);
                        out.println("  FAILED: " + ex + (ex.getCause() != null ? " caused by " + ex.getCause() : ""));
                    }
                }
            }
        }
        final Duration took = Duration.ofNanos(System.nanoTime() - start);
        environment.add("- finished after " + took.toMinutes() + " min " + took.toSecondsPart()
            + " s, load average after: " + Machine.loadAverage());
        failures.forEach(failure -> environment.add("- FAILED: " + failure));
        Report.write(options.out(), results, idle, environment);
        out.printf("%n%s%nresults in %s (%d min %d s)%n", SummaryTable.markdown(results, idle), options.out(),
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
     * The generators and subscribers run in this JVM: a few seconds of a discarded baseline run at 64 B and 100k/s
     * compile their loops before the first figure is taken.
     */
    private static void warmUpLoadDriver(final LoadTestOptions options, final Path workDir, final PrintStream out)
        throws IOException, InterruptedException {
        out.println("warming up the load driver (a discarded baseline run) ...");
        final Scenario warmup = Scenario.of("driver-warmup", "64", "100k", 1, 1, List.of(Forwarder.Kind.BASELINE));
        final LoadTestOptions quick = options.withTimes(Durations.parseNanos("2s"), Durations.parseNanos("2s"));
        new ForwarderRun(new RunPlan(warmup, Forwarder.Kind.BASELINE, 1, 1, quick, workDir, new PrintStream(
            OutputStream.nullOutputStream()))).run();
    }

    private static List<Scenario> scenarios(final LoadTestOptions options) {
        final List<Scenario> all;
        if (options.custom() != null) {
            all = List.of(options.custom());
        } else {
            final List<Scenario> set = switch (options.set()) {
                case "steady" -> Scenario.steady();
                case "recovery" -> Scenario.recovery();
                default -> Scenario.standard();
            };
            all = options.scenarios().isEmpty() ? set
                : set.stream().filter(scenario -> options.scenarios().contains(scenario.name())).toList();
        }
        return options.forwarders() == null ? all
            : all.stream().map(scenario -> scenario.withForwarders(options.forwarders())).toList();
    }

    private static String oneLine(final RunResult result) {
        final String cpu = String.format(Locale.ROOT, "CPU %.2f cores, %.2f us/frame (%s)", result.cpu().cores(),
            result.cpuMicrosPerFrame(), result.cpu().top(3, 0.01));
        if (!result.hasLatency()) {
            return String.format(Locale.ROOT, "%s: %s frames/s (%s), lost in forwarder %d, at subscribers %d, %s",
                result.kind().label, Report.count(result.acceptedPerSecond()),
                result.scenario().subscribers() == 0 ? "no subscriber" : "saturated", result.lostInForwarder(),
                result.lostAtSubscribers(), cpu);
        }
        return String.format(Locale.ROOT, "%s: %s frames/s, lost in forwarder %d, at subscribers %d, "
                + "p50 %s p99 %s p99.9 %s max %s, GC pauses in window %d, %s",
            result.kind().label, Report.count(result.acceptedPerSecond()), result.lostInForwarder(),
            result.lostAtSubscribers(), Report.micros(result.corrected().getValueAtPercentile(50)),
            Report.micros(result.corrected().getValueAtPercentile(99)),
            Report.micros(result.corrected().getValueAtPercentile(99.9)),
            Report.micros(result.corrected().getMaxValue()), result.gc().inWindow().size(), cpu);
    }
}
