package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SummaryTableTest {
    private static final Scenario MAX = Scenario.of("100B-max", "100", "max", 1, 1, Scenario.DEFAULT_FORWARDERS);
    private static final Scenario FIXED = Scenario.of("100B-100k", "100", "100k", 1, 1, Scenario.DEFAULT_FORWARDERS);

    @Test
    void shouldTakeTheMedianOfPerRepetitionRatiosToTheYardstickWithTheirSpread() {
        final List<RunResult> results = new ArrayList<>();
        // the machine slows down in repetition 3, for every forwarder alike: the ratios stay put
        final double[] speed = {1.0, 1.0, 0.5};
        for (int rep = 1; rep <= 3; rep++) {
            final double s = speed[rep - 1];
            results.add(run(MAX, Forwarder.Kind.YARDSTICK, rep, 1_000_000 * s, 1.0 / s, 100_000));
            results.add(run(MAX, Forwarder.Kind.BASELINE, rep, 800_000 * s, 2.0 / s, 200_000));
            results.add(run(MAX, Forwarder.Kind.RELAY, rep, 400_000 * s, (rep == 2 ? 5.0 : 4.0) / s, 400_000));
        }

        final String md = SummaryTable.markdown(results, List.of());

        final String relay = row(md, "| 100B-max | relay |");
        assertThat(relay).contains("| 3 | 400.0k (200.0k..400.0k) | 0.40 |");
        assertThat(relay).as("CPU us/frame median and spread, then the median of the per-repetition ratios")
            .contains("| 5.00 (4.00..8.00) | 4.00 (4.00..5.00) |");
        assertThat(relay).as("p50 400 us (as HdrHistogram rounds it), 4 x the yardstick's")
            .contains("| 400.1 | 4.00 |");
        assertThat(row(md, "| 100B-max | baseline |")).contains("| 0.80 |").contains("| 2.00 |");
        assertThat(row(md, "| 100B-max | yardstick |")).startsWith(
            "| 100B-max | yardstick | 3 | 1.00M (500.0k..1.00M) |  |");
    }

    @Test
    void shouldGiveNoCapacityRatioAtAFixedRateButStillCpuAndLatencyRatios() {
        final List<RunResult> results = List.of(run(FIXED, Forwarder.Kind.YARDSTICK, 1, 100_000, 1.5, 20_000),
            run(FIXED, Forwarder.Kind.RELAY, 1, 100_000, 6.0, 60_000));

        final String relay = row(SummaryTable.markdown(results, List.of()), "| 100B-100k | relay |");

        assertThat(relay).startsWith("| 100B-100k | relay | 1 | 100.0k |  |");
        assertThat(relay).contains("| 6.00 | 4.00 |").contains("| 60.0 | 3.00 |");
    }

    @Test
    void shouldShowIdleCpuAsAShareOfOneCoreAndEveryLoneFrame() {
        final List<IdleResult> idle = List.of(
            idle(Forwarder.Kind.YARDSTICK, 10_000, 20_000, new long[] {40_000, 30_000, 30_000}),
            idle(Forwarder.Kind.RELAY, 50_000_000, 60_000_000, new long[] {900_000, 120_000, -1}));

        final String md = SummaryTable.markdown(List.of(), idle);

        assertThat(row(md, "| idle | relay |")).isEqualTo(
            "| idle | relay | 1 | 1.67 | 2.00 | 3000 | LOST | n/a | 900, 120, LOST |");
        assertThat(row(md, "| idle | yardstick |")).isEqualTo(
            "| idle | yardstick | 1 | 0.0003 | 0.0007 |  | 40.0 |  | 40, 30, 30 |");
    }

    @Test
    void shouldSummariseRunsWithNoReferenceForwarderAsTheSteadySetHas() {
        final Scenario steady = Scenario.of("steady", "mix", "200k", 1, 1, List.of(Forwarder.Kind.RELAY));
        final List<RunResult> results = List.of(run(steady, Forwarder.Kind.RELAY, 1, 200_000, 5.0, 50_000));
        final List<IdleResult> idle =
            List.of(idle(Forwarder.Kind.RELAY, 30_000_000, 30_000_000, new long[] {1_000, 2_000, 3_000}));

        final String md = SummaryTable.markdown(results, idle);

        assertThat(row(md, "| steady | relay |")).isEqualTo(
            "| steady | relay | 1 | 200.0k |  | 1.00 | 5.00 |  | 50.0 |  | 50.0 |  |");
        assertThat(row(md, "| idle | relay |")).isEqualTo("| idle | relay | 1 | 1.00 | 1.00 |  | 3.0 |  | 1, 2, 3 |");
        assertThat(Report.markdown(results, idle, List.of("- machine")))
            .contains("| steady | 1 | 1 | relay | 200.0k |");
    }

    @Test
    void shouldTakeTheMiddleOrTheMeanOfTheTwoMiddleValues() {
        assertThat(SummaryTable.median(List.of(1.0, 3.0, 9.0))).isEqualTo(3.0);
        assertThat(SummaryTable.median(List.of(1.0, 3.0, 5.0, 9.0))).isEqualTo(4.0);
        assertThat(SummaryTable.cell(List.of(9.0, 1.0, 3.0), v -> String.format("%.0f", v))).isEqualTo("3 (1..9)");
        assertThat(SummaryTable.cell(List.of(), v -> "x")).isEmpty();
    }

    private static String row(final String md, final String start) {
        return md.lines().filter(line -> line.startsWith(start)).findFirst().orElseThrow(
            () -> new AssertionError("no row " + start + " in\n" + md));
    }

    static RunResult run(
        final Scenario scenario, final Forwarder.Kind kind, final int repetition, final double perSecond,
        final double microsPerFrame, final long latencyNs) {
        final Histogram latency = LoadReceiver.newHistogram();
        latency.recordValueWithCount(latencyNs, 100);
        final long windowNs = 6_000_000_000L;
        final long frames = Math.round(perSecond * 6);
        final long cpuNs = Math.round(microsPerFrame * 1e3 * frames);
        final CpuUsage cpu = new CpuUsage(windowNs, cpuNs, cpuNs, List.of(new CpuUsage.ThreadCpu(1, "t", cpuNs)));
        return new RunResult(scenario, kind, repetition, 1, frames, frames, perSecond, perSecond, 0, 0,
            new ForwarderCounters(frames, frames, 0, 0, 0), latency, latency, latency, new GcLog.Pauses(List.of(), 0),
            0, 0, null, 0, windowNs, 0, cpu, CpuUsage.NONE);
    }

    private static IdleResult idle(
        final Forwarder.Kind kind, final long aloneNs, final long silentNs, final long[] loneNs) {
        final long windowNs = 3_000_000_000L;
        return new IdleResult(kind, 1, 1, new CpuUsage(windowNs, aloneNs, 0, List.of()),
            new CpuUsage(windowNs, silentNs, 0, List.of()), loneNs, 0);
    }
}
