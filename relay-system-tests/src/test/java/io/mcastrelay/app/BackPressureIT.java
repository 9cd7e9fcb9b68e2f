package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.mcastrelay.ingress.IngressCounters;
import io.mcastrelay.testing.MulticastReceiver;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Egress side stalled: a second consumer of the feed's IPC stream that stops polling holds the publication at its
 * limit, exactly as a stuck egress would. The relay must stop reading the sender's socket (so the sender's TCP
 * writes block) and, once the consumer lets go, deliver every frame, in order. And egress slower than the sender
 * (a consumer that drains the stream slowly holds egress to its pace): a sender writing as fast as it can is held
 * to that pace, loses nothing, and the relay's memory stays bounded (docs/faults.md, fault 7).
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

    @Test
    void shouldHoldAFullSpeedSenderToAThrottledStreamWithBoundedMemoryAndLoseNothing() throws Exception {
        final String group = "239.255.65.2";
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (TestRelay relay = new TestRelay(
                "relay.aeron.term-length=64KB",
                "relay.ingress.receive-buffer=16KB",
                "relay.feeds[0].name=flood",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].max-payload=1000B",
                "relay.feeds[0].destinations[0]=" + group + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(group, udpPort);
             Aeron consumer = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(relay.aeronDirectory()).errorHandler(ex -> { }));
             FeedClient sender = new FeedClient(feedPort, 16 * 1024)) {
            final Subscription throttle = consumer.addSubscription("aeron:ipc", 1001);
            while (!throttle.isConnected()) {
                Thread.sleep(1);
            }
            final AtomicBoolean throttling = new AtomicBoolean(true);
            final Thread slowConsumer = new Thread(() -> {
                while (throttling.get()) {
                    throttle.poll((buffer, offset, length, header) -> { }, 2);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }, "throttling-consumer");
            slowConsumer.start();
            final AtomicLong maxDirect = new AtomicLong();
            final Thread sampler = new Thread(() -> {
                while (throttling.get()) {
                    maxDirect.accumulateAndGet(usedDirectMemory(), Math::max);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }, "direct-memory-sampler");
            sampler.start();

            final long floodNs = TimeUnit.SECONDS.toNanos(5);
            final long start = System.nanoTime();
            int written = 0;
            while (System.nanoTime() - start < floodNs) {
                sender.send(group, udpPort, payload(written));
                written++;
            }
            final IngressCounters counters = relay.ingress().counters("flood");
            final long backPressureNs = counters.backPressureNs().get();
            throttling.set(false);
            slowConsumer.join();
            sampler.join();
            throttle.close();

            final List<byte[]> received = customer.await(written, 60, TimeUnit.SECONDS);
            assertThat(received).as("every frame written at full speed arrives").hasSize(written);
            for (int i = 0; i < written; i++) {
                assertThat(received.get(i)).as("frame %d in order", i).isEqualTo(payload(i));
            }
            assertThat(counters.backPressureEpisodes().get()).as("the stream pushed back").isPositive();
            assertThat(backPressureNs).as("and the time not reading is counted, most of the 5 s")
                .isGreaterThan(floodNs / 2);
            assertThat(maxDirect.get()).as("Netty's direct memory stays bounded while held")
                .isLessThan(16L * 1024 * 1024);
            System.out.printf("[BackPressureIT] full-speed sender for 5 s against a stream drained at about 2000 "
                + "messages/s: %d frames written, all delivered in order; back-pressured %d ms; Netty direct memory "
                + "at most %d KB%n", written, TimeUnit.NANOSECONDS.toMillis(backPressureNs), maxDirect.get() / 1024);
        }
    }

    private static long usedDirectMemory() {
        return ((ByteBufAllocatorMetricProvider)ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
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
