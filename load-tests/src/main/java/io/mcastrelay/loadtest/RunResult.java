package io.mcastrelay.loadtest;

import org.HdrHistogram.Histogram;

/**
 * What one forwarder did in one repetition of one scenario.
 *
 * @param scenario          the scenario.
 * @param kind              the forwarder.
 * @param repetition        which repetition of the scenario, from 1.
 * @param position          when the forwarder ran in that repetition, from 1 (first).
 * @param sent              frames the generators wrote, in all.
 * @param framesInWindow    frames the forwarder took off TCP in the measurement window.
 * @param acceptedPerSecond frames the forwarder took off TCP per second in the measurement window.
 * @param deliveredPerSecond datagrams each subscriber received per second in the window, on average.
 * @param lostAtSubscribers datagrams missing at the subscribers, summed over them (sent x subscribers - received).
 * @param duplicates        datagrams received twice or out of order, summed over the subscribers.
 * @param counters          what the forwarder reported.
 * @param corrected         latency from each frame's scheduled time, ns, every subscriber.
 * @param raw               latency from the time the generator wrote the frame, ns, every subscriber.
 * @param lateness          how late the generators wrote against the schedule, ns.
 * @param gc                the forwarder's GC pauses in the measurement window.
 * @param udpReceiveBufferErrors the host's UDP RcvbufErrors during the run (datagrams a full socket buffer dropped).
 * @param receiveBufferBytes     SO_RCVBUF each subscriber got.
 * @param heap              the forwarder's heap at the window's start and end (steady state only), or null.
 * @param exitValue         the forwarder's exit status after SIGTERM (relay: 0 once drained).
 * @param windowNanos       the measurement window.
 * @param driverGcsInWindow collections of the load-test JVM (generators, subscribers) in the window; 0 is the goal.
 * @param cpu               the forwarder process's CPU in the window, per thread.
 * @param driverCpu         the load-test JVM's CPU in the window (generators, subscribers).
 */
record RunResult(
    Scenario scenario,
    Forwarder.Kind kind,
    int repetition,
    int position,
    long sent,
    long framesInWindow,
    double acceptedPerSecond,
    double deliveredPerSecond,
    long lostAtSubscribers,
    long duplicates,
    ForwarderCounters counters,
    Histogram corrected,
    Histogram raw,
    Histogram lateness,
    GcLog.Pauses gc,
    long udpReceiveBufferErrors,
    int receiveBufferBytes,
    HeapSnapshot.Delta heap,
    int exitValue,
    long windowNanos,
    long driverGcsInWindow,
    CpuUsage cpu,
    CpuUsage driverCpu) {

    /** @return the measurement window in seconds. */
    double durationSeconds() {
        return windowNanos / 1e9;
    }

    /** @return frames the forwarder took in but did not send; 0 is the goal. */
    long lostInForwarder() {
        return sent - counters.datagramsOut();
    }

    /** @return the share of datagrams the subscribers missed. */
    double subscriberLossRatio() {
        final double expected = (double)sent * scenario.subscribers();
        return expected == 0 ? 0 : lostAtSubscribers / expected;
    }

    /** @return the forwarder's CPU per frame it took in the window, microseconds (NaN if none). */
    double cpuMicrosPerFrame() {
        return cpu.microsPerFrame(framesInWindow);
    }

    /** @return whether latency was measured (a saturated run or one with no subscriber has none). */
    boolean hasLatency() {
        return corrected.getTotalCount() > 0;
    }
}
