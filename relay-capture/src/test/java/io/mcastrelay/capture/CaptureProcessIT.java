package io.mcastrelay.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code relay-capture.jar} run as operators (and the relay's failover tests) run it: its own JVM,
 * configured from a file and the command line, stopped with SIGTERM, printing its final counters; and a bad setting
 * ending it at once with exit code 2 and one line naming the setting.
 */
@Timeout(60)
class CaptureProcessIT {
    private static final Path JAR = Path.of("target", "relay-capture.jar");

    @TempDir
    Path dir;

    private Process start(final String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile())
            .start();
    }

    private String read(final String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void shouldStreamFromTheJarAndPrintItsFinalCountersAfterAllIsAcknowledgedOnSigterm() throws Exception {
        assertThat(JAR).exists();
        try (FakeRelay relay = new FakeRelay(); LoopbackMulticast exchange = new LoopbackMulticast()) {
            final Destination group = LoopbackMulticast.freeDestination("239.255.79.1");
            final Path config = dir.resolve("capture.properties");
            Files.writeString(config, "capture.feeds[0].name=prod\n"
                + "capture.feeds[0].relays=127.0.0.1:1\n"
                + "capture.feeds[0].groups=" + Ipv4.toString(group.group()) + ":" + group.port() + "\n"
                + "capture.feeds[0].interface=lo\n"
                + "capture.stats-interval=1s\n");
            final Process capture = start("--config", config.toString(), "--relays", relay.address().toString(),
                "--replay-buffer-bytes=16m");
            try {
                FakeRelay.await(() -> relay.hellos().size() == 1, () -> { }, "the capture's HELLO");
                for (int i = 0; i < 500; i++) {
                    exchange.send(group, CaptureAgentTest.payload(i, 120));
                }
                FakeRelay.await(() -> relay.data().size() == 500, () -> { }, "500 frames at the relay");
                FakeRelay.await(() -> readQuietly("stderr").contains("capture stats: feed=prod"), () -> { },
                    "a stats line");
            } finally {
                capture.destroy();
                assertThat(capture.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(capture.exitValue()).isEqualTo(143);
            assertThat(relay.data()).extracting(FakeRelay.Data::sequence)
                .containsExactlyElementsOf(CaptureAgentTest.sequences(1, 500));
            assertThat(read("stdout")).startsWith("relay-capture started: feed=prod session=")
                .contains("relay-capture final: feed=prod state=CLOSED datagrams=500 ")
                .contains(" ackedSequence=500 unackedFrames=0 ").contains(" replayOverflowFrames=0 ");
            assertThat(read("stderr")).contains("feed prod: joined " + group + " on lo")
                .contains("feed prod: connected to relay " + relay.address())
                .contains("acknowledged the HELLO").contains("feed prod: stopped: ");
        }
    }

    @Test
    void shouldNameAnOldRelayThatClosesTheConnectionAfterTheHelloInAnErrorAndKeepTrying() throws Exception {
        try (FakeRelay relay = new FakeRelay()) {
            relay.closeAfterHello(true);
            final Process capture = start("--feed", "prod", "--relays", relay.address().toString(), "--groups",
                "239.255.79.3:6100", "--interface", "lo", "--backoff-initial=10ms", "--backoff-max=50ms");
            try {
                FakeRelay.await(() -> relay.hellos().size() >= 3, () -> { }, "three HELLOs");
                FakeRelay.await(() -> readQuietly("stderr").contains("a relay-v1.0 relay refuses HELLO"), () -> { },
                    "the error line");
            } finally {
                capture.destroy();
                assertThat(capture.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(read("stderr")).contains("ERROR RelayLink - feed prod: relay " + relay.address()
                + " closed the connection after the HELLO without acknowledging it");
            assertThat(read("stdout")).contains("relay-capture final: feed=prod state=CLOSED");
        }
    }

    @Test
    void shouldExitWithCodeTwoAndOneLineNamingTheSettingWhenASettingIsBad() throws Exception {
        final Process capture = start("--feed", "prod", "--relays", "127.0.0.1:6667", "--groups",
            "239.255.79.2:6100", "--interface", "lo", "--liveness-timeout", "3");

        assertThat(capture.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(capture.exitValue()).isEqualTo(2);
        assertThat(read("stderr").strip()).isEqualTo(
            "relay-capture: capture.liveness-timeout: '3' is not a duration such as 500ms, 3s or 1m");
    }

    private String readQuietly(final String name) {
        try {
            return read(name);
        } catch (final IOException ex) {
            return "";
        }
    }
}
