package io.mcastrelay.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real media driver in a temporary directory of its own and a client connected to it, shared by the tests of one
 * class. Registered as {@code @RegisterExtension static final EmbeddedAeron aeron = new EmbeddedAeron();} it
 * launches before the class's first test and closes (deleting the directory) after its last. IPC terms default to
 * 1 MiB here instead of 64 MiB so that each test's streams stay small.
 *
 * <p>Launched and closed on JUnit's thread; {@link #aeron()} is the thread-safe Aeron client.
 */
public final class EmbeddedAeron implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private Path directory;
    private MediaDriver driver;
    private Aeron aeron;

    @Override
    public void beforeAll(final ExtensionContext context) throws IOException {
        directory = Files.createTempDirectory("embedded-aeron");
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("aeron").toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .ipcTermBufferLength(1 << 20)
            .threadingMode(ThreadingMode.SHARED));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        close();
    }

    /**
     * The client connected to the driver.
     *
     * @return the client, between the class's first and last test.
     * @throws IllegalStateException if the driver is not running, for one because the field is not static.
     */
    public Aeron aeron() {
        if (aeron == null) {
            throw new IllegalStateException("no media driver: register EmbeddedAeron on a static field");
        }
        return aeron;
    }

    /**
     * Waits until the driver has linked the publication to a subscriber, so a claim can succeed.
     *
     * @param publication  the publication that is to be connected.
     * @param subscription a subscription to the same stream.
     * @throws IllegalStateException if they are not linked within five seconds.
     */
    public static void awaitConnected(final Publication publication, final Subscription subscription) {
        final long deadline = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!publication.isConnected() || !subscription.isConnected()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("publication " + publication.streamId() + " never connected");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    /** Closes the client and the driver and deletes the directory; does nothing if they are closed already. */
    @Override
    public void close() {
        CloseHelper.closeAll(aeron, driver);
        aeron = null;
        driver = null;
        if (directory != null) {
            IoUtil.delete(directory.toFile(), true);
            directory = null;
        }
    }
}
