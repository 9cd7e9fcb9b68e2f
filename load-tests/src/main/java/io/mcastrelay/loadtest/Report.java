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

import org.HdrHistogram.Histogram;

/**
 * Writes a run's results: {@code results.md} (the table of every scenario and forwarder, each relay figure also as a
 * ratio to the baseline's), one HdrHistogram percentile file per scenario and forwarder, and one PNG latency plot per
 * scenario. Called from the control thread.
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
        return String.format(Locale.ROOT, nanos >= 10_000_000 ? "%.0f" : "%.1f", nanos / 1e3);
    }

    private static String ratio(final double value, final double baseline) {
        return baseline <= 0 ? "" : String.format(Locale.ROOT, "%.2f", value / baseline);
    }

    /**
     * Writes everything.
     *
     * @param dir         the results directory.
     * @param results     every run, scenario by scenario, the baseline first in each.
     * @param environment the machine and command lines, as Markdown lines.
     * @throws IOException if a file cannot be written.
     */
    static void write(final Path dir, final List<RunResult> results, final List<String> environment)
        throws IOException {
        Files.createDirectories(dir);
        final Map<String, List<RunResult>> byScenario = new LinkedHashMap<>();
        for (final RunResult result : results) {
            byScenario.computeIfAbsent(result.scenario().name(), name -> new ArrayList<>()).add(result);
            final Path hgrm = dir.resolve(result.scenario().name() + "-" + result.kind().fileName() + ".hgrm");
            try (PrintStream out = new PrintStream(Files.newOutputStream(hgrm), true, StandardCharsets.UTF_8)) {
                out.println("# " + result.scenario().name() + " " + result.kind().label + ": one-way latency in"
                    + " microseconds, " + (result.scenario().rate().scheduled() ? "from each frame's scheduled"
                    + " send time (corrected for coordinated omission)" : "from the time each frame was written"));
                result.corrected().outputPercentileDistribution(out, 5, 1000.0);
            }
        }
        for (final List<RunResult> runs : byScenario.values()) {
            PercentilePlot.write(dir.resolve(runs.get(0).scenario().name() + ".png"), runs);
        }
        Files.writeString(dir.resolve("results.md"), markdown(byScenario, environment), StandardCharsets.UTF_8);
    }

    static String markdown(final Map<String, List<RunResult>> byScenario, final List<String> environment) {
        final StringBuilder md = new StringBuilder();
        md.append("# Load-test results\n\n");
        environment.forEach(line -> md.append(line).append('\n'));
        md.append("\nLatency in microseconds, one way, all subscribers merged; at fixed rates from each frame's"
            + " scheduled send time (coordinated omission corrected), at max from the time it was written."
            + " \"saturated\": the forwarder took less than the offered rate, so no frame due in the window"
            + " was sent in it (latency from the schedule grows without bound). Columns are explained in"
            + " load-tests/README.md.\n\n");
        md.append(summaryTable(byScenario)).append("\n");
        md.append(detailTable(byScenario));
        for (final List<RunResult> runs : byScenario.values()) {
            for (final RunResult run : runs) {
                md.append(gcAndHeap(run));
            }
        }
        return md.toString();
    }

    static String summaryTable(final Map<String, List<RunResult>> byScenario) {
        final StringBuilder md = new StringBuilder();
        md.append("| scenario | forwarder | frames/s | x baseline | lost in forwarder | lost at subscribers "
            + "| p50 us | p90 us | p99 us | p99.9 us | max us | p99 x baseline | added p50 / p99 us |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (final List<RunResult> runs : byScenario.values()) {
            final RunResult baseline = runs.get(0).kind() == Forwarder.Kind.BASELINE ? runs.get(0) : null;
            for (final RunResult run : runs) {
                final Histogram h = run.corrected();
                md.append("| ").append(run.scenario().name()).append(" | ").append(run.kind().label)
                    .append(" | ").append(count(run.acceptedPerSecond()))
                    .append(" | ").append(baseline == null || run == baseline ? ""
                        : ratio(run.acceptedPerSecond(), baseline.acceptedPerSecond()))
                    .append(" | ").append(run.lostInForwarder())
                    .append(" | ").append(String.format(Locale.ROOT, "%d (%.3f%%)", run.lostAtSubscribers(),
                        run.subscriberLossRatio() * 100));
                if (h.getTotalCount() == 0) {
                    md.append(run.scenario().subscribers() == 0 ? " | no subscriber" : " | saturated")
                        .append(" | | | | | | |\n");
                    continue;
                }
                for (final double percentile : PERCENTILES) {
                    md.append(" | ").append(us(h.getValueAtPercentile(percentile)));
                }
                if (baseline == null || run == baseline || baseline.corrected().getTotalCount() == 0) {
                    md.append(" | | |\n");
                } else {
                    final Histogram b = baseline.corrected();
                    md.append(" | ").append(ratio(h.getValueAtPercentile(99), b.getValueAtPercentile(99)))
                        .append(" | ").append(us(h.getValueAtPercentile(50) - b.getValueAtPercentile(50)))
                        .append(" / ").append(us(h.getValueAtPercentile(99) - b.getValueAtPercentile(99)))
                        .append(" |\n");
                }
            }
        }
        return md.toString();
    }

    static String gcAndHeap(final RunResult run) {
        final StringBuilder md = new StringBuilder();
        if (run.heap() != null) {
            final HeapSnapshot start = run.heap().start();
            final HeapSnapshot end = run.heap().end();
            final long allocated = run.heap().allocatedBytes();
            md.append(String.format(Locale.ROOT, "%n%s %s, heap (jstat -gc at the window's start and end): in use"
                    + " %.1f MB -> %.1f MB of %.0f MB committed; young collections %d -> %d, full %d -> %d; ",
                run.scenario().name(), run.kind().label, start.heapUsedBytes() / 1e6, end.heapUsedBytes() / 1e6,
                end.heapCapacityBytes() / 1e6, start.youngGcs(), end.youngGcs(), start.fullGcs(), end.fullGcs()));
            final double frames = run.acceptedPerSecond();
            md.append(allocated < 0 ? "a collection ran in the window, so eden's growth does not measure allocation."
                : String.format(Locale.ROOT, "eden grew %.2f MB in the window: everything the JVM allocated"
                    + " (Spring, Micrometer, the driver included), %.2f bytes per frame relayed.",
                allocated / 1e6, frames == 0 ? 0 : allocated / (frames * run.durationSeconds())));
            md.append('\n');
        }
        if (!run.gc().inWindow().isEmpty()) {
            md.append(String.format(Locale.ROOT, "%n%s %s, GC pauses in the window:%n", run.scenario().name(),
                run.kind().label));
            for (final GcLog.Pause pause : run.gc().inWindow()) {
                md.append(String.format(Locale.ROOT, "- %s %d M -> %d M (%d M) %.3f ms%n", pause.what(),
                    pause.heapBeforeMb(), pause.heapAfterMb(), pause.heapCommittedMb(), pause.pauseMs()));
            }
        }
        return md.toString();
    }

    static String detailTable(final Map<String, List<RunResult>> byScenario) {
        final StringBuilder md = new StringBuilder();
        md.append("| scenario | forwarder | delivered/s per subscriber | raw p50 / p99 us | generator late p99 us "
            + "| forwarder in / out / errors | back-pressure episodes | send buffer full | UDP RcvbufErrors "
            + "| GC pauses in window: forwarder (max ms); load driver | exit |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (final List<RunResult> runs : byScenario.values()) {
            for (final RunResult run : runs) {
                final ForwarderCounters c = run.counters();
                md.append("| ").append(run.scenario().name()).append(" | ").append(run.kind().label)
                    .append(" | ").append(count(run.deliveredPerSecond()))
                    .append(" | ").append(run.raw().getTotalCount() == 0 ? "" : us(run.raw().getValueAtPercentile(50))
                        + " / " + us(run.raw().getValueAtPercentile(99)))
                    .append(" | ").append(run.scenario().rate().scheduled()
                        ? us(run.lateness().getValueAtPercentile(99)) : "")
                    .append(" | ").append(c.framesIn()).append(" / ").append(c.datagramsOut()).append(" / ")
                    .append(c.errors())
                    .append(" | ").append(run.kind() == Forwarder.Kind.BASELINE ? "" : c.backPressureEpisods())
                    .append(" | ").append(run.kind() == Forwarder.Kind.BASELINE ? "" : c.sendBufferFull())
                    .append(" | ").append(run.udpReceiveBufferErrors())
                    .append(" | ").append(run.gc().inWindow().size())
                    .append(String.format(Locale.ROOT, " (%.1f); load driver %d", run.gc().maxMs(),
                        run.driverGcsInWindow()))
                    .append(" | ").append(run.exitValue()).append(" |\n");
            }
        }
        return md.toString();
    }
}
