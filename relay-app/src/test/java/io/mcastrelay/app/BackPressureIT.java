package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.mcastrelay.ingress.IngressCounters;
import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Egress side stalled: a second consumer of the feed's IPC stream that stops polling holds the publication at its
 * limit, exactly as a stuck egress would. The relay must stop reading the sender's socket (so the sender's TCP
 * writes block) and, once the consumer lets go, deliver every frame, in order.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BackPressureIT {
    private static final String GROUP = "239.255.65.1";
    private static final int FRAMES = 4000;
    private static final int PAYLOAD = 100;

    @Test
    void shouldBlockTheSenderWhileStalledAndDeliverEveryFrameOnceReleased() throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (TestRelay relay = new TestRelay(
                "relay.aeron.term-length=64KB",
                "relay.ingress.receive-buffer=16KB",
                "relay.feeds[0].name=slow",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].max-payload=1000B",
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort);
             Aeron consumer = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(relay.aeronDirectory()).errorHandler(ex -> { }));
             FeedClient sender = new FeedClient(feedPort, 16 * 1024)) {
            final Subscription stalled = consumer.addSubscription("aeron:ipc", 1001);
            while (!stalled.isConnected()) {
                Thread.sleep(1);
            }
            final AtomicInteger written = new AtomicInteger();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < FRAMES; i++) {
                        sender.send(GROUP, udpPort, payload(i));
                        written.incrementAndGet();
                    }
                } catch (final Throwable ex) {
                    failure.set(ex);
                }
            }, "stalled-sender");
            writer.start();

            final int stuckAt = awaitNoProgress(written);
            final IngressCounters counters = relay.ingress().counters("slow");
            assertThat(stuckAt).as("the sender's writes block before all frames are written").isLessThan(FRAMES);
            assertThat(counters.backPressureEpisodes().get()).as("back-pressure was seen").isPositive();
            assertThat(customer.payloads().size()).as("delivery stalled too").isLessThan(FRAMES);

            stalled.close();
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(failure.get()).isNull();
            assertThat(written.get()).isEqualTo(FRAMES);

            final List<byte[]> received = customer.await(FRAMES, 30, TimeUnit.SECONDS);
            assertThat(received).hasSize(FRAMES);
            for (int i = 0; i < FRAMES; i++) {
                assertThat(received.get(i)).as("frame %d in order", i).isEqualTo(payload(i));
            }
            assertThat(counters.backPressureNs().get()).as("time back-pressured is measured").isPositive();
        }
    }

    private static int awaitNoProgress(final AtomicInteger written) throws InterruptedException {
        int last = -1;
        while (true) {
            Thread.sleep(500);
            final int now = written.get();
            if (now == last || now == FRAMES) {
                return now;
            }
            last = now;
        }
    }

    private static byte[] payload(final int index) {
        final byte[] payload = new byte[PAYLOAD];
        ByteBuffer.wrap(payload).putInt(index).putInt(~index);
        return payload;
    }
}
