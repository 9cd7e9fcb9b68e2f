package io.mcastrelay.app;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The datacenter's sender, run inside the datacenter's network namespace by {@link MulticastNetworkIT}:
 * {@code java -cp TEST_CLASSPATH io.mcastrelay.app.NamespaceSender RELAY_ADDRESS PHASE ROUNDS ROUNDS_PER_SECOND
 * FEED_PORT=GROUP:PORT,GROUP:PORT ...}.
 *
 * <p>Opens one relay-v1 connection per feed port ({@link FeedClient}), then sends ROUNDS rounds at the given rate;
 * each round sends one DATA frame to every destination of every feed, with the payload {@link #payload}{@code
 * (PHASE, destination, round)}, so the test knows every byte sent. Then it half-closes each connection and waits
 * for the relay to close it (the relay has read everything by then), prints {@code sent N} and exits 0.
 */
final class NamespaceSender {
    private static final int MAX_EXTRA_BYTES = 1200;

    private NamespaceSender() {
    }

    public static void main(final String[] args) throws Exception {
        final String relayAddress = args[0];
        final String phase = args[1];
        final int rounds = Integer.parseInt(args[2]);
        final long roundIntervalNs = TimeUnit.SECONDS.toNanos(1) / Integer.parseInt(args[3]);
        final List<FeedClient> clients = new ArrayList<>();
        final List<String[]> destinations = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            final String[] feed = args[i].split("=");
            clients.add(new FeedClient(relayAddress, Integer.parseInt(feed[0]), 0));
            destinations.add(feed[1].split(","));
        }
        long sent = 0;
        final long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            final long due = start + round * roundIntervalNs;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            for (int feed = 0; feed < clients.size(); feed++) {
                for (final String destination : destinations.get(feed)) {
                    final int colon = destination.lastIndexOf(':');
                    clients.get(feed).send(destination.substring(0, colon),
                        Integer.parseInt(destination.substring(colon + 1)), payload(phase, destination, round));
                    sent++;
                }
            }
        }
        for (final FeedClient client : clients) {
            client.shutdownOutput();
        }
        for (final FeedClient client : clients) {
            if (!client.closedByPeer(10_000)) {
                System.out.println("the relay did not close a connection within 10 s after the sender's end");
            }
            client.close();
        }
        System.out.println("sent " + sent);
    }

    /**
     * The payload of one datagram, known to sender and test alike: a readable head ({@code PHASE GROUP:PORT #ROUND})
     * then 0 to 1199 pseudo-random bytes of every value, seeded by the head, so sizes and contents vary.
     *
     * @param phase       which batch of the test.
     * @param destination the datacenter-side group:port it is sent to.
     * @param round       its number within the batch, from 0.
     */
    static byte[] payload(final String phase, final String destination, final int round) {
        final byte[] head = (phase + " " + destination + " #" + round + " ").getBytes(StandardCharsets.US_ASCII);
        final byte[] payload = new byte[head.length + (round * 97 + destination.length()) % MAX_EXTRA_BYTES];
        System.arraycopy(head, 0, payload, 0, head.length);
        final byte[] extra = new byte[payload.length - head.length];
        new Random(new String(head, StandardCharsets.US_ASCII).hashCode()).nextBytes(extra);
        System.arraycopy(extra, 0, payload, head.length, extra.length);
        return payload;
    }
}
