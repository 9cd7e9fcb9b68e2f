package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.testing.SteadyStateAllocation;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayV1Encoder;
import io.netty.util.ResourceLeakDetector;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole frame path on the thread that runs it, in the relay as it runs by default: the feed's event loop reads
 * the socket (Netty, epoll), decodes, publishes into the IPC stream and sends the datagrams with {@code sendmmsg}.
 * Over hundreds of thousands of frames in reads of every size, that thread allocates nothing per frame nor per read:
 * its allocated-bytes counter (the JVM's, per thread) barely moves. Netty's paranoid leak detector, on in every
 * other test, is off here as in production: it records each buffer's accesses.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HotPathAllocationIT {
    private static final int FRAMES_PER_ROUND = 200_000;
    private static final int PAYLOAD_BYTES = 100;
    /** Rounds before the one measured: the compiler and the first connection's one-off work are done by then. */
    private static final int WARM_UP_ROUNDS = 2;
    /** Measured rounds at most: when C2 settles depends on the machine; the least round is the steady state. */
    private static final int MEASURED_ROUNDS = 6;

    @Test
    void shouldAllocateNothingPerFrameOnTheFeedsEventLoopFromSocketToSendmmsg() throws Exception {
        // The tests' paranoid leak detector records every buffer's accesses; production runs without it.
        final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (TestRelay relay = new TestRelay(
                "relay.feeds[0].name=alloc",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].destinations[0]=239.255.68.1:" + udpPort);
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", feedPort), 5000);
            socket.setTcpNoDelay(true);
            final OutputStream out = socket.getOutputStream();
            final Sender sender = new Sender(Ipv4.parse("239.255.68.1"), udpPort);

            long sent = 0;
            for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
                sender.send(out, FRAMES_PER_ROUND);
                awaitSent(relay, sent += FRAMES_PER_ROUND);
            }
            final Thread eventLoop = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("relay-ingress-alloc-")).findFirst().orElseThrow();
            final long[] delivered = {sent};
            // A quarter of a byte per frame: one object per frame would be 16 B or more, one per read (about 4000
            // reads here) 64 KB or more; what remains is the connection's timers (heartbeats, idle checks).
            final long least = SteadyStateAllocation.leastPerRound(eventLoop, MEASURED_ROUNDS, FRAMES_PER_ROUND / 4,
                meter -> meter.measure(() -> {
                    sender.send(out, FRAMES_PER_ROUND);
                    awaitSent(relay, delivered[0] += FRAMES_PER_ROUND);
                }));

            assertThat(least).as("bytes the feed's event loop allocated for %d frames (least of up to %d rounds)",
                FRAMES_PER_ROUND, MEASURED_ROUNDS).isLessThan(FRAMES_PER_ROUND / 4);
        } finally {
            ResourceLeakDetector.setLevel(leakDetection);
        }
    }

    private static void awaitSent(final TestRelay relay, final long datagrams) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (relay.egress().counters("alloc").destinations().get(0).datagrams().get() < datagrams) {
            assertThat(System.nanoTime() - deadline).as("all datagrams sent").isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Frames in writes of 1 to 97 frames, so that the relay's reads hold every number of whole and partial frames. */
    private static final class Sender {
        private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_BYTES]);
        private final byte[] bytes = new byte[97 * (28 + PAYLOAD_BYTES)];
        private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        private final int group;
        private final int port;
        private long sequence;

        Sender(final int group, final int port) {
            this.group = group;
            this.port = port;
        }

        void send(final OutputStream out, final int frames) throws Exception {
            int sent = 0;
            for (int write = 0; sent < frames; write++) {
                final int count = Math.min(frames - sent, 1 + write % 97);
                int length = 0;
                for (int i = 0; i < count; i++) {
                    length += RelayV1Encoder.encodeData(buffer, length, group, port, ++sequence, 0, payload, 0,
                        PAYLOAD_BYTES);
                }
                out.write(bytes, 0, length);
                sent += count;
            }
            out.flush();
        }
    }
}
