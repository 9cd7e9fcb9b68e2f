package io.mcastrelay.app;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

/**
 * How the embedded media driver's one thread waits: it parks after every duty cycle, for {@link #MIN_PARK_NS} after
 * a cycle that did work and twice as long after each idle one, up to {@link #MAX_PARK_NS}.
 *
 * <p>For IPC streams the driver is never on a frame's path: publishers write the term buffers and subscribers read
 * them directly. The driver only moves each publication's limit along as subscribers advance (ahead of them by half
 * a term, 4 MB by default, which a 1 ms cycle keeps far out of reach), answers clients' commands and checks
 * timeouts. Aeron's own idle strategies spin while there is work, and at a high frame rate there always is (the
 * limit moves every cycle), which on a small machine takes a core from ingress and egress; and parking at most 1 ms
 * when idle wakes the thread a thousand times a second. Parking after every cycle costs neither.
 *
 * <p>Runs on the media driver's thread only.
 */
final class DriverIdleStrategy implements IdleStrategy {
    /** The park after a cycle that did work. */
    static final long MIN_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The longest park, reached after a few idle cycles. */
    static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(16);

    private final long maxParkNs;
    private long parkNs = MIN_PARK_NS;

    /** Parks up to {@link #MAX_PARK_NS} when idle. */
    DriverIdleStrategy() {
        this(MAX_PARK_NS);
    }

    /**
     * @param maxParkNs the longest park: {@link #MIN_PARK_NS} with recovery on, where every replay asks the driver
     *                  for a publication and would otherwise wait up to 16 ms for it (about 1 % of a core idle).
     */
    DriverIdleStrategy(final long maxParkNs) {
        this.maxParkNs = Math.max(MIN_PARK_NS, maxParkNs);
    }

    @Override
    public void idle(final int workCount) {
        if (workCount > 0) {
            parkNs = MIN_PARK_NS;
        }
        LockSupport.parkNanos(parkNs);
        if (workCount <= 0) {
            parkNs = Math.min(parkNs << 1, maxParkNs);
        }
    }

    @Override
    public void idle() {
        LockSupport.parkNanos(parkNs);
        parkNs = Math.min(parkNs << 1, maxParkNs);
    }

    @Override
    public void reset() {
        parkNs = MIN_PARK_NS;
    }

    @Override
    public String alias() {
        return "relay-driver";
    }
}
