package io.mcastrelay.loadtest;

import java.util.Arrays;

/**
 * What one forwarder did in one repetition of the idle scenario.
 *
 * @param kind           the forwarder.
 * @param repetition     which repetition, from 1.
 * @param position       when the forwarder ran in it, from 1.
 * @param noConnection   its CPU with no connection at all.
 * @param silentSender   its CPU with one connected sender that sends only heartbeats (the silences added up).
 * @param loneLatencyNs  the one-way latency of each lone DATA frame sent after a silence; -1 for one that never came.
 * @param exitValue      its exit status after SIGTERM.
 */
record IdleResult(
    Forwarder.Kind kind,
    int repetition,
    int position,
    CpuUsage noConnection,
    CpuUsage silentSender,
    long[] loneLatencyNs,
    int exitValue) {

    /** @return the highest lone-frame latency, ns; -1 if a frame was lost. */
    long maxLoneLatencyNs() {
        return Arrays.stream(loneLatencyNs).anyMatch(ns -> ns < 0) ? -1 : Arrays.stream(loneLatencyNs).max().orElse(-1);
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof IdleResult that && kind == that.kind && repetition == that.repetition
            && position == that.position && noConnection.equals(that.noConnection)
            && silentSender.equals(that.silentSender) && Arrays.equals(loneLatencyNs, that.loneLatencyNs)
            && exitValue == that.exitValue;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(loneLatencyNs) + kind.hashCode() * 17 + repetition;
    }

    @Override
    public String toString() {
        return "IdleResult[" + kind.label + " r" + repetition + ", lone " + Arrays.toString(loneLatencyNs) + "]";
    }
}
