package io.mcastrelay.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A customer's receiver, run inside the customer's network namespace by {@link MulticastNetworkIT}:
 * {@code java -cp TEST_CLASSPATH io.mcastrelay.app.NamespaceReceiver INTERFACE [GROUP:PORT ...]}.
 *
 * <p>Joins each group:port on the interface with an IPv4 {@link DatagramChannel} of its own (SO_REUSEADDR, bound to
 * the group's address, so it sees that group's datagrams only), then prints one line per event on stdout:
 * {@code joined GROUP:PORT}, {@code ready} once all are joined, {@code datagram GROUP:PORT SOURCE HEX} per datagram
 * and {@code left GROUP:PORT}. Commands on stdin, one a line: {@code join GROUP:PORT}, {@code leave GROUP:PORT}
 * (drops the membership, so the kernel sends an IGMP leave); it exits at the end of its input. One thread owns the
 * channels; a second only reads stdin.
 */
final class NamespaceReceiver {
    private final NetworkInterface networkInterface;
    private final Selector selector;
    private final Map<String, MembershipKey> memberships = new LinkedHashMap<>();
    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);
    private final PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);

    private NamespaceReceiver(final NetworkInterface networkInterface) throws IOException {
        this.networkInterface = networkInterface;
        this.selector = Selector.open();
    }

    public static void main(final String[] args) throws Exception {
        final NetworkInterface networkInterface = NetworkInterface.getByName(args[0]);
        if (networkInterface == null) {
            throw new IllegalArgumentException("no interface " + args[0]);
        }
        final NamespaceReceiver receiver = new NamespaceReceiver(networkInterface);
        for (int i = 1; i < args.length; i++) {
            receiver.join(args[i]);
        }
        receiver.print("ready");
        final Thread stdin = new Thread(receiver::readCommands, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        receiver.run();
    }

    private void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line.trim());
                selector.wakeup();
            }
        } catch (final IOException ex) {
            // treated as the end of input
        }
        commands.add("exit");
        selector.wakeup();
    }

    private void run() throws IOException {
        while (true) {
            selector.select(100);
            for (final SelectionKey key : selector.selectedKeys()) {
                receive(key);
            }
            selector.selectedKeys().clear();
            out.flush();
            for (String command = commands.poll(); command != null; command = commands.poll()) {
                if ("exit".equals(command)) {
                    return;
                }
                final String[] words = command.split(" ");
                if ("join".equals(words[0])) {
                    join(words[1]);
                } else if ("leave".equals(words[0])) {
                    leave(words[1]);
                } else {
                    print("unknown command: " + command);
                }
            }
        }
    }

    private void receive(final SelectionKey key) throws IOException {
        final DatagramChannel channel = (DatagramChannel)key.channel();
        if (!key.isValid() || !channel.isOpen()) {
            return;
        }
        buffer.clear();
        for (InetSocketAddress source = (InetSocketAddress)channel.receive(buffer); source != null;
             source = (InetSocketAddress)channel.receive(buffer)) {
            buffer.flip();
            final byte[] payload = new byte[buffer.remaining()];
            buffer.get(payload);
            out.println("datagram " + key.attachment() + " " + source.getAddress().getHostAddress() + " "
                + HexFormat.of().formatHex(payload));
            buffer.clear();
        }
    }

    private void join(final String destination) throws IOException {
        final int colon = destination.lastIndexOf(':');
        final InetAddress group = InetAddress.getByName(destination.substring(0, colon));
        final int port = Integer.parseInt(destination.substring(colon + 1));
        final DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)
            .setOption(StandardSocketOptions.SO_REUSEADDR, true)
            .setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024)
            .bind(new InetSocketAddress(group, port));
        channel.configureBlocking(false);
        memberships.put(destination, channel.join(group, networkInterface));
        channel.register(selector, SelectionKey.OP_READ, destination);
        print("joined " + destination);
    }

    private void leave(final String destination) throws IOException {
        final MembershipKey membership = memberships.remove(destination);
        if (membership == null) {
            print("not joined: " + destination);
            return;
        }
        membership.drop();
        membership.channel().close();
        print("left " + destination);
    }

    private void print(final String line) {
        out.println(line);
        out.flush();
    }
}
