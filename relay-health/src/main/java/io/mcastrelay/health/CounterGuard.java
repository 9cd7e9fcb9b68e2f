package io.mcastrelay.health;

import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Keeps meter reads and the closing of the Aeron client apart: a counter's memory is unmapped when the client
 * closes, and a scrape that read it then would crash the JVM. Meters read under the read lock; the lifecycle closes
 * under the write lock. Used by meter and health threads only, never by the hot path, which writes its counters
 * directly.
 */
public final class CounterGuard {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * Reads a counter unless the relay has shut down.
     *
     * @param counter the counter.
     * @return its value, or NaN once closed.
     */
    public double read(final AtomicCounter counter) {
        lock.readLock().lock();
        try {
            return closed || counter.isClosed() ? Double.NaN : counter.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs a change that unmaps counters while the relay goes on (the Aeron client replaced after the media driver
     * was lost): no read runs meanwhile, and reads of the old counters return NaN after it.
     *
     * @param change closes the old client and what hangs on it.
     */
    public void swap(final Runnable change) {
        lock.writeLock().lock();
        try {
            change.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Runs the shutdown that unmaps the counters, after which every read returns NaN.
     *
     * @param shutdown closes ingress, egress, the Aeron client and the driver.
     */
    public void close(final Runnable shutdown) {
        lock.writeLock().lock();
        try {
            closed = true;
            shutdown.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
