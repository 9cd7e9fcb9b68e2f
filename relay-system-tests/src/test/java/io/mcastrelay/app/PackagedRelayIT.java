package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged relay in its own JVM: SIGTERM drains and exits 0; a bad setting stops start-up by name. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PackagedRelayIT {
    private static final String GROUP = "239.255.66.1";
    private static final int FRAMES = 4000;

    @Test
    void shouldDrainWhatItAcceptedAndExitZeroOnSigterm() throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (RelayProcess relay = new RelayProcess(
                "relay.aeron.term-length=64KB",
                "relay.ingress.receive-buffer=16KB",
                "relay.shutdown.drain-timeout=20s",
                "relay.feeds[0].name=drain",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].max-payload=1000B",
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort)) {
            assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
            try (Aeron consumer = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(relay.aeronDirectory()).errorHandler(ex -> { }));
                 FeedClient sender = new FeedClient(feedPort, 16 * 1024)) {
                final Subscription stalled = consumer.addSubscription("aeron:ipc", 1001);
                final AtomicInteger written = new AtomicInteger();
                final Thread writer = new Thread(() -> {
                    try {
                        for (int i = 0; i < FRAMES; i++) {
                            sender.send(GROUP, udpPort, payload(i));
                            written.incrementAndGet();
                        }
                    } catch (final Exception ex) {
                        // the relay closes the connection at shutdown; what it read must still arrive
                    }
                }, "sender");
                writer.start();
                awaitNoProgress(written);
                final double acceptedBeforeSigterm = relay.metric("relay_ingress_frames_total", "feed=\"drain\"");

                relay.process().destroy();
                Thread.sleep(500);
                assertThat(relay.process().isAlive())
                    .as("still draining while egress is held up; log:%n%s", relay.output()).isTrue();
                stalled.close();

                assertThat(relay.process().waitFor(30, TimeUnit.SECONDS)).as("exits in time").isTrue();
                assertThat(relay.process().exitValue()).as("exit status; log:%n%s", relay.output()).isZero();
                assertThat(relay.output()).contains("relay drained: every accepted frame was sent");

                final List<byte[]> received = customer.await(FRAMES, 3, TimeUnit.SECONDS);
                assertThat((double)received.size()).isGreaterThanOrEqualTo(acceptedBeforeSigterm);
                for (int i = 0; i < received.size(); i++) {
                    assertThat(received.get(i)).as("frame %d, in order, none missing", i).isEqualTo(payload(i));
                }
            }
        }
    }

    @Test
    void shouldRefuseToStartNamingTheClashingSetting() throws Exception {
        try (RelayProcess relay = new RelayProcess(
                "relay.feeds[0].name=one",
                "relay.feeds[0].port=16700",
                "relay.feeds[0].destinations[0]=239.255.67.1:6200",
                "relay.feeds[1].name=two",
                "relay.feeds[1].port=16700",
                "relay.feeds[1].destinations[0]=239.255.67.2:6201")) {
            assertThat(relay.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(relay.process().exitValue()).isNotZero();
            assertThat(relay.output())
                .contains("relay.feeds[1].port")
                .contains("port is already used by relay.feeds[0].port (one)");
        }
    }

    private static void awaitNoProgress(final AtomicInteger written) throws InterruptedException {
        int last = -1;
        while (written.get() != last && written.get() < FRAMES) {
            last = written.get();
            Thread.sleep(500);
        }
    }

    private static byte[] payload(final int index) {
        final byte[] payload = new byte[100];
        ByteBuffer.wrap(payload).putInt(index).putInt(~index);
        return payload;
    }
}
