package io.mcastrelay.egress;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;

/**
 * A real media driver in a temporary directory and a client connected to it, shared by the tests of one class.
 * IPC terms default to 1 MiB here instead of 64 MiB so that each test's streams stay small.
 */
final class EmbeddedAeron implements AutoCloseable {
    private final MediaDriver driver;
    private final Aeron aeron;

    EmbeddedAeron(final Path directory) {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("aeron").toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .ipcTermBufferLength(1 << 20)
            .threadingMode(ThreadingMode.SHARED));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    Aeron aeron() {
        return aeron;
    }

    /** Waits until the driver has linked the publication to a subscriber, so a claim can succeed. */
    static void awaitConnected(final Publication publication, final Subscription subscription) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!publication.isConnected() || !subscription.isConnected()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("publication " + publication.streamId() + " never connected");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    @Override
    public void close() {
        CloseHelper.closeAll(aeron, driver);
    }
}
