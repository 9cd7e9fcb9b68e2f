package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.ingress.IngressCounters;
import io.mcastrelay.ingress.RefusalReason;
import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayV1Encoder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults of the senders' side, against the whole relay on loopback (docs/faults.md): a sender that stops in the
 * middle of a frame, and a storm of connections on a feed port, each while a legitimate sender goes on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionFaultsIT {
    private static final String FEED = "storm";

    @Test
    void shouldNeverEmitAPartialFrameAndCloseItsConnectionForIdlenessWhileOthersGoOn() throws Exception {
        final String group = "239.255.73.1";
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (TestRelay relay = new TestRelay(feed(feedPort, group, udpPort, "2s", 4));
             MulticastReceiver customer = new MulticastReceiver(group, udpPort);
             FeedClient stalled = new FeedClient(feedPort);
             FeedClient steady = new FeedClient(feedPort)) {
            final IngressCounters counters = relay.ingress().counters(FEED);
            final byte[] whole = stalled.send(group, udpPort, "the stalled sender's last whole frame");
            final byte[] partialPayload = "this frame never ends".getBytes(StandardCharsets.US_ASCII);
            final byte[] frame = new byte[64];
            final int length = RelayV1Encoder.encodeData(new UnsafeBuffer(frame), 0, Ipv4.parse(group), udpPort, 2,
                0, new UnsafeBuffer(partialPayload), 0, partialPayload.length);
            stalled.sendRaw(Arrays.copyOf(frame, length - 5));
            final long stalledAt = System.nanoTime();

            final List<byte[]> steadyPayloads = new ArrayList<>();
            boolean closed = false;
            for (int i = 0; i < 40 && !closed; i++) {
                steadyPayloads.add(steady.send(group, udpPort, "steady #" + i));
                Thread.sleep(100);
                closed = counters.idleTimeouts().get() > 0;
            }
            assertThat(stalled.closedByPeer(5000)).as("the stalled connection is closed").isTrue();
            final long closedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt);
            for (int i = 0; i < 10; i++) {
                steadyPayloads.add(steady.send(group, udpPort, "steady after #" + i));
            }

            final List<byte[]> expected = new ArrayList<>();
            expected.add(whole);
            expected.addAll(steadyPayloads);
            final List<byte[]> received = customer.await(expected.size(), 10, TimeUnit.SECONDS);
            assertThat(received).as("the whole frames of both, in each one's order").hasSize(expected.size());
            assertThat(received).usingElementComparator(Arrays::compare).containsExactlyInAnyOrderElementsOf(expected);
            Thread.sleep(500);
            assertThat(customer.payloads()).as("the partial frame is never emitted")
                .noneMatch(payload -> new String(payload, StandardCharsets.US_ASCII).contains("never ends"));
            assertThat(counters.idleTimeouts().get()).as("closed for idleness, counted").isEqualTo(1);
            assertThat(closedAfterMs).as("within the 2 s idle timeout and a little")
                .isBetween(1_500L, 6_000L);
            assertThat(steady.closedByPeer(200)).as("the steady sender is still connected").isFalse();
            assertThat(counters.connectionsCurrent().get()).isEqualTo(1);
            System.out.printf("[ConnectionFaultsIT] mid-frame stall: closed after %d ms (idle-timeout 2 s), "
                + "%d frames of the other sender delivered meanwhile, partial frame never emitted%n", closedAfterMs,
                steadyPayloads.size());
        }
    }

    @Test
    void shouldRefuseAStormOverMaxConnectionsAndKeepRelayingTheLegitimateSender() throws Exception {
        final String group = "239.255.73.2";
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        final int storm = 2000;
        final int frames = 4000;
        try (TestRelay relay = new TestRelay(feed(feedPort, group, udpPort, "2s", 8));
             MulticastReceiver customer = new MulticastReceiver(group, udpPort);
             FeedClient legitimate = new FeedClient(feedPort)) {
            final IngressCounters counters = relay.ingress().counters(FEED);
            final int healthPort = relay.context().getEnvironment()
                .getRequiredProperty("local.server.port", Integer.class);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<byte[]> sent = new ArrayList<>();
            final AtomicBoolean done = new AtomicBoolean();
            final Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < frames; i++) {
                        synchronized (sent) {
                            sent.add(legitimate.send(group, udpPort, "legitimate #" + i));
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    while (!done.get()) {
                        legitimate.heartbeat();
                        Thread.sleep(500);
                    }
                } catch (final Throwable ex) {
                    failure.set(ex);
                }
            }, "legitimate-sender");
            final ReadinessWatch readiness = new ReadinessWatch(healthPort);
            readiness.start();
            sender.start();

            final long stormStart = System.nanoTime();
            final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
            final AtomicInteger connectFailures = new AtomicInteger();
            storm(feedPort, storm, sockets, connectFailures);
            final long stormMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stormStart);

            final List<byte[]> received = customer.await(frames, 30, TimeUnit.SECONDS);
            assertThat(received).as("every legitimate frame").hasSize(frames);
            synchronized (sent) {
                assertThat(received).as("in order").usingElementComparator(Arrays::compare).isEqualTo(sent);
            }

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (counters.connectionsCurrent().get() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(counters.connectionsCurrent().get()).as("every storm connection closed; the sender stays")
                .isEqualTo(1);
            final long refused = counters.refusals(RefusalReason.MAX_CONNECTIONS).get();
            final long admitted = counters.connectionsAccepted().get() - 1;
            long protocolErrors = 0;
            for (int i = 0; i < ProtocolError.count(); i++) {
                protocolErrors += counters.protocolErrors(ProtocolError.get(i)).get();
            }
            assertThat(refused + admitted).as("each storm connection refused (counted) or admitted")
                .isEqualTo(sockets.size());
            assertThat(refused).as("most refused: over max-connections").isGreaterThan(storm / 2);
            assertThat(protocolErrors + counters.idleTimeouts().get())
                .as("each admitted one closed for its garbage or its silence, counted").isEqualTo(admitted);
            final int closedByRelay = closedByRelay(sockets);
            done.set(true);
            sender.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(failure.get()).as("the legitimate sender was never cut off").isNull();
            readiness.stop();
            final long usedDirect = ((ByteBufAllocatorMetricProvider)ByteBufAllocator.DEFAULT).metric()
                .usedDirectMemory();
            assertThat(readiness.statuses()).as("readiness answered 200 throughout the storm").containsOnly(200);
            assertThat(closedByRelay).as("the relay closed every storm connection it accepted")
                .isEqualTo(sockets.size());
            assertThat(usedDirect).as("Netty's direct memory stays small").isLessThan(64L * 1024 * 1024);
            System.out.printf("[ConnectionFaultsIT] storm of %d connections in %d ms (%d failed to connect): "
                + "%d refused (max-connections), %d admitted and closed (%d protocol errors, %d idle timeouts); "
                + "%d frames of the legitimate sender delivered in order; %d readiness checks all 200; Netty direct "
                + "memory %d KB%n", storm, stormMs, connectFailures.get(), refused, admitted, protocolErrors,
                counters.idleTimeouts().get(), frames, readiness.statuses().size(), usedDirect / 1024);
        }
    }

    /** Opens the connections from four threads as fast as they can; a third of them send 64 random bytes. */
    private static void storm(
        final int feedPort, final int count, final ConcurrentLinkedQueue<Socket> sockets,
        final AtomicInteger connectFailures) throws InterruptedException {
        final List<Thread> stormers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            final int thread = t;
            stormers.add(new Thread(() -> {
                final Random random = new Random(thread);
                for (int i = thread; i < count; i += 4) {
                    final Socket socket = new Socket();
                    try {
                        socket.connect(new InetSocketAddress("127.0.0.1", feedPort), 10_000);
                        sockets.add(socket);
                        if (i % 3 == 0) {
                            final byte[] garbage = new byte[64];
                            random.nextBytes(garbage);
                            socket.getOutputStream().write(garbage);
                        }
                    } catch (final IOException ex) {
                        connectFailures.incrementAndGet();
                        closeQuietly(socket);
                    }
                }
            }, "storm-" + t));
        }
        stormers.forEach(Thread::start);
        for (final Thread stormer : stormers) {
            stormer.join();
        }
    }

    /**
     * Counts the sockets the relay closed (end of stream, after any heartbeats, or a reset, within 2 s each), then
     * closes them all.
     */
    private static int closedByRelay(final ConcurrentLinkedQueue<Socket> sockets) throws IOException {
        int closed = 0;
        for (final Socket socket : sockets) {
            socket.setSoTimeout(2000);
            try {
                final byte[] sink = new byte[256];
                int read = 0;
                while (read >= 0) {
                    read = socket.getInputStream().read(sink);
                }
                closed++;
            } catch (final SocketTimeoutException ex) {
                // still open
            } catch (final IOException ex) {
                closed++;
            }
            closeQuietly(socket);
        }
        return closed;
    }

    private static String[] feed(
        final int feedPort, final String group, final int udpPort, final String idleTimeout,
        final int maxConnections) {
        return new String[] {
            "relay.feeds[0].name=" + FEED,
            "relay.feeds[0].port=" + feedPort,
            "relay.feeds[0].max-payload=1400B",
            "relay.feeds[0].idle-timeout=" + idleTimeout,
            "relay.feeds[0].max-connections=" + maxConnections,
            "relay.feeds[0].destinations[0]=" + group + ":" + udpPort,
        };
    }

    private static void closeQuietly(final Socket socket) {
        try {
            socket.close();
        } catch (final IOException ex) {
            // closing anyway
        }
    }

    /** Polls {@code /readyz} every 50 ms on a thread of its own and keeps every status (-1 for no answer). */
    private static final class ReadinessWatch implements Runnable {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final URI uri;
        private final List<Integer> statuses = new ArrayList<>();
        private final Thread thread = new Thread(this, "readiness-watch");
        private volatile boolean running = true;

        ReadinessWatch(final int port) {
            uri = URI.create("http://127.0.0.1:" + port + "/readyz");
        }

        void start() {
            thread.start();
        }

        @Override
        public void run() {
            while (running) {
                int status;
                try {
                    status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (final IOException ex) {
                    status = -1;
                } catch (final InterruptedException ex) {
                    return;
                }
                synchronized (statuses) {
                    statuses.add(status);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }

        List<Integer> statuses() {
            synchronized (statuses) {
                return new ArrayList<>(statuses);
            }
        }
    }
}
