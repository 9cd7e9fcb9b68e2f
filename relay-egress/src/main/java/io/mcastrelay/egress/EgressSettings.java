package io.mcastrelay.egress;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.InvalidSettingException;
import io.mcastrelay.wire.SequenceLocator;

/**
 * What egress needs: the interface and socket options to send with, who runs it, and each feed's stream
 * and destinations. Immutable; checked in the constructor.
 *
 * @param networkInterface the interface to send from: a name such as {@code eth0} or one of its IPv4 addresses.
 * @param ttl              IP_MULTICAST_TTL of the datagrams, 1..255 (a Transit Gateway multicast domain decrements
 *                         it, so more than 1 is usual in a VPC).
 * @param loopback         IP_MULTICAST_LOOP: whether processes on this host also receive the datagrams.
 * @param sendBufferBytes  SO_SNDBUF of each feed's socket; 0 keeps the operating system's default.
 * @param threading        who runs each feed's egress: {@code event-loop} (default: the feed's ingress event loop,
 *                         right after it publishes, so a frame crosses no thread and an idle relay spends no CPU)
 *                         or {@code dedicated} (a thread per feed, which waits with the idle strategy).
 * @param idleStrategy     with {@code dedicated} threads, how each waits when there is nothing to send: {@code backoff}
 *                         (default, spins briefly then parks up to 100 µs), {@code busy-spin} (lowest latency;
 *                         dedicate a core per feed), {@code yielding}, {@code sleeping}.
 * @param batchSize        datagrams sent per {@code sendmmsg} call at most, 1..1024.
 * @param feeds            each feed's stream and destinations.
 */
public record EgressSettings(
    String networkInterface,
    int ttl,
    boolean loopback,
    int sendBufferBytes,
    String threading,
    String idleStrategy,
    int batchSize,
    List<Feed> feeds) {

    /** The threading modes {@link #threading()} may name. */
    public static final List<String> THREADINGS = List.of("event-loop", "dedicated");

    /** The idle strategies {@link #idleStrategy()} may name. */
    public static final List<String> IDLE_STRATEGIES = List.of("backoff", "busy-spin", "yielding", "sleeping");

    /**
     * Checks every field: the only place the rules of egress settings live.
     *
     * @throws InvalidSettingException naming the setting as in the properties ({@code ttl}, {@code threading}, ...;
     *                                 {@code feeds[i].destinations[j]} for a feed's) and the problem.
     */
    public EgressSettings {
        require(networkInterface != null && !networkInterface.isBlank(), "network-interface", networkInterface,
            "egress interface must be set (a name such as eth0, or an address)");
        require(ttl >= 1 && ttl <= 255, "ttl", ttl, "egress ttl " + ttl + " is outside 1..255");
        require(sendBufferBytes >= 0, "send-buffer", sendBufferBytes,
            "egress send buffer " + sendBufferBytes + " is negative");
        final String threadingGiven = threading;
        threading = threading == null ? "event-loop" : threading.trim().toLowerCase(Locale.ROOT);
        require(THREADINGS.contains(threading), "threading", threadingGiven, "must be one of " + THREADINGS);
        final String idleStrategyGiven = idleStrategy;
        idleStrategy = idleStrategy == null ? "backoff" : idleStrategy.trim().toLowerCase(Locale.ROOT);
        require(IDLE_STRATEGIES.contains(idleStrategy), "idle-strategy", idleStrategyGiven,
            "must be one of " + IDLE_STRATEGIES);
        require(batchSize >= 1 && batchSize <= Sendmmsg.MAX_MESSAGES, "batch-size", batchSize,
            "egress batch size " + batchSize + " is outside 1.." + Sendmmsg.MAX_MESSAGES);
        require(feeds != null, "feeds", null, "egress feeds must be set");
        feeds = List.copyOf(feeds);
        final Set<String> names = new HashSet<>();
        final Map<Long, String> emitted = new HashMap<>();
        for (int i = 0; i < feeds.size(); i++) {
            final Feed feed = feeds.get(i);
            require(names.add(feed.name()), "feeds[" + i + "].name", feed.name(),
                "egress feed '" + feed.name() + "' is listed twice");
            for (int j = 0; j < feed.destinations().size(); j++) {
                final Destination destination = feed.destinations().get(j);
                final String other = emitted.putIfAbsent(destination.egressKey(), feed.name());
                require(other == null, "feeds[" + i + "].destinations[" + j + "]", destination,
                    "the VPC-side group:port is already emitted by feed '" + other + "'");
            }
        }
    }

    private static void require(final boolean condition, final String setting, final Object value,
        final String reason) {
        if (!condition) {
            throw new InvalidSettingException("egress", setting, value, reason);
        }
    }

    /** @return whether each feed's egress has a thread of its own rather than running on its ingress event loop. */
    public boolean dedicatedThreads() {
        return "dedicated".equals(threading);
    }

    /**
     * One feed as egress sees it.
     *
     * @param name         the feed's name, for metrics and logs.
     * @param channel      the Aeron channel of the feed's stream.
     * @param streamId     the Aeron stream id.
     * @param destinations where its datagrams may go; egress sends to their VPC-side group:port.
     * @param sequence     where payloads carry the exchange's sequence, or null: egress then counts its gaps and
     *                     repeats per destination.
     */
    public record Feed(String name, String channel, int streamId, List<Destination> destinations,
        SequenceLocator sequence) {

        /** A feed without a sequence locator. */
        public Feed(final String name, final String channel, final int streamId, final List<Destination> destinations) {
            this(name, channel, streamId, destinations, null);
        }

        /**
         * Checks the fields and copies the destinations.
         *
         * @throws IllegalArgumentException naming the feed and the field.
         */
        public Feed {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("egress feed name must not be blank");
            }
            if (channel == null || !channel.startsWith("aeron:")) {
                throw new IllegalArgumentException(
                    "egress feed '" + name + "': channel '" + channel + "' is no Aeron URI");
            }
            if (destinations == null || destinations.isEmpty()) {
                throw new IllegalArgumentException("egress feed '" + name + "': destinations must not be empty");
            }
            destinations = List.copyOf(destinations);
        }
    }
}
