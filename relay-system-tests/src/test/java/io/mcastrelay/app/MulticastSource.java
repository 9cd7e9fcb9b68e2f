package io.mcastrelay.app;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The exchange's multicast in the datacenter, run inside the datacenter's namespace by {@link FailoverIT}:
 * {@code java -cp TEST_CLASSPATH io.mcastrelay.app.MulticastSource INTERFACE GROUP:PORT RATE SECONDS BYTES}.
 *
 * <p>Sends datagrams of BYTES bytes, the first 8 of which are the sequence (big-endian, from 1), at RATE a second
 * (in bursts each millisecond) for SECONDS, with loopback on so that a capture on the same host receives them;
 * prints {@code sent N} at the end.
 */
final class MulticastSource {
    private MulticastSource() {
    }

    public static void main(final String[] args) throws Exception {
        final NetworkInterface networkInterface = NetworkInterface.getByName(args[0]);
        final int colon = args[1].lastIndexOf(':');
        final InetSocketAddress destination = new InetSocketAddress(
            InetAddress.getByName(args[1].substring(0, colon)), Integer.parseInt(args[1].substring(colon + 1)));
        final int rate = Integer.parseInt(args[2]);
        final long seconds = Long.parseLong(args[3]);
        final ByteBuffer payload = ByteBuffer.allocateDirect(Integer.parseInt(args[4]));
        long sequence = 0;
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, networkInterface)
                .setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true)
                .setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1)
                .setOption(StandardSocketOptions.SO_SNDBUF, 4 * 1024 * 1024);
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(seconds);
            for (long now = start; now < end; now = System.nanoTime()) {
                final long due = (now - start) * rate / TimeUnit.SECONDS.toNanos(1);
                while (sequence < due) {
                    payload.clear();
                    payload.putLong(0, ++sequence);
                    channel.send(payload, destination);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        System.out.println("sent " + sequence);
    }
}
