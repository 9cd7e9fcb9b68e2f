package io.mcastrelay.app;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.aeron.CommonContext;

/**
 * A standalone Aeron media driver ({@code io.aeron.driver.MediaDriver}) in a JVM of its own, as a host that shares
 * one driver among processes runs it: {@code relay.aeron.embedded-driver=false} points the relay at it. It cleans
 * its directory on start, so a second one started in the same directory is a driver restart.
 */
final class ExternalDriver implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ExternalDriver(final Process process, final Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts a driver in the directory and waits until it heartbeats. */
    static ExternalDriver start(final String aeronDirectory) throws IOException, InterruptedException {
        final Path log = Files.createTempFile("external-driver", ".log");
        final Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            "-Daeron.dir=" + aeronDirectory, "-Daeron.dir.delete.on.start=true", "-Daeron.threading.mode=SHARED",
            "io.aeron.driver.MediaDriver")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final ExternalDriver driver = new ExternalDriver(process, log);
        driver.awaitActive(aeronDirectory);
        return driver;
    }

    /** Waits for the driver's heartbeat. The context must be concluded: unconcluded, isDriverActive is false. */
    private void awaitActive(final String aeronDirectory) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0 && process.isAlive()) {
            if (new File(aeronDirectory, "cnc.dat").exists()) {
                final CommonContext probe = new CommonContext().aeronDirectoryName(aeronDirectory);
                probe.conclude();
                if (probe.isDriverActive(1000, message -> { })) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        close();
        fail("media driver not active in " + aeronDirectory + "; log:\n" + Files.readString(log));
    }

    /** Kills the driver with SIGKILL, as a crash would, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("media driver " + process.pid() + " did not die");
        }
    }

    @Override
    public void close() {
        Command.destroy(process);
    }
}
