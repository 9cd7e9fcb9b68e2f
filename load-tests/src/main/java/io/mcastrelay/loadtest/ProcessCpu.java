package io.mcastrelay.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a process's CPU time from procfs, without running anything in it: per thread the first field of
 * {@code /proc/PID/task/TID/schedstat} (nanoseconds on a CPU, user and system), named by
 * {@code /proc/PID/task/TID/comm}; for the whole process {@code utime + stime} of {@code /proc/PID/stat} (clock ticks,
 * threads that ended included), kept as a cross-check. On a kernel without schedstat each thread's
 * {@code utime + stime} (ticks) stands in.
 *
 * <p>A {@link Window} opens with a snapshot of every thread and closes with another. Sampled in between (once a
 * second, say), it also counts a thread that ends inside the window, up to its last sample; a thread that starts
 * inside it counts from zero. The control thread only.
 */
final class ProcessCpu {
    /** USER_HZ: the unit of utime and stime, 100 on every Linux this runs on. */
    static final long TICK_NS = 10_000_000L;

    private ProcessCpu() {
    }

    /**
     * Opens a window on a process.
     *
     * @param pid the process.
     * @return the open window.
     */
    static Window open(final long pid) {
        return new Window(pid);
    }

    /** A measurement window over one process; see the class comment. */
    static final class Window {
        private final long pid;
        private final long startNs = System.nanoTime();
        private final long startTicks;
        private final Map<Integer, Long> startCpuNs = new HashMap<>();
        private final Map<Integer, Long> lastCpuNs = new HashMap<>();
        private final Map<Integer, String> names = new HashMap<>();

        private Window(final long pid) {
            this.pid = pid;
            this.startTicks = processTicks(pid);
            readThreads(pid, startCpuNs, names);
            lastCpuNs.putAll(startCpuNs);
        }

        /** Reads every thread again, so that one ending before {@link #close()} still counts. */
        void sample() {
            readThreads(pid, lastCpuNs, names);
        }

        /**
         * Closes the window with a last snapshot.
         *
         * @return the CPU used in it.
         */
        CpuUsage close() {
            sample();
            final long windowNs = System.nanoTime() - startNs;
            final long endTicks = processTicks(pid);
            final Set<Integer> tids = new HashSet<>(lastCpuNs.keySet());
            tids.addAll(startCpuNs.keySet());
            final List<CpuUsage.ThreadCpu> threads = new ArrayList<>();
            long processNs = 0;
            for (final int tid : tids) {
                final long cpuNs = Math.max(0, lastCpuNs.getOrDefault(tid, 0L) - startCpuNs.getOrDefault(tid, 0L));
                processNs += cpuNs;
                threads.add(new CpuUsage.ThreadCpu(tid, names.getOrDefault(tid, "?"), cpuNs));
            }
            final long ticksNs = startTicks < 0 || endTicks < 0 ? -1 : (endTicks - startTicks) * TICK_NS;
            return new CpuUsage(windowNs, processNs, ticksNs, threads);
        }
    }

    /** Puts each live thread's CPU ns and name into the maps; a thread that ends while being read is left out. */
    private static void readThreads(final long pid, final Map<Integer, Long> cpuNs, final Map<Integer, String> names) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (final Path task : tasks) {
                final int tid = Integer.parseInt(task.getFileName().toString());
                try {
                    final long ns = threadCpuNs(task);
                    names.computeIfAbsent(tid, key -> readQuietly(task.resolve("comm")));
                    cpuNs.put(tid, ns);
                } catch (final IOException | RuntimeException ex) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (final IOException ex) {
            // the process has ended: what the last read saw stands
        }
    }

    private static long threadCpuNs(final Path task) throws IOException {
        final Path schedstat = task.resolve("schedstat");
        if (Files.exists(schedstat)) {
            return Long.parseLong(read(schedstat).split(" ")[0]);
        }
        return ticks(read(task.resolve("stat"))) * TICK_NS;
    }

    /** @return utime + stime of the whole process in ticks, -1 if it cannot be read. */
    static long processTicks(final long pid) {
        try {
            return ticks(read(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (final IOException | RuntimeException ex) {
            return -1;
        }
    }

    /** Fields 14 and 15 of a stat line; the name (field 2) may hold spaces and parentheses, so count from its end. */
    private static long ticks(final String stat) {
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String readQuietly(final Path file) {
        try {
            return read(file);
        } catch (final IOException ex) {
            return "?";
        }
    }

    /** Reads a procfs file whole: procfs reports a size of 0, which Files.readString trusts. */
    static String read(final Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
