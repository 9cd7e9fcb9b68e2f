package io.mcastrelay.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A customer that checks a sequenced stream, run inside a customer's namespace by {@link FailoverIT}:
 * {@code java -cp TEST_CLASSPATH io.mcastrelay.app.SequenceReceiver INTERFACE GROUP:PORT}.
 *
 * <p>Joins the group, prints {@code ready}, and records each datagram's sequence (its first 8 bytes, big-endian),
 * duplicates, and per source address the count and the first and last arrival (epoch nanoseconds). When its input
 * ends it prints {@code received N unique U duplicates D max M}, {@code missing COUNT [ranges...]} for 1..M, and one
 * {@code source ADDRESS COUNT FIRST LAST} line per source, then exits.
 */
final class SequenceReceiver {
    private final BitSet seen = new BitSet();
    private final Map<String, long[]> sources = new LinkedHashMap<>();
    private long received;
    private long duplicates;
    private long max;

    private SequenceReceiver() {
    }

    public static void main(final String[] args) throws Exception {
        final NetworkInterface networkInterface = NetworkInterface.getByName(args[0]);
        final int colon = args[1].lastIndexOf(':');
        final InetAddress group = InetAddress.getByName(args[1].substring(0, colon));
        final int port = Integer.parseInt(args[1].substring(colon + 1));
        final SequenceReceiver receiver = new SequenceReceiver();
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true)
                .setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024 * 1024)
                .bind(new InetSocketAddress(group, port));
            channel.join(group, networkInterface);
            System.out.println("ready");
            System.out.flush();
            final Thread stdin = new Thread(() -> awaitEndOfInput(System.in, channel), "stdin");
            stdin.setDaemon(true);
            stdin.start();
            receiver.receive(channel);
        }
        receiver.report();
    }

    private static void awaitEndOfInput(final InputStream in, final DatagramChannel channel) {
        try {
            while (in.read() >= 0) {
                continue;
            }
            channel.close();
        } catch (final IOException ex) {
            // closing is all that is left to do
        }
    }

    private void receive(final DatagramChannel channel) {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        try {
            while (true) {
                buffer.clear();
                final InetSocketAddress source = (InetSocketAddress)channel.receive(buffer);
                final Instant now = Instant.now();
                if (buffer.position() < Long.BYTES) {
                    continue;
                }
                final long sequence = buffer.getLong(0);
                received++;
                max = Math.max(max, sequence);
                if (sequence > 0 && sequence <= Integer.MAX_VALUE) {
                    if (seen.get((int)sequence)) {
                        duplicates++;
                    }
                    seen.set((int)sequence);
                }
                final long epochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                final long[] stats = sources.computeIfAbsent(source.getAddress().getHostAddress(),
                    address -> new long[] {0, epochNanos, 0});
                stats[0]++;
                stats[2] = epochNanos;
            }
        } catch (final IOException ex) {
            // closed at the end of input
        }
    }

    private void report() {
        final int unique = seen.cardinality();
        System.out.println("received " + received + " unique " + unique + " duplicates " + duplicates + " max " + max);
        final StringBuilder missing = new StringBuilder();
        int ranges = 0;
        long missingCount = 0;
        for (int from = seen.nextClearBit(1); from <= max; from = seen.nextClearBit(from)) {
            final int to = (int)Math.min(max + 1, seen.nextSetBit(from) < 0 ? max + 1 : seen.nextSetBit(from));
            missingCount += to - from;
            if (ranges++ < 20) {
                missing.append(' ').append(from).append('-').append(to - 1);
            }
            from = to;
        }
        System.out.println("missing " + missingCount + missing);
        for (final Map.Entry<String, long[]> source : sources.entrySet()) {
            final long[] stats = source.getValue();
            System.out.println("source " + source.getKey() + " " + stats[0] + " " + stats[1] + " " + stats[2]);
        }
        System.out.flush();
    }
}
