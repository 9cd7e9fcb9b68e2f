package io.mcastrelay.loadtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU a process used over a window of wall-clock time, in all and per thread (see {@link ProcessCpu}).
 * Immutable.
 *
 * @param windowNs       wall-clock length of the window.
 * @param processNs      CPU time (user and system) of all its threads in the window, from their schedstat.
 * @param processTicksNs the same from {@code /proc/PID/stat} utime + stime (10 ms ticks, ended threads included): a
 *                       cross-check, coarse but independent.
 * @param threads        each thread's CPU time in the window, most first.
 */
record CpuUsage(long windowNs, long processNs, long processTicksNs, List<ThreadCpu> threads) {
    /** Nothing measured. */
    static final CpuUsage NONE = new CpuUsage(0, 0, 0, List.of());

    /**
     * One thread's share.
     *
     * @param tid   its Linux thread id.
     * @param name  its name (the JVM's full name where known, else {@code /proc/PID/task/TID/comm}).
     * @param cpuNs CPU time in the window.
     */
    record ThreadCpu(int tid, String name, long cpuNs) {
    }

    CpuUsage {
        threads = threads.stream().sorted(Comparator.comparingLong(ThreadCpu::cpuNs).reversed()).toList();
    }

    /** @return cores used on average: CPU seconds per wall-clock second. */
    double cores() {
        return windowNs <= 0 ? 0 : (double)processNs / windowNs;
    }

    /**
     * CPU per frame.
     *
     * @param frames frames the forwarder handled in the window.
     * @return microseconds of CPU per frame, NaN if there was no frame or no measurement.
     */
    double microsPerFrame(final long frames) {
        return frames <= 0 || windowNs <= 0 ? Double.NaN : processNs / 1e3 / frames;
    }

    /**
     * The busiest threads, as {@code relay-ingress-f0-2-1 0.62, relay-egress 0.40}: cores each.
     *
     * @param count    at most this many.
     * @param minCores leave out threads below this.
     * @return the list, empty if none qualifies.
     */
    String top(final int count, final double minCores) {
        return top(count, minCores, 1, "%s %.2f");
    }

    /**
     * The busiest threads of an idle process, as {@code relay-egress 0.512}: % of one core each.
     *
     * @param count at most this many.
     * @return the list, or "no thread ran".
     */
    String topPercent(final int count) {
        final String top = top(count, 1e-7, 100, "%s %.3f");
        return top.isEmpty() ? "no thread ran" : top;
    }

    private String top(final int count, final double minCores, final double scale, final String format) {
        final List<String> parts = new ArrayList<>();
        for (final ThreadCpu thread : threads) {
            final double cores = windowNs <= 0 ? 0 : (double)thread.cpuNs() / windowNs;
            if (parts.size() == count || cores < minCores) {
                break;
            }
            parts.add(String.format(Locale.ROOT, format, thread.name(), cores * scale));
        }
        return String.join(", ", parts);
    }

    /**
     * Renames threads, for example with the JVM's full names ({@code comm} keeps 15 characters).
     *
     * @param names thread id to name; threads not in it keep theirs.
     * @return the renamed usage.
     */
    CpuUsage named(final Map<Integer, String> names) {
        return new CpuUsage(windowNs, processNs, processTicksNs, threads.stream()
            .map(t -> new ThreadCpu(t.tid(), names.getOrDefault(t.tid(), t.name()), t.cpuNs())).toList());
    }

    /**
     * Adds another window of the same process: CPU and wall-clock time add up, thread by thread.
     *
     * @param other the other window.
     * @return both together.
     */
    CpuUsage plus(final CpuUsage other) {
        final Map<Integer, ThreadCpu> merged = new HashMap<>();
        for (final ThreadCpu thread : threads) {
            merged.put(thread.tid(), thread);
        }
        for (final ThreadCpu thread : other.threads()) {
            merged.merge(thread.tid(), thread, (a, b) -> new ThreadCpu(a.tid(), a.name(), a.cpuNs() + b.cpuNs()));
        }
        return new CpuUsage(windowNs + other.windowNs(), processNs + other.processNs(),
            processTicksNs + other.processTicksNs(), new ArrayList<>(merged.values()));
    }
}
