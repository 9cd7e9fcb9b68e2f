package io.mcastrelay.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayV1Decoder;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The baseline every relay figure is compared with: the least a TCP-to-multicast forwarder must do. One thread per
 * feed; each accepted connection is read with blocking reads into one direct buffer, cut into frames with
 * {@link RelayV1Decoder}, and each DATA frame's payload sent at once with a blocking {@link DatagramChannel} send to
 * the group:port the frame names, from the egress interface. No Aeron, no Netty, no Spring, no second thread; no
 * destination list, no counters but its own, no heartbeats back.
 *
 * <p>Usage: {@code DirectForwarder --interface lo --ports 16666,16667}. Prints {@code ready} once listening and one
 * line per closed connection with what it forwarded; stops on SIGTERM.
 */
public final class DirectForwarder {
    private static final int READ_BUFFER_BYTES = 256 * 1024;

    private DirectForwarder() {
    }

    /**
     * Runs the forwarder until the process is stopped.
     *
     * @param args {@code --interface NAME --ports P[,P...]}.
     * @throws Exception if a listener cannot be opened.
     */
    public static void main(final String[] args) throws Exception {
        String interfaceName = "lo";
        final List<Integer> ports = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--interface" -> interfaceName = args[i + 1];
                case "--ports" -> {
                    for (final String port : args[i + 1].split(",")) {
                        ports.add(Integer.parseInt(port.trim()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final NetworkInterface networkInterface = NetworkInterface.getByName(interfaceName);
        if (networkInterface == null) {
            throw new IllegalArgumentException("no interface " + interfaceName);
        }
        start(networkInterface, ports, System.out);
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }

    /**
     * Opens a listener per port and serves each on a daemon thread of its own.
     *
     * @param networkInterface where the datagrams leave from.
     * @param ports            one per feed.
     * @param out              where each closed connection's line goes.
     * @return the listeners; closing one ends its thread.
     * @throws IOException if a port cannot be bound.
     */
    static List<ServerSocketChannel> start(
        final NetworkInterface networkInterface, final List<Integer> ports, final PrintStream out) throws IOException {
        final List<ServerSocketChannel> servers = new ArrayList<>();
        for (final int port : ports) {
            final ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress("127.0.0.1", port));
            servers.add(server);
            final Thread thread = new Thread(() -> serve(server, networkInterface, out), "forward-" + port);
            thread.setDaemon(true);
            thread.start();
        }
        return servers;
    }

    private static void serve(
        final ServerSocketChannel server, final NetworkInterface networkInterface, final PrintStream out) {
        try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            sender.bind(new InetSocketAddress(ipv4(networkInterface), 0));
            sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, networkInterface);
            sender.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            sender.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            final Connection connection = new Connection(sender);
            while (true) {
                try (SocketChannel socket = server.accept()) {
                    connection.forward(socket);
                    out.printf("closed port=%d frames=%d datagrams=%d heartbeats=%d errors=%d%n",
                        ((InetSocketAddress)server.getLocalAddress()).getPort(), connection.frames,
                        connection.datagrams, connection.heartbeats, connection.errors);
                    out.flush();
                }
            }
        } catch (final IOException ex) {
            out.println("forwarder stopped: " + ex);
        }
    }

    private static InetAddress ipv4(final NetworkInterface networkInterface) throws IOException {
        for (final InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
            if (address instanceof Inet4Address) {
                return address;
            }
        }
        throw new IOException(networkInterface.getName() + " has no IPv4 address");
    }

    /** One connection at a time of one feed; the feed's thread only. */
    private static final class Connection {
        private final DatagramChannel sender;
        private final ByteBuffer read = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        private final ByteBuffer send = read.duplicate();
        private final UnsafeBuffer view = new UnsafeBuffer(read);
        private final DataFrameFlyweight data = new DataFrameFlyweight();
        private final Long2ObjectHashMap<InetSocketAddress> addresses = new Long2ObjectHashMap<>();
        private long frames;
        private long datagrams;
        private long heartbeats;
        private long errors;

        Connection(final DatagramChannel sender) {
            this.sender = sender;
        }

        void forward(final SocketChannel socket) throws IOException {
            frames = 0;
            datagrams = 0;
            heartbeats = 0;
            errors = 0;
            read.clear();
            while (socket.read(read) >= 0) {
                final int available = read.position();
                int offset = 0;
                while (true) {
                    final int result = RelayV1Decoder.decode(view, offset, available - offset);
                    if (result == RelayV1Decoder.NEED_MORE) {
                        break;
                    }
                    if (result < 0) {
                        errors++;
                        return;
                    }
                    onFrame(offset, result);
                    offset += result;
                }
                read.limit(available).position(offset);
                read.compact();
            }
        }

        private void onFrame(final int offset, final int length) throws IOException {
            if (RelayV1Decoder.type(view, offset) != FrameDescriptor.TYPE_DATA) {
                heartbeats++;
                return;
            }
            frames++;
            data.wrap(view, offset);
            final long key = Ipv4.destinationKey(data.group(), data.port());
            InetSocketAddress address = addresses.get(key);
            if (address == null) {
                address = new InetSocketAddress(Ipv4.toString(data.group()), data.port());
                addresses.put(key, address);
            }
            final int payloadOffset = offset + DataFrameFlyweight.PAYLOAD_OFFSET;
            send.limit(offset + length).position(payloadOffset);
            if (sender.send(send, address) == length - DataFrameFlyweight.HEADER_LENGTH) {
                datagrams++;
            } else {
                errors++;
            }
        }
    }
}
