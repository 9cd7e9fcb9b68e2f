package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The external media driver ({@code relay.aeron.embedded-driver=false}) killed and started again under the packaged
 * relay: readiness goes DOWN, the senders' connections are closed, and once the new driver is up the same relay
 * process relays again and readiness is UP, without a restart; twice, and a SIGTERM while it waits for a driver
 * still stops it cleanly (docs/faults.md, fault 2).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DriverRestartIT {
    private static final String GROUP = "239.255.71.1";

    @Test
    void shouldRecoverInProcessEachTimeTheExternalDriverIsRestartedAndStopCleanlyWhileWaiting() throws Exception {
        final Path directory = Files.createTempDirectory("driver-restart");
        final String aeronDirectory = directory.resolve("driver").toString();
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort);
             RelayProcess relay = new RelayProcess(
                "relay.feeds[0].name=external",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].max-payload=1400B",
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort,
                "relay.aeron.embedded-driver=false",
                "relay.aeron.directory=" + aeronDirectory,
                "relay.aeron.driver-timeout=2s",
                "relay.aeron.term-length=64KB")) {
            ExternalDriver driver = ExternalDriver.start(aeronDirectory);
            try {
                assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
                FeedClient sender = new FeedClient(feedPort);
                int delivered = 0;
                for (int cycle = 1; cycle <= 2; cycle++) {
                    final byte[] before = sender.send(GROUP, udpPort, "before driver loss " + cycle);
                    assertThat(customer.await(++delivered, 10, TimeUnit.SECONDS).get(delivered - 1)).isEqualTo(before);

                    final long downMs = killAndAwaitNotReady(driver, relay);
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    String health = relay.managementHealth().body();
                    while (!health.contains("media driver lost; reconnecting") && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                        health = relay.managementHealth().body();
                    }
                    assertThat(health).as("health says why").contains("media driver lost; reconnecting");
                    assertThat(sender.closedByPeer(5000)).as("the sender's connection is closed").isTrue();
                    sender.close();
                    Thread.sleep(500);
                    assertThat(status(relay)).as("still DOWN while there is no driver").isEqualTo(503);

                    final long restarted = System.nanoTime();
                    driver = ExternalDriver.start(aeronDirectory);
                    while (status(relay) != 200 && System.nanoTime() - restarted < TimeUnit.SECONDS.toNanos(30)) {
                        Thread.sleep(50);
                    }
                    final long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
                    assertThat(status(relay)).as("ready again; log:%n%s", relay.output()).isEqualTo(200);
                    assertThat(relay.process().isAlive()).as("the same process, never restarted").isTrue();

                    sender = new FeedClient(feedPort);
                    final byte[] after = sender.send(GROUP, udpPort, "after driver restart " + cycle);
                    final List<byte[]> received = customer.await(++delivered, 10, TimeUnit.SECONDS);
                    assertThat(received).as("relaying again; log:%n%s", relay.output()).hasSize(delivered);
                    assertThat(received.get(delivered - 1)).isEqualTo(after);
                    assertThat(relay.metric("relay_ingress_frames_total", "feed=\"external\""))
                        .as("meters over the new counters (which start again from 0)").isEqualTo(1.0);
                    System.out.printf("[DriverRestartIT] cycle %d: driver killed, readiness 503 after %d ms "
                        + "(driver-timeout 2 s), sender disconnected; new driver: 200 after %d ms, relaying again in "
                        + "the same process%n", cycle, downMs, upMs);
                }
                assertThat(relay.output()).contains("aeron media driver lost")
                    .contains("relay running again on the media driver in " + aeronDirectory);
                sender.close();

                killAndAwaitNotReady(driver, relay);
                final long sigterm = System.nanoTime();
                relay.process().destroy();
                assertThat(relay.process().waitFor(20, TimeUnit.SECONDS)).as("SIGTERM while waiting for a driver")
                    .isTrue();
                assertThat(relay.process().exitValue()).as("exit status; log:%n%s", relay.output()).isZero();
                System.out.printf("[DriverRestartIT] SIGTERM while waiting for a driver: exit 0 after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm));
            } finally {
                driver.close();
            }
        } finally {
            deleteRecursively(directory);
        }
    }

    /** Kills the driver and waits for readiness to turn 503; returns how long that took, in ms. */
    private static long killAndAwaitNotReady(final ExternalDriver driver, final RelayProcess relay)
        throws InterruptedException, IOException {
        final long killed = System.nanoTime();
        driver.kill();
        while (status(relay) != 503 && System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(15)) {
            Thread.sleep(50);
        }
        assertThat(status(relay)).as("readiness DOWN once the driver timed out; log:%n%s", relay.output())
            .isEqualTo(503);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    }

    /** The readiness status, or -1 if the relay does not answer. */
    private static int status(final RelayProcess relay) throws InterruptedException {
        try {
            return relay.readiness().status();
        } catch (final IOException ex) {
            return -1;
        }
    }

    private static void deleteRecursively(final Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
