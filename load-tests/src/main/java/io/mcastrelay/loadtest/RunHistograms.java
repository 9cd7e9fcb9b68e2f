package io.mcastrelay.loadtest;

import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * A run's latency and lateness histograms, gathered from its subscribers' and generators' recorders: the measured
 * window's totals, and the last second's latency (warm-up included) for progress. The control thread only.
 */
final class RunHistograms {
    /** Latency from each frame's schedule, ns, every subscriber, frames due in the window. */
    final Histogram corrected = LoadReceiver.newHistogram();
    /** Latency from each frame's write, ns. */
    final Histogram raw = LoadReceiver.newHistogram();
    /** How late the generators wrote against the schedule, ns. */
    final Histogram lateness = new Histogram(LoadReceiver.HIGHEST_TRACKABLE_NS, 2);
    private final Histogram interval = LoadReceiver.newHistogram();
    private final Histogram scratch = LoadReceiver.newHistogram();
    private final Histogram latenessScratch = new Histogram(LoadReceiver.HIGHEST_TRACKABLE_NS, 2);

    /**
     * Takes what the recorders hold since the last call into the totals.
     *
     * @param receivers the subscribers.
     * @param generators the generators.
     * @return the latency of this interval, warm-up included (valid until the next call).
     */
    Histogram collect(final List<LoadReceiver> receivers, final List<LoadGenerator> generators) {
        interval.reset();
        for (final LoadReceiver receiver : receivers) {
            receiver.intervalWarmupInto(scratch);
            interval.add(scratch);
            receiver.intervalCorrectedInto(scratch);
            interval.add(scratch);
            corrected.add(scratch);
            receiver.intervalRawInto(scratch);
            raw.add(scratch);
        }
        for (final LoadGenerator generator : generators) {
            generator.latenessInto(latenessScratch);
            lateness.add(latenessScratch);
        }
        return interval;
    }
}
