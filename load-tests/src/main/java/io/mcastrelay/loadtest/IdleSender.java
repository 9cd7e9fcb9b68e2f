package io.mcastrelay.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.ProbePayload;
import io.mcastrelay.wire.RelayV1Encoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The idle scenario's sender: one connection that sends a relay-v1 HEARTBEAT when told (once a second, so the relay's
 * idle timeout never closes it) and, now and then, one DATA frame whose payload is a {@link ProbePayload} stamped
 * with the time it is written. Whatever the forwarder sends back (the relay's HEARTBEATs, a session's ACKs) is read
 * and dropped. Used by the control thread only.
 */
final class IdleSender implements AutoCloseable {
    private static final long FINISH_TIMEOUT_NS = 10_000_000_000L;

    private final SocketChannel channel;
    private final ByteBuffer frame = ByteBuffer.allocateDirect(64 * 1024);
    private final UnsafeBuffer frameBuffer = new UnsafeBuffer(frame);
    private final ByteBuffer incoming = ByteBuffer.allocateDirect(64 * 1024);
    private long lastSequence;

    /**
     * Warms a forwarder up as traffic would: {@code frames} DATA frames on a connection of their own, as fast as it
     * takes them, to a group nobody has joined; then half-closes and waits until the forwarder has read them all.
     * What a JVM forwarder then runs is its compiled frame path, as in one that has been in service.
     *
     * @param port          the forwarder's TCP port.
     * @param sessionFeed   the feed's name to open a session for, or null.
     * @param group         the destination group.
     * @param udpPort       the destination port.
     * @param payloadLength bytes of payload per frame.
     * @param frames        how many.
     * @throws IOException if the connection fails.
     */
    static void warmUp(
        final int port, final String sessionFeed, final int group, final int udpPort, final int payloadLength,
        final int frames) throws IOException {
        final RunClock clock = new RunClock(0, 0, TimeUnit.DAYS.toNanos(1));
        try (IdleSender sender = connect(port, sessionFeed)) {
            for (int i = 0; i < frames; i++) {
                sender.data(group, udpPort, payloadLength, 0, clock);
            }
            sender.finish();
        }
    }

    private IdleSender(final SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Connects, and says HELLO first if asked to.
     *
     * @param port        the forwarder's TCP port.
     * @param sessionFeed the feed's name to open a session for (relay-v1.1), or null for plain relay-v1.0.
     * @return the connected sender.
     * @throws IOException if it cannot connect.
     */
    static IdleSender connect(final int port, final String sessionFeed) throws IOException {
        final SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        final IdleSender sender = new IdleSender(channel);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            if (sessionFeed != null) {
                final long sessionId = ThreadLocalRandom.current().nextLong() | 1;
                sender.write(RelayV1Encoder.encodeHello(sender.frameBuffer, 0, sessionId, 1, 0,
                    sessionFeed.getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (final IOException ex) {
            channel.close();
            throw ex;
        }
        return sender;
    }

    /**
     * Sends a HEARTBEAT with the last DATA sequence, and reads what the forwarder sent meanwhile.
     *
     * @param sendTimeNanos the wall clock, ns since the epoch.
     * @throws IOException if the connection is gone.
     */
    void heartbeat(final long sendTimeNanos) throws IOException {
        write(RelayV1Encoder.encodeHeartbeat(frameBuffer, 0, lastSequence, sendTimeNanos));
        discardIncoming();
    }

    /**
     * Sends one DATA frame to a group, its payload a {@link ProbePayload} of stream 0 whose scheduled and actual send
     * times are both now.
     *
     * @param group         the destination group.
     * @param udpPort       the destination port.
     * @param payloadLength bytes of payload, at least {@link ProbePayload#HEADER_LENGTH}.
     * @param runToken      the run's token.
     * @param clock         the run's clock.
     * @throws IOException if the connection is gone.
     */
    void data(final int group, final int udpPort, final int payloadLength, final int runToken, final RunClock clock)
        throws IOException {
        final long sequence = ++lastSequence;
        ProbePayload.fillPattern(frameBuffer, DataFrameFlyweight.PAYLOAD_OFFSET, payloadLength);
        final long nowNanos = clock.epochNanos();
        ProbePayload.write(frameBuffer, DataFrameFlyweight.PAYLOAD_OFFSET, runToken, 0, payloadLength, sequence,
            nowNanos, nowNanos);
        write(RelayV1Encoder.encodeDataHeader(frameBuffer, 0, group, udpPort, sequence, nowNanos, payloadLength));
    }

    private void write(final int length) throws IOException {
        frame.limit(length).position(0);
        while (frame.hasRemaining()) {
            if (channel.write(frame) == 0) {
                LockSupport.parkNanos(100_000);
            }
        }
    }

    private void discardIncoming() throws IOException {
        incoming.clear();
        while (channel.read(incoming) > 0) {
            incoming.clear();
        }
    }

    /**
     * Half-closes and reads until the forwarder closes its side (so it has read everything), at most 10 s.
     *
     * @throws IOException if the forwarder does not close.
     */
    void finish() throws IOException {
        LoadGenerator.awaitClose(channel, incoming, FINISH_TIMEOUT_NS);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
