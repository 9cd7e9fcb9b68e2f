package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What NLBs and scanners do to the health port, while frames flow: thousands of health checks, each on a new
 * connection, and hundreds of connections that never send a request or are left half-open. The health endpoint
 * keeps answering, silent connections are closed after the idle timeout, and no frame is lost or held back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthFloodIT {
    private static final String GROUP = "239.255.71.1";
    private static final int FRAMES = 20_000;
    private static final int FRAMES_PER_SECOND = 4_000;
    private static final int HEALTH_CHECKS = 3_000;
    private static final int SILENT_ROUNDS = 5;
    private static final int SILENT_PER_ROUND = 200;

    @Test
    void shouldKeepAnsweringAndRelayingUnderHealthChecksAndSilentConnections() throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try (TestRelay relay = new TestRelay(
                "server.netty.idle-timeout=1s",
                "relay.feeds[0].name=flood",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort);
             FeedClient sender = new FeedClient(feedPort)) {
            final int healthPort = relay.context().getEnvironment().getProperty("local.server.port", Integer.class);
            final AtomicLong lastSentNs = new AtomicLong();

            final Future<?> frames = pool.submit(() -> {
                final long start = System.nanoTime();
                for (int i = 0; i < FRAMES; i++) {
                    LockSupport.parkNanos(start + i * (1_000_000_000L / FRAMES_PER_SECOND) - System.nanoTime());
                    sender.send(GROUP, udpPort, payload(i));
                }
                lastSentNs.set(System.nanoTime());
                return null;
            });
            final AtomicInteger healthy = new AtomicInteger();
            final AtomicLong slowestCheckNs = new AtomicLong();
            final List<Future<?>> checkers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                checkers.add(pool.submit(() -> {
                    for (int i = 0; i < HEALTH_CHECKS / 2; i++) {
                        final long begin = System.nanoTime();
                        if (readyz(healthPort).startsWith("HTTP/1.1 200")) {
                            healthy.incrementAndGet();
                        }
                        slowestCheckNs.accumulateAndGet(System.nanoTime() - begin, Math::max);
                    }
                    return null;
                }));
            }
            final Future<Integer> silent = pool.submit(() -> silentConnectionsClosed(healthPort));

            frames.get(60, TimeUnit.SECONDS);
            final List<byte[]> received = customer.await(FRAMES, 10, TimeUnit.SECONDS);
            final long lastReceivedNs = System.nanoTime();
            assertThat(silent.isDone()).as("silent connections were still being opened while frames flowed").isFalse();
            assertThat(received).as("no frame lost").hasSize(FRAMES);
            for (int i = 0; i < FRAMES; i++) {
                assertThat(received.get(i)).as("frame %d in order", i).isEqualTo(payload(i));
            }
            assertThat(lastReceivedNs - lastSentNs.get()).as("no frame held back (ns)")
                .isLessThan(TimeUnit.SECONDS.toNanos(2));

            for (final Future<?> checker : checkers) {
                checker.get(60, TimeUnit.SECONDS);
            }
            assertThat(healthy.get()).as("every health check answered 200").isEqualTo(HEALTH_CHECKS);
            assertThat(slowestCheckNs.get()).as("slowest health check (ns)").isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(silent.get(60, TimeUnit.SECONDS)).as("silent and half-open connections closed by the server")
                .isEqualTo(SILENT_ROUNDS * SILENT_PER_ROUND);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One health check as an NLB makes it: a new connection, one request, read the status line, close. */
    private static String readyz(final int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(
                "GET /readyz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final byte[] response = socket.getInputStream().readAllBytes();
            return new String(response, StandardCharsets.US_ASCII);
        }
    }

    /**
     * Rounds of connections that send nothing, half of them half-open (output shut down), held until the server
     * closes them; counts those it closed within the idle timeout plus a margin.
     */
    private static int silentConnectionsClosed(final int port) throws IOException, InterruptedException {
        int closed = 0;
        for (int round = 0; round < SILENT_ROUNDS; round++) {
            final List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < SILENT_PER_ROUND; i++) {
                    final Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    if (i % 2 == 1) {
                        socket.shutdownOutput();
                    }
                    sockets.add(socket);
                }
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                for (final Socket socket : sockets) {
                    if (closedByServer(socket, deadline)) {
                        closed++;
                    }
                }
            } finally {
                for (final Socket socket : sockets) {
                    socket.close();
                }
            }
        }
        return closed;
    }

    private static boolean closedByServer(final Socket socket, final long deadline) throws IOException {
        final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        socket.setSoTimeout((int)Math.max(1, left));
        try {
            final InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (final SocketTimeoutException ex) {
            return false;
        } catch (final IOException ex) {
            return true;
        }
    }

    private static byte[] payload(final int index) {
        final byte[] payload = new byte[64];
        ByteBuffer.wrap(payload).putInt(index).putInt(~index);
        return payload;
    }
}
