package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Intra-host fanout: a subscriber in a separate process, through the relay's media driver, receives the same
 * datagrams as the multicast customers, with the same sequences, from the feed's IPC stream.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class IntraHostFanoutIT {
    private static final String GROUP = "239.255.68.1";
    private static final int FRAMES = 50;

    @Test
    void shouldDeliverTheSameFramesToASubscriberInAnotherProcess() throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        final Path tapOutput = Files.createTempFile("ipc-tap", ".out");
        try (TestRelay relay = new TestRelay(
                "relay.feeds[0].name=fan",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].stream-id=4242",
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort);
             FeedClient sender = new FeedClient(feedPort)) {
            final Process tap = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "io.mcastrelay.tools.IpcTap",
                "--aeron-dir", relay.aeronDirectory(),
                "--stream-id", "4242",
                "--count", String.valueOf(FRAMES),
                "--timeout-seconds", "60",
                "--print")
                .redirectErrorStream(true).redirectOutput(tapOutput.toFile()).start();
            try {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(tapOutput).contains("IpcTap: subscribed") && tap.isAlive()
                    && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(Files.readString(tapOutput)).contains("IpcTap: subscribed");

                final List<byte[]> sent = new ArrayList<>();
                for (int i = 1; i <= FRAMES; i++) {
                    sent.add(sender.send(GROUP, udpPort, "fanout frame " + i));
                }

                assertThat(tap.waitFor(30, TimeUnit.SECONDS)).as("tap output:%n%s", Files.readString(tapOutput))
                    .isTrue();
                assertThat(tap.exitValue()).isZero();
                final List<String> lines = new ArrayList<>();
                for (final String line : Files.readAllLines(tapOutput, StandardCharsets.UTF_8)) {
                    if (line.startsWith(GROUP + ":" + udpPort)) {
                        lines.add(line);
                    }
                }
                assertThat(lines).hasSize(FRAMES);
                for (int i = 0; i < FRAMES; i++) {
                    final byte[] payload = sent.get(i);
                    assertThat(lines.get(i)).isEqualTo(GROUP + ":" + udpPort + " seq=" + (i + 1) + " len="
                        + payload.length + " payload=" + HexFormat.of().formatHex(payload));
                }
                assertThat(MulticastReceiver.samePayloads(sent, customer.await(FRAMES, 10, TimeUnit.SECONDS)))
                    .as("the multicast customer got the same frames").isTrue();
            } finally {
                tap.destroyForcibly();
            }
        }
    }
}
