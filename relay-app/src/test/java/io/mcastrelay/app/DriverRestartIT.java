package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The external media driver ({@code relay.aeron.embedded-driver=false}) killed and started again: the packaged relay
 * stops at once with status 75, closing its senders' connections, and a relay started again by the orchestrator
 * against the new driver relays again (docs/faults.md, fault 2).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DriverRestartIT {
    private static final String GROUP = "239.255.71.1";

    @Test
    void shouldExitWithStatus75WhenTheExternalDriverIsLostAndRelayAgainOnceRestarted() throws Exception {
        final Path directory = Files.createTempDirectory("driver-restart");
        final String aeronDirectory = directory.resolve("driver").toString();
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        final String[] properties = {
            "relay.feeds[0].name=external",
            "relay.feeds[0].port=" + feedPort,
            "relay.feeds[0].max-payload=1400B",
            "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort,
            "relay.aeron.embedded-driver=false",
            "relay.aeron.directory=" + aeronDirectory,
            "relay.aeron.driver-timeout=2s",
            "relay.aeron.term-length=64KB",
        };
        try (MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort)) {
            final ExternalDriver first = ExternalDriver.start(aeronDirectory);
            final List<Integer> statuses = new ArrayList<>();
            final long lostMs;
            try (RelayProcess relay = new RelayProcess(properties)) {
                assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
                final FeedClient sender = new FeedClient(feedPort);
                sender.send(GROUP, udpPort, "before the driver died");
                assertThat(customer.await(1, 10, TimeUnit.SECONDS)).hasSize(1);

                final long killed = System.nanoTime();
                first.kill();
                while (relay.process().isAlive() && System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(30)) {
                    statuses.add(status(relay));
                    Thread.sleep(100);
                }
                lostMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                assertThat(relay.process().waitFor(1, TimeUnit.SECONDS)).as("exits; log:%n%s", relay.output())
                    .isTrue();
                assertThat(relay.process().exitValue()).as("exit status; log:%n%s", relay.output()).isEqualTo(75);
                assertThat(relay.output()).contains("aeron media driver lost")
                    .contains("exiting with status 75 so that the orchestrator starts the relay again");
                assertThat(lostMs).as("exits within the 2 s driver timeout plus the stop")
                    .isLessThan(TimeUnit.SECONDS.toMillis(15));
                int firstDown = 0;
                while (firstDown < statuses.size() && statuses.get(firstDown) == 200) {
                    firstDown++;
                }
                assertThat(statuses.subList(firstDown, statuses.size()))
                    .as("once not ready (503, or no answer), never ready again: %s", statuses).doesNotContain(200);
                assertThat(sender.closedByPeer(5000)).as("the sender's connection is closed").isTrue();
                sender.close();
            } finally {
                first.close();
            }

            final ExternalDriver second = ExternalDriver.start(aeronDirectory);
            try (RelayProcess restarted = new RelayProcess(properties)) {
                assertThat(restarted.awaitReady(60, TimeUnit.SECONDS)).as("ready again; log:%n%s",
                    restarted.output()).isTrue();
                final FeedClient sender = new FeedClient(feedPort);
                final byte[] after = sender.send(GROUP, udpPort, "after the driver and the relay restarted");
                final List<byte[]> received = customer.await(2, 10, TimeUnit.SECONDS);
                assertThat(received).hasSize(2);
                assertThat(received.get(1)).isEqualTo(after);
                sender.close();
            } finally {
                second.close();
            }
            System.out.printf("[DriverRestartIT] driver killed: relay exited 75 after %d ms (readiness every 100 ms: "
                + "%s); restarted against a new driver, relaying again%n", lostMs, statuses);
        } finally {
            deleteRecursively(directory);
        }
    }

    /** The readiness status, or -1 once the relay no longer answers. */
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
