package io.mcastrelay.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The heap of another JVM as {@code jstat -gc} reads it from the JVM's perf-data file, without running anything in
 * that JVM: used bytes, eden used, and the young and full collection counts.
 *
 * @param heapUsedBytes survivors + eden + old in use.
 * @param edenUsedBytes eden in use.
 * @param youngGcs      young collections so far.
 * @param fullGcs       full collections so far.
 * @param heapCapacityBytes committed heap.
 */
record HeapSnapshot(long heapUsedBytes, long edenUsedBytes, long youngGcs, long fullGcs, long heapCapacityBytes) {

    static HeapSnapshot take(final String java, final long pid) {
        final Path jstat = Path.of(java).resolveSibling("jstat");
        try {
            final Process process = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid))
                .redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            final String[] lines = output.trim().split("\n");
            final String[] names = lines[0].trim().split("\\s+");
            final String[] values = lines[lines.length - 1].trim().split("\\s+");
            double s0 = 0;
            double s1 = 0;
            double eden = 0;
            double old = 0;
            double capacity = 0;
            long young = 0;
            long full = 0;
            for (int i = 0; i < names.length && i < values.length; i++) {
                final double value = Double.parseDouble(values[i]);
                switch (names[i]) {
                    case "S0U" -> s0 = value;
                    case "S1U" -> s1 = value;
                    case "EU" -> eden = value;
                    case "OU" -> old = value;
                    case "S0C", "S1C", "EC", "OC" -> capacity += value;
                    case "YGC" -> young = (long)value;
                    case "FGC" -> full = (long)value;
                    default -> {
                    }
                }
            }
            return new HeapSnapshot((long)((s0 + s1 + eden + old) * 1024), (long)(eden * 1024), young, full,
                (long)(capacity * 1024));
        } catch (final IOException | RuntimeException ex) {
            return null;
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Two snapshots around the measurement window.
     *
     * @param start at the window's start.
     * @param end   at its end.
     */
    record Delta(HeapSnapshot start, HeapSnapshot end) {
        /** @return bytes allocated in the window if no collection ran in it (eden only grows), else -1. */
        long allocatedBytes() {
            return start.youngGcs() == end.youngGcs() && start.fullGcs() == end.fullGcs()
                ? end.edenUsedBytes() - start.edenUsedBytes() : -1;
        }
    }
}
