package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.ingress.IngressCounters;
import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.tools.IpcTap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A third party's subscriber to the feed's IPC stream ({@code IpcTap} in a process of its own) frozen with SIGSTOP
 * while the exchange sends (docs/faults.md, fault 3). Untethered, as docs/ipc-stream.md asks, it holds the relay at
 * most once for {@code relay.aeron.untethered-window-limit-timeout}; tethered, at most for
 * {@code relay.aeron.client-liveness-timeout}, after which the driver drops the frozen client. Either way every frame
 * reaches multicast, in order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StalledSubscriberIT {
    private static final int FRAMES = 6000;
    private static final int PAYLOAD = 200;

    @Test
    void shouldHoldTheRelayAtMostTheUntetheredWindowLimitTimeoutForAFrozenUntetheredSubscriber() throws Exception {
        final long backPressureMs = runWithFrozenSubscriber("239.255.74.1", "aeron:ipc?tether=false");
        assertThat(backPressureMs).as("held about the 1 s window limit timeout, far less than the 6 s liveness one")
            .isLessThan(3_500L);
    }

    @Test
    void shouldHoldTheRelayAtMostTheClientLivenessTimeoutForAFrozenTetheredSubscriber() throws Exception {
        final long backPressureMs = runWithFrozenSubscriber("239.255.74.2", "aeron:ipc");
        assertThat(backPressureMs).as("held until the driver dropped the frozen client after 6 s, no longer")
            .isBetween(4_000L, 8_500L);
    }

    /** Freezes a tap on the channel, sends FRAMES at 1 per ms, checks every one arrives; returns ms back-pressured. */
    private static long runWithFrozenSubscriber(final String group, final String channel) throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (TestRelay relay = new TestRelay(
                "relay.aeron.term-length=64KB",
                "relay.aeron.client-liveness-timeout=6s",
                "relay.aeron.untethered-window-limit-timeout=1s",
                "relay.aeron.untethered-resting-timeout=60s",
                "relay.feeds[0].name=tapped",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].max-payload=1000B",
                "relay.feeds[0].destinations[0]=" + group + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(group, udpPort);
             JavaProcess tap = JavaProcess.start(null, IpcTap.class, "--aeron-dir", relay.aeronDirectory(),
                 "--channel", channel, "--stream-id", "1001");
             FeedClient sender = new FeedClient(feedPort)) {
            tap.awaitLine(line -> line.contains("publisher connected"), 30_000);
            tap.signal("STOP");
            final IngressCounters counters = relay.ingress().counters("tapped");

            final long start = System.nanoTime();
            for (int i = 0; i < FRAMES; i++) {
                sender.send(group, udpPort, payload(i));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            final long sendingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            final List<byte[]> received = customer.await(FRAMES, 30, TimeUnit.SECONDS);
            final long backPressureMs = TimeUnit.NANOSECONDS.toMillis(counters.backPressureNs().get());
            tap.signal("CONT");

            assertThat(received).as("every frame reaches multicast").hasSize(FRAMES);
            for (int i = 0; i < FRAMES; i++) {
                assertThat(received.get(i)).as("frame %d in order", i).isEqualTo(payload(i));
            }
            System.out.printf("[StalledSubscriberIT] %s subscriber frozen: %d frames sent in %d ms, relay "
                + "back-pressured %d ms in %d episodes, all delivered in order%n", channel, FRAMES, sendingMs,
                backPressureMs, counters.backPressureEpisodes().get());
            return backPressureMs;
        }
    }

    private static byte[] payload(final int index) {
        final byte[] payload = new byte[PAYLOAD];
        ByteBuffer.wrap(payload).putInt(index).putInt(~index);
        return payload;
    }
}
