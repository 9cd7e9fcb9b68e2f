package io.mcastrelay.loadtest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * The summary at the top of {@code results.md}: per scenario and forwarder, capacity, CPU and latency, each the
 * median over the scenario's repetitions with the min..max spread, and each as a ratio to the reference forwarder
 * (the yardstick, or the baseline when no yardstick ran; no ratio when neither did). A ratio is taken within each
 * repetition, between runs made side by side, and then its median is shown. Then the idle scenario's rows.
 * Stateless.
 */
final class SummaryTable {
    private SummaryTable() {
    }

    /**
     * Both tables, as Markdown.
     *
     * @param results every load run.
     * @param idle    every idle run.
     * @return the tables (empty if there is nothing to show).
     */
    static String markdown(final List<RunResult> results, final List<IdleResult> idle) {
        final Forwarder.Kind reference = reference(results, idle);
        final StringBuilder md = new StringBuilder();
        if (!results.isEmpty()) {
            md.append(loadTable(results, reference));
        }
        if (!idle.isEmpty()) {
            md.append(md.length() == 0 ? "" : "\n").append(idleTable(idle, reference));
        }
        return md.toString();
    }

    /** @return the yardstick if it ran, else the baseline if it ran, else null. */
    static Forwarder.Kind reference(final List<RunResult> results, final List<IdleResult> idle) {
        for (final Forwarder.Kind kind : List.of(Forwarder.Kind.YARDSTICK, Forwarder.Kind.BASELINE)) {
            if (results.stream().anyMatch(r -> r.kind() == kind) || idle.stream().anyMatch(r -> r.kind() == kind)) {
                return kind;
            }
        }
        return null;
    }

    private static String loadTable(final List<RunResult> results, final Forwarder.Kind reference) {
        final String x = "x " + (reference == null ? Forwarder.Kind.YARDSTICK : reference).label;
        final StringBuilder md = new StringBuilder();
        md.append("| scenario | forwarder | runs | frames/s | ").append(x)
            .append(" (capacity) | CPU cores | CPU us/frame | ")
            .append(x).append(" | p50 us | ").append(x).append(" | p99 us | ").append(x).append(" |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        final Map<String, List<RunResult>> byScenario = new LinkedHashMap<>();
        results.forEach(r -> byScenario.computeIfAbsent(r.scenario().name(), name -> new ArrayList<>()).add(r));
        for (final List<RunResult> runs : byScenario.values()) {
            final Map<Forwarder.Kind, List<RunResult>> byKind = new TreeMap<>();
            runs.forEach(r -> byKind.computeIfAbsent(r.kind(), kind -> new ArrayList<>()).add(r));
            final Map<Integer, RunResult> ref = new TreeMap<>();
            if (reference != null) {
                byKind.getOrDefault(reference, List.of()).forEach(r -> ref.put(r.repetition(), r));
            }
            final boolean max = !runs.get(0).scenario().rate().scheduled();
            for (final Map.Entry<Forwarder.Kind, List<RunResult>> entry : byKind.entrySet()) {
                final List<RunResult> kindRuns = entry.getValue();
                final boolean isRef = reference == null || entry.getKey() == reference;
                final List<RunResult> timed = kindRuns.stream().filter(RunResult::hasLatency).toList();
                md.append("| ").append(runs.get(0).scenario().name()).append(" | ").append(entry.getKey().label)
                    .append(" | ").append(kindRuns.size())
                    .append(" | ").append(cell(values(kindRuns, RunResult::acceptedPerSecond), Report::count))
                    .append(" | ").append(max && !isRef ? ratios(kindRuns, ref, RunResult::acceptedPerSecond) : "")
                    .append(" | ").append(cell(values(kindRuns, r -> r.cpu().cores()), SummaryTable::twoDecimals))
                    .append(" | ")
                    .append(cell(values(kindRuns, RunResult::cpuMicrosPerFrame), SummaryTable::twoDecimals))
                    .append(" | ").append(isRef ? "" : ratios(kindRuns, ref, RunResult::cpuMicrosPerFrame));
                if (timed.isEmpty()) {
                    md.append(runs.get(0).scenario().subscribers() == 0 ? " | no subscriber | | | |\n"
                        : " | saturated | | | |\n");
                    continue;
                }
                md.append(" | ").append(cell(values(timed, r -> p(r, 50)), SummaryTable::micros))
                    .append(timed.size() < kindRuns.size() ? " (" + (kindRuns.size() - timed.size()) + " saturated)"
                        : "")
                    .append(" | ").append(isRef ? "" : ratios(timed, ref, r -> p(r, 50)))
                    .append(" | ").append(cell(values(timed, r -> p(r, 99)), SummaryTable::micros))
                    .append(" | ").append(isRef ? "" : ratios(timed, ref, r -> p(r, 99))).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String idleTable(final List<IdleResult> idle, final Forwarder.Kind reference) {
        final String x = "x " + (reference == null ? Forwarder.Kind.YARDSTICK : reference).label;
        final StringBuilder md = new StringBuilder();
        md.append("| idle | forwarder | runs | CPU, no connection (% of a core) | CPU, silent sender connected"
            + " (% of a core) | ").append(x).append(" | lone-frame latency, max us | ").append(x)
            .append(" | each lone frame us |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
        final Map<Forwarder.Kind, List<IdleResult>> byKind = new TreeMap<>();
        idle.forEach(r -> byKind.computeIfAbsent(r.kind(), kind -> new ArrayList<>()).add(r));
        final Map<Integer, IdleResult> ref = new TreeMap<>();
        if (reference != null) {
            byKind.getOrDefault(reference, List.of()).forEach(r -> ref.put(r.repetition(), r));
        }
        for (final Map.Entry<Forwarder.Kind, List<IdleResult>> entry : byKind.entrySet()) {
            final List<IdleResult> runs = entry.getValue();
            final boolean isRef = reference == null || entry.getKey() == reference;
            final List<String> each = new ArrayList<>();
            for (final IdleResult run : runs) {
                final List<String> frames = new ArrayList<>();
                for (final long ns : run.loneLatencyNs()) {
                    frames.add(ns < 0 ? "LOST" : String.format(Locale.ROOT, "%.0f", ns / 1e3));
                }
                each.add((runs.size() > 1 ? "r" + run.repetition() + ": " : "") + String.join(", ", frames));
            }
            final long worst = runs.stream().mapToLong(IdleResult::maxLoneLatencyNs)
                .reduce(0, (a, b) -> a < 0 || b < 0 ? -1 : Math.max(a, b));
            md.append("| idle | ").append(entry.getKey().label).append(" | ").append(runs.size())
                .append(" | ").append(cell(values(runs, r -> r.noConnection().cores() * 100), SummaryTable::percent))
                .append(" | ").append(cell(values(runs, r -> r.silentSender().cores() * 100), SummaryTable::percent))
                .append(" | ").append(isRef ? "" : ratios(runs, ref, r -> r.silentSender().cores()))
                .append(" | ").append(worst < 0 ? "LOST" : micros(worst / 1e3))
                .append(" | ").append(isRef ? "" : ratios(runs, ref, r -> r.maxLoneLatencyNs() < 0 ? Double.NaN
                    : r.maxLoneLatencyNs()))
                .append(" | ").append(String.join("; ", each)).append(" |\n");
        }
        return md.toString();
    }

    private static double p(final RunResult run, final double percentile) {
        return run.corrected().getValueAtPercentile(percentile) / 1e3;
    }

    private static <T> List<Double> values(final Collection<T> runs, final ToDoubleFunction<T> value) {
        return runs.stream().map(value::applyAsDouble).filter(v -> !Double.isNaN(v)).toList();
    }

    /** The median, per repetition, of a run's value divided by the reference's in the same repetition. */
    private static <T> String ratios(
        final List<T> runs, final Map<Integer, T> reference, final ToDoubleFunction<T> value) {
        final List<Double> ratios = new ArrayList<>();
        for (final T run : runs) {
            final T ref = reference.get(repetition(run));
            if (ref != null) {
                final double denominator = value.applyAsDouble(ref);
                final double numerator = value.applyAsDouble(run);
                if (denominator > 0 && !Double.isNaN(numerator) && !Double.isNaN(denominator)) {
                    ratios.add(numerator / denominator);
                }
            }
        }
        return ratios.isEmpty() ? "n/a" : cell(ratios, SummaryTable::ratio);
    }

    private static int repetition(final Object run) {
        return run instanceof RunResult r ? r.repetition() : ((IdleResult)Objects.requireNonNull(run)).repetition();
    }

    /**
     * The median, and the min..max spread when there is more than one value.
     *
     * @param values the values (NaN left out already).
     * @param format how to print one.
     * @return {@code 12.3 (11.8..13.0)}, {@code 12.3} when all print the same, or empty.
     */
    static String cell(final List<Double> values, final DoubleFunction<String> format) {
        if (values.isEmpty()) {
            return "";
        }
        final List<Double> sorted = values.stream().sorted().toList();
        final String median = format.apply(median(sorted));
        final String min = format.apply(sorted.get(0));
        final String max = format.apply(sorted.get(sorted.size() - 1));
        return min.equals(max) ? median : median + " (" + min + ".." + max + ")";
    }

    /**
     * The median of sorted values: the middle one, or the mean of the two middle ones.
     *
     * @param sorted at least one value, ascending.
     * @return the median.
     */
    static double median(final List<Double> sorted) {
        final int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String twoDecimals(final double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Microseconds: one decimal below 1 ms, none above. */
    private static String micros(final double value) {
        return String.format(Locale.ROOT, value >= 1000 ? "%.0f" : "%.1f", value);
    }

    private static String percent(final double value) {
        return String.format(Locale.ROOT, value >= 1 ? "%.2f" : "%.4f", value);
    }

    private static String ratio(final double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
    }
}
