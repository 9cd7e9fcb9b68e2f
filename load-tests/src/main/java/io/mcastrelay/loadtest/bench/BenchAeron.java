package io.mcastrelay.loadtest.bench;

import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * An embedded media driver as the relay runs it (shared threading mode, backoff idle), in a directory of its own
 * under {@code /dev/shm} that is deleted on close, and a client connected to it. For the benchmarks' setup and
 * teardown only.
 */
public final class BenchAeron implements AutoCloseable {
    /** The IPC channel the relay uses with its defaults: 8 MB terms, an MTU that fits an 8472-byte payload. */
    public static final String CHANNEL = "aeron:ipc?term-length=8388608|mtu=8576";

    private final MediaDriver driver;
    private final Aeron aeron;

    /**
     * Launches the driver and connects.
     *
     * @param name part of the directory's name.
     */
    public BenchAeron(final String name) {
        final String directory = "/dev/shm/mcast-relay-jmh-" + name + "-" + ProcessHandle.current().pid();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1))));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(directory));
    }

    /** @return the connected client. */
    public Aeron aeron() {
        return aeron;
    }

    /**
     * Waits until a publication and a subscription of the same stream see each other.
     *
     * @param publication  the publication.
     * @param subscription the subscription.
     */
    public static void awaitConnected(final Publication publication, final Subscription subscription) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!publication.isConnected() || !subscription.isConnected()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("publication and subscription did not connect");
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() {
        CloseHelper.closeAll(aeron, driver);
    }
}
