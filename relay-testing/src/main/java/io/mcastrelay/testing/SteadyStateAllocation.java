package io.mcastrelay.testing;

import java.lang.management.ManagementFactory;

import com.sun.management.ThreadMXBean;

/**
 * Bytes a thread (the current one unless named) allocates inside measured sections, taken over rounds of the same
 * work until the JIT has settled. Interpreted and C1 code allocates where C2's escape analysis does not (FFM
 * segments, boxed varargs), and when C2 compiles a method depends on the machine: a fixed two rounds passed here and
 * failed on a slower CI machine. A hot path that allocates per frame allocates in every round, so the least round
 * still catches it.
 *
 * <p>Use from the thread that runs the hot path:
 * <pre>{@code
 * long least = SteadyStateAllocation.leastPerRound(10, frames, meter -> {
 *     for (...) { prepare(); meter.measure(agent::doWork); }
 * });
 * assertThat(least).isLessThan(frames);
 * }</pre>
 */
public final class SteadyStateAllocation {
    /** One round of work; measures its hot sections with {@link #measure(Section)}. */
    @FunctionalInterface
    public interface Round {
        void run(SteadyStateAllocation meter) throws Exception;
    }

    /** A measured section of hot-path work. */
    @FunctionalInterface
    public interface Section {
        void run() throws Exception;
    }

    private final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final long thread;
    private long allocated;

    private SteadyStateAllocation(final Thread thread) {
        this.thread = thread.getId();
    }

    /** Runs {@code section} and adds what the measured thread allocated while it ran. */
    public void measure(final Section section) throws Exception {
        final long before = threads.getThreadAllocatedBytes(thread);
        section.run();
        allocated += threads.getThreadAllocatedBytes(thread) - before;
    }

    /**
     * Runs {@code round} up to {@code maxRounds} times, stopping after the first round whose measured sections
     * allocated less than {@code limit} bytes, and returns the least any round allocated.
     */
    public static long leastPerRound(final int maxRounds, final long limit, final Round round) throws Exception {
        return leastPerRound(Thread.currentThread(), maxRounds, limit, round);
    }

    /** As {@link #leastPerRound(int, long, Round)}, measuring what {@code thread} allocates (an event loop, say). */
    public static long leastPerRound(final Thread thread, final int maxRounds, final long limit, final Round round)
        throws Exception {
        final SteadyStateAllocation meter = new SteadyStateAllocation(thread);
        long least = Long.MAX_VALUE;
        for (int i = 0; i < maxRounds && least >= limit; i++) {
            meter.allocated = 0;
            round.run(meter);
            least = Math.min(least, meter.allocated);
        }
        return least;
    }
}
