package io.mcastrelay.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * Writes a run's results: {@code results.md} (the summary of {@link SummaryTable}, then a row per run with its loss,
 * latency, CPU, counters and GC pauses, each figure against the reference forwarder's in the same repetition), one
 * HdrHistogram percentile file per run, and one PNG latency plot per scenario. Called from the control thread.
 */
final class Report {
    static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

    private Report() {
    }

    static String count(final double perSecond) {
        if (perSecond >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
        }
        if (perSecond >= 1000) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    static String micros(final long nanos) {
        if (nanos >= 10_000_000) {
            return String.format(Locale.ROOT, "%.0fms", nanos / 1e6);
        }
        if (nanos >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.0fus", nanos / 1e3);
    }

    private static String us(final long nanos) {
        return String.format(Locale.ROOT, Math.abs(nanos) >= 10_000_000 ? "%.0f" : "%.1f", nanos / 1e3);
    }

    private static String ratio(final double value, final double reference) {
        return reference <= 0 ? "" : String.format(Locale.ROOT, "%.2f", value / reference);
    }

    /**
     * Writes everything.
     *
     * @param dir         the results directory.
     * @param results     every load run, in the order they ran.
     * @param idle        every idle run.
     * @param environment the machine and command lines, as Markdown lines.
     * @throws IOException if a file cannot be written.
     */
    static void write(
        final Path dir, final List<RunResult> results, final List<IdleResult> idle, final List<String> environment)
        throws IOException {
        Files.createDirectories(dir);
        final Map<String, List<RunResult>> byScenario = byScenario(results);
        for (final List<RunResult> runs : byScenario.values()) {
            final boolean repeated = runs.stream().anyMatch(run -> run.repetition() > 1);
            final Map<Forwarder.Kind, List<RunResult>> byKind = new TreeMap<>();
            for (final RunResult run : runs) {
                writeHgrm(dir.resolve(run.scenario().name() + "-" + run.kind().fileName()
                    + (repeated ? "-r" + run.repetition() : "") + ".hgrm"), run);
                byKind.computeIfAbsent(run.kind(), kind -> new ArrayList<>()).add(run);
            }
            final List<PercentilePlot.Line> lines = new ArrayList<>();
            for (final List<RunResult> kindRuns : byKind.values()) {
                final Histogram pooled = LoadReceiver.newHistogram();
                kindRuns.forEach(run -> pooled.add(run.corrected()));
                lines.add(new PercentilePlot.Line(kindRuns.get(0).kind().label, pooled, SummaryTable.median(
                    kindRuns.stream().map(RunResult::acceptedPerSecond).sorted().toList()), kindRuns.size()));
            }
            PercentilePlot.write(dir.resolve(runs.get(0).scenario().name() + ".png"), runs.get(0).scenario(), lines);
        }
        Files.writeString(dir.resolve("results.md"), markdown(results, idle, environment), StandardCharsets.UTF_8);
    }

    private static void writeHgrm(final Path hgrm, final RunResult run) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(hgrm), true, StandardCharsets.UTF_8)) {
            out.println("# " + run.scenario().name() + " " + run.kind().label + " repetition " + run.repetition()
                + ": one-way latency in microseconds, " + (run.scenario().rate().scheduled()
                ? "from each frame's scheduled send time (corrected for coordinated omission)"
                : "from the time each frame was written"));
            run.corrected().outputPercentileDistribution(out, 5, 1000.0);
        }
    }

    static Map<String, List<RunResult>> byScenario(final List<RunResult> results) {
        final Map<String, List<RunResult>> byScenario = new LinkedHashMap<>();
        for (final RunResult result : results) {
            byScenario.computeIfAbsent(result.scenario().name(), name -> new ArrayList<>()).add(result);
        }
        return byScenario;
    }

    static String markdown(final List<RunResult> results, final List<IdleResult> idle, final List<String> environment) {
        final Forwarder.Kind reference = SummaryTable.reference(results, idle);
        final String ref = reference == null ? "the reference" : "the " + reference.label;
        final StringBuilder md = new StringBuilder();
        md.append("# Load-test results\n\n");
        environment.forEach(line -> md.append(line).append('\n'));
        md.append("\n## Summary\n\nEach figure is the median over the scenario's runs (repetitions), with min..max"
            + " when it ran more than once. Each \"x ").append(reference == null ? "?" : reference.label)
            .append("\" is the forwarder's figure divided by ").append(ref).append("'s in the same repetition (run"
            + " side by side, minutes apart), then the median of those ratios; capacity ratios only at max rates,"
            + " where frames/s is what the forwarder could take. CPU is the forwarder process's, all threads, user"
            + " and system, over the measurement window: cores = CPU seconds per second, us/frame = CPU over frames"
            + " taken in the window. Latency is one way, all subscribers merged; at fixed rates from each frame's"
            + " scheduled send time (coordinated omission corrected), at max from the time it was written, where it"
            + " is queueing time. Idle: CPU as % of one core; lone frames are single DATA frames after a silence"
            + " with heartbeats only. Columns are explained in load-tests/README.md.\n\n");
        md.append(SummaryTable.markdown(results, idle));
        if (!results.isEmpty()) {
            md.append("\n## Every run\n\n\"saturated\": the forwarder took less than the offered rate, so no frame due"
                + " in the window was sent in it (latency from the schedule grows without bound). \"order\": when the"
                + " forwarder ran in its repetition. Top threads: cores each in the window, full JVM names.\n\n");
            md.append(runTable(results, reference)).append('\n');
            md.append(detailTable(results));
            for (final RunResult run : results) {
                md.append(GcDetails.of(run));
            }
        }
        if (!idle.isEmpty()) {
            md.append("\n").append(idleTable(idle));
        }
        return md.toString();
    }

    static String runTable(final List<RunResult> results, final Forwarder.Kind reference) {
        final String x = reference == null ? "x ?" : "x " + reference.label;
        final StringBuilder md = new StringBuilder();
        md.append("| scenario | rep | order | forwarder | frames/s | ").append(x).append(" | x baseline | lost in"
            + " forwarder | lost at subscribers | p50 us | p90 us | p99 us | p99.9 us | max us | p99 ").append(x)
            .append(" | added p50 / p99 us |\n");
        md.append("|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (final RunResult run : results) {
            final RunResult ref = find(results, run, reference);
            final RunResult baseline = find(results, run, Forwarder.Kind.BASELINE);
            final Histogram h = run.corrected();
            md.append("| ").append(run.scenario().name()).append(" | ").append(run.repetition())
                .append(" | ").append(run.position()).append(" | ").append(run.kind().label)
                .append(" | ").append(count(run.acceptedPerSecond()))
                .append(" | ").append(ref == null || ref == run ? "" : ratio(run.acceptedPerSecond(),
                    ref.acceptedPerSecond()))
                .append(" | ").append(baseline == null || baseline == run ? "" : ratio(run.acceptedPerSecond(),
                    baseline.acceptedPerSecond()))
                .append(" | ").append(run.lostInForwarder())
                .append(" | ").append(String.format(Locale.ROOT, "%d (%.3f%%)", run.lostAtSubscribers(),
                    run.subscriberLossRatio() * 100));
            if (!run.hasLatency()) {
                md.append(run.scenario().subscribers() == 0 ? " | no subscriber" : " | saturated")
                    .append(" | | | | | | |\n");
                continue;
            }
            for (final double percentile : PERCENTILES) {
                md.append(" | ").append(us(h.getValueAtPercentile(percentile)));
            }
            if (ref == null || ref == run || !ref.hasLatency()) {
                md.append(" | | |\n");
            } else {
                final Histogram b = ref.corrected();
                md.append(" | ").append(ratio(h.getValueAtPercentile(99), b.getValueAtPercentile(99)))
                    .append(" | ").append(us(h.getValueAtPercentile(50) - b.getValueAtPercentile(50)))
                    .append(" / ").append(us(h.getValueAtPercentile(99) - b.getValueAtPercentile(99)))
                    .append(" |\n");
            }
        }
        return md.toString();
    }

    /** @return the run of that kind in the same scenario and repetition, or null. */
    private static RunResult find(final List<RunResult> results, final RunResult run, final Forwarder.Kind kind) {
        return results.stream().filter(r -> r.kind() == kind && r.repetition() == run.repetition()
            && r.scenario().name().equals(run.scenario().name())).findFirst().orElse(null);
    }

    static String detailTable(final List<RunResult> results) {
        final StringBuilder md = new StringBuilder();
        md.append("| scenario | rep | forwarder | delivered/s per subscriber | raw p50 / p99 us "
            + "| generator late p99 us | CPU cores | CPU us/frame | top threads (cores) | load driver CPU cores "
            + "| forwarder in / out / errors | back-pressure episodes | send buffer full | UDP RcvbufErrors "
            + "| GC pauses in window: forwarder (max ms); load driver | exit |\n");
        md.append("|---|--:|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for (final RunResult run : results) {
            final ForwarderCounters c = run.counters();
            final boolean relay = !run.kind().printsCounters();
            md.append("| ").append(run.scenario().name()).append(" | ").append(run.repetition())
                .append(" | ").append(run.kind().label)
                .append(" | ").append(count(run.deliveredPerSecond()))
                .append(" | ").append(run.hasLatency() ? us(run.raw().getValueAtPercentile(50)) + " / "
                    + us(run.raw().getValueAtPercentile(99)) : "")
                .append(" | ").append(run.scenario().rate().scheduled()
                    ? us(run.lateness().getValueAtPercentile(99)) : "")
                .append(String.format(Locale.ROOT, " | %.2f | %.2f", run.cpu().cores(), run.cpuMicrosPerFrame()))
                .append(" | ").append(run.cpu().top(4, 0.01))
                .append(String.format(Locale.ROOT, " | %.2f", run.driverCpu().cores()))
                .append(" | ").append(c.framesIn()).append(" / ").append(c.datagramsOut()).append(" / ")
                .append(c.errors())
                .append(" | ").append(relay ? c.backPressureEpisods() : "")
                .append(" | ").append(relay ? c.sendBufferFull() : "")
                .append(" | ").append(run.udpReceiveBufferErrors())
                .append(" | ").append(run.kind().jvm() ? run.gc().inWindow().size()
                    + String.format(Locale.ROOT, " (%.1f)", run.gc().maxMs()) : "no GC")
                .append("; load driver ").append(run.driverGcsInWindow())
                .append(" | ").append(run.exitValue()).append(" |\n");
        }
        return md.toString();
    }

    static String idleTable(final List<IdleResult> idle) {
        final StringBuilder md = new StringBuilder();
        md.append("| idle | rep | order | forwarder | no connection: % of a core, top threads (% of a core) "
            + "| silent sender: % of a core, top threads (% of a core) | lone frames us | exit |\n");
        md.append("|---|--:|--:|---|---|---|--:|--:|\n");
        for (final IdleResult run : idle) {
            final List<String> lone = new ArrayList<>();
            for (final long ns : run.loneLatencyNs()) {
                lone.add(ns < 0 ? "LOST" : us(ns));
            }
            md.append("| idle | ").append(run.repetition()).append(" | ").append(run.position())
                .append(" | ").append(run.kind().label)
                .append(String.format(Locale.ROOT, " | %.4f: %s | %.4f: %s", run.noConnection().cores() * 100,
                    run.noConnection().topPercent(3), run.silentSender().cores() * 100,
                    run.silentSender().topPercent(3)))
                .append(" | ").append(String.join(", ", lone))
                .append(" | ").append(run.exitValue()).append(" |\n");
        }
        return md.toString();
    }
}
