package io.mcastrelay.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;

/**
 * Receives one loopback multicast group on a free port: a UDP socket bound to {@code 0.0.0.0:0} that joined the
 * group on the loopback interface. Non-blocking; {@link #receive} takes what has arrived.
 */
final class MulticastReceiver implements AutoCloseable {
    private final DatagramChannel channel;
    private final String group;
    private final int port;
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);

    MulticastReceiver(final String group) throws IOException {
        this.group = group;
        channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.bind(new InetSocketAddress("0.0.0.0", 0));
        port = ((InetSocketAddress)channel.getLocalAddress()).getPort();
        channel.join(InetAddress.getByName(group), loopback());
        channel.configureBlocking(false);
    }

    static NetworkInterface loopback() throws IOException {
        return NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    }

    /** @return the group:port this receiver listens to, as a destination that is not remapped. */
    Destination destination() {
        return Destination.parse(group + ":" + port);
    }

    /** @return a destination from an exchange-side group:port remapped to this receiver. */
    Destination remappedFrom(final String exchangeSide) {
        return Destination.parse(exchangeSide + "->" + group + ":" + port);
    }

    int group() {
        return Ipv4.parse(group);
    }

    int port() {
        return port;
    }

    /** @return the next datagram that arrived, or null if none has. */
    Datagram receive() throws IOException {
        buffer.clear();
        final InetSocketAddress source = (InetSocketAddress)channel.receive(buffer);
        if (source == null) {
            return null;
        }
        buffer.flip();
        final byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        return new Datagram(source, payload);
    }

    /** Waits for {@code count} datagrams, calling {@code work} (an agent's duty cycle, say) in between. */
    List<Datagram> receive(final int count, final Runnable work) throws IOException {
        final List<Datagram> datagrams = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (datagrams.size() < count) {
            final Datagram datagram = receive();
            if (datagram != null) {
                datagrams.add(datagram);
            } else {
                assertThat(System.nanoTime() - deadline).as("%d of %d datagrams on %s:%d", datagrams.size(), count,
                    group, port).isNegative();
                work.run();
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
            }
        }
        return datagrams;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * One datagram received.
     *
     * @param source  where it came from.
     * @param payload its bytes.
     */
    record Datagram(InetSocketAddress source, byte[] payload) {
    }
}
