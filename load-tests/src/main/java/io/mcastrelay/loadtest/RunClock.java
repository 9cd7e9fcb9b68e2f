package io.mcastrelay.loadtest;

import java.util.concurrent.locks.LockSupport;

/**
 * The one clock of a run, shared by its generators and receivers in one JVM: monotonic time since a common start,
 * and the epoch nanoseconds stamped into payloads (the start's wall clock plus monotonic time, so stamps and
 * receive times compare exactly). Frames due in {@code [warmup, warmup + duration)} after the start are measured.
 * Immutable; any thread.
 */
final class RunClock {
    private final long startMonoNs;
    private final long startEpochNs;
    private final long warmupNs;
    private final long durationNs;

    RunClock(final long startDelayNs, final long warmupNs, final long durationNs) {
        final long nowMono = System.nanoTime();
        final long nowEpoch = System.currentTimeMillis() * 1_000_000L;
        this.startMonoNs = nowMono + startDelayNs;
        this.startEpochNs = nowEpoch + startDelayNs;
        this.warmupNs = warmupNs;
        this.durationNs = durationNs;
    }

    void awaitStart() {
        for (long left = startMonoNs - System.nanoTime(); left > 0; left = startMonoNs - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    long elapsedNs() {
        return System.nanoTime() - startMonoNs;
    }

    long epochNanos() {
        return startEpochNs + (System.nanoTime() - startMonoNs);
    }

    long toEpochNanos(final long elapsedNs) {
        return startEpochNs + elapsedNs;
    }

    long toElapsedNs(final long epochNanos) {
        return epochNanos - startEpochNs;
    }

    boolean measured(final long elapsedNs) {
        return elapsedNs >= warmupNs && elapsedNs < warmupNs + durationNs;
    }

    long warmupNs() {
        return warmupNs;
    }

    long durationNs() {
        return durationNs;
    }

    long endNs() {
        return warmupNs + durationNs;
    }

    /** @return the wall clock, ms since the epoch, at which the measurement window opens. */
    long measureStartEpochMs() {
        return (startEpochNs + warmupNs) / 1_000_000L;
    }

    /** @return the wall clock, ms since the epoch, at which it closes. */
    long measureEndEpochMs() {
        return (startEpochNs + warmupNs + durationNs) / 1_000_000L;
    }
}
