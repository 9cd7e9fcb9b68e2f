package io.mcastrelay.loadtest;

import java.util.Locale;

/**
 * The paragraphs under {@code results.md}'s tables: a run's forwarder heap at the window's edges (steady state) and
 * each GC pause inside its window. Stateless.
 */
final class GcDetails {
    private GcDetails() {
    }

    static String of(final RunResult run) {
        final StringBuilder md = new StringBuilder();
        final String name = run.scenario().name() + (run.repetition() > 1 ? " r" + run.repetition() : "") + " "
            + run.kind().label;
        if (run.heap() != null) {
            final HeapSnapshot start = run.heap().start();
            final HeapSnapshot end = run.heap().end();
            final long allocated = run.heap().allocatedBytes();
            md.append(String.format(Locale.ROOT, "%n%s, heap (jstat -gc at the window's start and end): in use"
                    + " %.1f MB -> %.1f MB of %.0f MB committed; young collections %d -> %d, full %d -> %d; ",
                name, start.heapUsedBytes() / 1e6, end.heapUsedBytes() / 1e6,
                end.heapCapacityBytes() / 1e6, start.youngGcs(), end.youngGcs(), start.fullGcs(), end.fullGcs()));
            final double frames = run.acceptedPerSecond();
            md.append(allocated < 0 ? "a collection ran in the window, so eden's growth does not measure allocation."
                : String.format(Locale.ROOT, "eden grew %.2f MB in the window: everything the JVM allocated"
                    + " (Spring, Micrometer, the driver included), %.2f bytes per frame relayed.",
                allocated / 1e6, frames == 0 ? 0 : allocated / (frames * run.durationSeconds())));
            md.append('\n');
        }
        if (!run.gc().inWindow().isEmpty()) {
            md.append(String.format(Locale.ROOT, "%n%s, GC pauses in the window:%n", name));
            for (final GcLog.Pause pause : run.gc().inWindow()) {
                md.append(String.format(Locale.ROOT, "- %s %d M -> %d M (%d M) %.3f ms%n", pause.what(),
                    pause.heapBeforeMb(), pause.heapAfterMb(), pause.heapCommittedMb(), pause.pauseMs()));
            }
        }
        return md.toString();
    }
}
