package io.mcastrelay.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.ProbePayload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An embedded media driver in a temp dir stands in for the relay's; the tap connects to it as a third party. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IpcTapIT {
    private static final int STREAM_ID = 1001;

    @TempDir
    private Path dir;
    private MediaDriver driver;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);

    @BeforeEach
    void launchDriver() {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldPrintEachMessageAndEndWithReceivedCount() throws Exception {
        final String aeronDir = driver.aeronDirectoryName();
        final CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> IpcTap.run(
            new String[] {"--aeron-dir", aeronDir, "--count", "3", "--timeout-seconds", "20", "--print"},
            out, err, () -> true));

        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            Publication publication = aeron.addPublication("aeron:ipc", STREAM_ID)) {
            while (!publication.isConnected()) {
                Thread.sleep(1);
            }
            for (int sequence = 1; sequence <= 3; sequence++) {
                offer(publication, sequence);
            }
            assertThat(exitCode.get(20, TimeUnit.SECONDS)).isEqualTo(IpcTap.EXIT_OK);
        }

        final String[] lines = output.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).contains(
            "239.255.7.1:6100 seq=1 len=40 payload=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "239.255.7.1:6100 seq=3 len=40 payload=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        assertThat(lines[lines.length - 1]).isEqualTo("received 3");
    }

    @Test
    void shouldStopExactlyAtCountWhenMoreAreWaiting() throws Exception {
        final String aeronDir = driver.aeronDirectoryName();
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            Publication publication = aeron.addPublication("aeron:ipc", STREAM_ID)) {
            final CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> IpcTap.run(
                new String[] {"--aeron-dir", aeronDir, "--count", "2", "--timeout-seconds", "20", "--print"},
                out, err, () -> true));
            while (!output.toString(StandardCharsets.UTF_8).contains("IpcTap: subscribed")) {
                Thread.sleep(1);
            }
            for (int sequence = 1; sequence <= 10; sequence++) {
                offer(publication, sequence);
            }
            assertThat(exitCode.get(20, TimeUnit.SECONDS)).isEqualTo(IpcTap.EXIT_OK);
        }

        final String[] lines = output.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).filteredOn(line -> line.contains(" seq=")).hasSize(2);
        assertThat(lines[lines.length - 1]).isEqualTo("received 2");
    }

    @Test
    void shouldExitOneWhenCountIsNotReachedInTime() {
        final int exitCode = IpcTap.run(new String[] {"--aeron-dir", driver.aeronDirectoryName(), "--count", "1",
            "--timeout-seconds", "0.3"}, out, err, () -> true);

        assertThat(exitCode).isEqualTo(IpcTap.EXIT_COUNT_NOT_REACHED);
        final String[] lines = output.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[lines.length - 1]).isEqualTo("received 0");
    }

    private static void offer(final Publication publication, final long sequence) throws InterruptedException {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[IpcMessageDescriptor.HEADER_LENGTH + 40]);
        final int group = Ipv4.parse("239.255.7.1");
        IpcMessageFlyweight.encodeHeader(message, 0, 40, group, 6100, Ipv4.parse("239.1.1.1"), 5000, 1, sequence,
            0, 0);
        ProbePayload.fillPattern(message, IpcMessageDescriptor.HEADER_LENGTH, 40);
        while (publication.offer(message) < 0) {
            Thread.sleep(1);
        }
    }
}
