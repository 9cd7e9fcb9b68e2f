package io.mcastrelay.capture;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import io.mcastrelay.wire.Destination;

/**
 * The exchange, for the tests: sends datagrams to a group on the loopback interface (IP_MULTICAST_IF lo, loop on),
 * where the capture's sockets joined it. Also picks free UDP ports, so tests running at the same time on this
 * machine do not hear each other. Test thread only.
 */
final class LoopbackMulticast implements AutoCloseable {
    private final DatagramChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);

    LoopbackMulticast() throws IOException {
        final NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        channel = DatagramChannel.open(StandardProtocolFamily.INET)
            .setOption(StandardSocketOptions.IP_MULTICAST_IF, loopback)
            .setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true)
            .setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0)
            .bind(new InetSocketAddress("127.0.0.1", 0));
    }

    /** @return a destination on a UDP port nothing else here uses now. */
    static Destination freeDestination(final String group) throws IOException {
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET)) {
            probe.bind(new InetSocketAddress(0));
            return Destination.parse(group + ":" + ((InetSocketAddress)probe.getLocalAddress()).getPort());
        }
    }

    void send(final Destination to, final byte[] payload) throws IOException {
        buffer.clear();
        buffer.put(payload).flip();
        channel.send(buffer, new InetSocketAddress(io.mcastrelay.wire.Ipv4.toString(to.group()), to.port()));
    }

    /** Sends a prepared direct buffer without allocating, for the allocation test. */
    void send(final ByteBuffer payload, final InetSocketAddress to) throws IOException {
        channel.send(payload, to);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
