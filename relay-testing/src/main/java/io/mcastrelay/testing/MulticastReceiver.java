package io.mcastrelay.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;

/**
 * A customer on the loopback interface: a UDP socket bound to the wildcard address on a port (a free one unless
 * given) that joined one group there. A thread of its own keeps every datagram that arrives, in order, so the socket
 * buffer never overflows while a test is busy elsewhere. Tests read what arrived in one of two ways:
 * <ul>
 *   <li>{@link #await}, {@link #payloads()} and {@link #sources()} see everything received so far;</li>
 *   <li>{@link #receive()} and {@link #receive(int, Runnable)} hand the datagrams out one at a time, each once, for
 *   tests that drive the sending side themselves (an agent's {@code doWork()}, say).</li>
 * </ul>
 * Every method may be called from any thread.
 */
public final class MulticastReceiver implements AutoCloseable {
    private static final long RECEIVE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    private final String group;
    private final int port;
    private final DatagramChannel channel;
    private final Thread thread;
    private final List<Datagram> datagrams = new ArrayList<>();
    private int handedOut;

    /**
     * Joins a group on a free port; {@link #destination()} says which.
     *
     * @param group the multicast group, dotted quad.
     * @throws IOException if the socket cannot be bound or the group joined.
     */
    public MulticastReceiver(final String group) throws IOException {
        this(group, 0);
    }

    /**
     * Joins a group on a given port.
     *
     * @param group the multicast group, dotted quad.
     * @param port  the UDP port; 0 for a free one.
     * @throws IOException if the socket cannot be bound or the group joined.
     */
    public MulticastReceiver(final String group, final int port) throws IOException {
        this.group = group;
        final NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        channel = DatagramChannel.open(StandardProtocolFamily.INET)
            .setOption(StandardSocketOptions.SO_REUSEADDR, true)
            .setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
            .bind(new InetSocketAddress(port));
        this.port = ((InetSocketAddress)channel.getLocalAddress()).getPort();
        channel.join(InetAddress.getByName(group), loopback);
        thread = new Thread(this::receiveUntilClosed, "receiver-" + group + ":" + this.port);
        thread.setDaemon(true);
        thread.start();
    }

    private void receiveUntilClosed() {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        try {
            while (true) {
                buffer.clear();
                final InetSocketAddress source = (InetSocketAddress)channel.receive(buffer);
                buffer.flip();
                final byte[] payload = new byte[buffer.remaining()];
                buffer.get(payload);
                synchronized (this) {
                    datagrams.add(new Datagram(source, payload));
                    notifyAll();
                }
            }
        } catch (final IOException ex) {
            // closed: the thread's work is done
        }
    }

    /** @return the group:port this receiver listens to, as a destination that is not remapped. */
    public Destination destination() {
        return Destination.parse(group + ":" + port);
    }

    /**
     * A destination that remaps an exchange-side group:port to this receiver.
     *
     * @param exchangeSide the group:port the sender addresses.
     * @return {@code exchangeSide->group:port}.
     */
    public Destination remappedFrom(final String exchangeSide) {
        return Destination.parse(exchangeSide + "->" + group + ":" + port);
    }

    /** @return the group as the IPC message carries it. */
    public int group() {
        return Ipv4.parse(group);
    }

    /** @return the UDP port. */
    public int port() {
        return port;
    }

    /** @return the next datagram not handed out yet, or null if none has arrived. */
    public synchronized Datagram receive() {
        return handedOut < datagrams.size() ? datagrams.get(handedOut++) : null;
    }

    /**
     * Hands out the next {@code count} datagrams, waiting for them and calling {@code work} meanwhile; fails the test
     * if they have not arrived within five seconds.
     *
     * @param count how many.
     * @param work  run on the caller's thread while waiting: an agent's duty cycle, say, or nothing.
     * @return the datagrams, in the order they arrived.
     */
    public List<Datagram> receive(final int count, final Runnable work) {
        final long deadline = System.nanoTime() + RECEIVE_TIMEOUT_NS;
        while (true) {
            synchronized (this) {
                if (datagrams.size() - handedOut >= count) {
                    final List<Datagram> next = new ArrayList<>(datagrams.subList(handedOut, handedOut + count));
                    handedOut += count;
                    return next;
                }
                if (System.nanoTime() - deadline > 0) {
                    fail(String.format("%d of %d datagrams on %s:%d", datagrams.size() - handedOut, count, group,
                        port));
                }
            }
            work.run();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
        }
    }

    /**
     * Waits until {@code count} datagrams arrived in all.
     *
     * @param count   how many, counting from the first.
     * @param timeout how long to wait at most.
     * @param unit    the unit of {@code timeout}.
     * @return the payloads of every datagram so far, in order: fewer than {@code count} if the time ran out.
     * @throws InterruptedException if interrupted while waiting.
     */
    public synchronized List<byte[]> await(final int count, final long timeout, final TimeUnit unit)
        throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (datagrams.size() < count) {
            final long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return payloads();
    }

    /** @return the payloads of every datagram so far, in order. */
    public synchronized List<byte[]> payloads() {
        final List<byte[]> payloads = new ArrayList<>(datagrams.size());
        for (final Datagram datagram : datagrams) {
            payloads.add(datagram.payload());
        }
        return payloads;
    }

    /** @return where every datagram so far came from, in order. */
    public synchronized List<InetSocketAddress> sources() {
        final List<InetSocketAddress> sources = new ArrayList<>(datagrams.size());
        for (final Datagram datagram : datagrams) {
            sources.add(datagram.source());
        }
        return sources;
    }

    /**
     * Whether two lists hold the same payloads, byte for byte, in the same order.
     *
     * @param expected what was sent.
     * @param actual   what arrived.
     * @return true if they are the same.
     */
    public static boolean samePayloads(final List<byte[]> expected, final List<byte[]> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(expected.get(i), actual.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Closes the socket and waits (briefly) for the receiving thread to end. */
    @Override
    public void close() throws IOException {
        channel.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One datagram received.
     *
     * @param source  where it came from.
     * @param payload its bytes.
     */
    public record Datagram(InetSocketAddress source, byte[] payload) {
    }
}
