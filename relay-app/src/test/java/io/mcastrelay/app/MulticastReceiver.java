package io.mcastrelay.app;

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

/**
 * A customer on the loopback interface: joins one group:port and collects the payloads that arrive, on a thread of
 * its own so the socket buffer never overflows while a test is busy elsewhere.
 */
final class MulticastReceiver implements AutoCloseable {
    private final DatagramChannel channel;
    private final List<byte[]> payloads = new ArrayList<>();
    private final List<InetSocketAddress> sources = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    MulticastReceiver(final String group, final int port) throws IOException {
        final NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        channel = DatagramChannel.open(StandardProtocolFamily.INET)
            .setOption(StandardSocketOptions.SO_REUSEADDR, true)
            .setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024)
            .bind(new InetSocketAddress(port));
        channel.join(InetAddress.getByName(group), loopback);
        thread = new Thread(this::receive, "receiver-" + group + ":" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private void receive() {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        while (running) {
            try {
                buffer.clear();
                final InetSocketAddress source = (InetSocketAddress)channel.receive(buffer);
                buffer.flip();
                final byte[] payload = new byte[buffer.remaining()];
                buffer.get(payload);
                synchronized (this) {
                    payloads.add(payload);
                    sources.add(source);
                    notifyAll();
                }
            } catch (final IOException ex) {
                return;
            }
        }
    }

    /**
     * Waits for a number of datagrams in all.
     *
     * @return a copy of what arrived, possibly fewer if the time ran out.
     */
    synchronized List<byte[]> await(final int count, final long timeout, final TimeUnit unit)
        throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (payloads.size() < count) {
            final long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return new ArrayList<>(payloads);
    }

    synchronized List<byte[]> payloads() {
        return new ArrayList<>(payloads);
    }

    synchronized List<InetSocketAddress> sources() {
        return new ArrayList<>(sources);
    }

    static boolean samePayloads(final List<byte[]> expected, final List<byte[]> actual) {
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

    @Override
    public void close() throws IOException {
        running = false;
        channel.close();
    }
}
