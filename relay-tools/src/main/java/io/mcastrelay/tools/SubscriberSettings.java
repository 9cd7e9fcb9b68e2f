package io.mcastrelay.tools;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.SequenceLocator;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@link RelaySubscriber} joins and when it stops, validated on construction.
 *
 * @param networkInterface the interface to join on: a name such as {@code lo} or an IPv4 address on it.
 * @param joins            the group:port pairs to join.
 * @param durationNs       how long to listen; 0 for no limit.
 * @param expect           stop with success once this many datagrams in total arrived; 0 for no target.
 * @param quiet            print only the final summary.
 * @param print            print every datagram: where it was received, its source, length and payload in hex.
 * @param recover          the relay's replay port as host:port, or null: fill multicast's gaps from it.
 * @param feed             with recover: the feed's name on the relay.
 * @param sequence         with recover: where payloads carry the exchange's sequence.
 * @param fromEpochNanos   with recover: start this far back (a late join), 0 to start with multicast.
 */
record SubscriberSettings(String networkInterface, List<Destination> joins, long durationNs, long expect,
    boolean quiet, boolean print, String recover, String feed, SequenceLocator sequence, long fromEpochNanos) {

    SubscriberSettings(final String networkInterface, final List<Destination> joins, final long durationNs,
        final long expect, final boolean quiet, final boolean print) {
        this(networkInterface, joins, durationNs, expect, quiet, print, null, null, null, 0);
    }

    SubscriberSettings {
        joins = List.copyOf(joins);
        if (joins.isEmpty()) {
            throw new IllegalArgumentException("option '--join' needs at least one group:port");
        }
        if (durationNs < 0 || expect < 0) {
            throw new IllegalArgumentException("options '--duration-seconds' and '--expect' must not be negative");
        }
        if (recover != null && (feed == null || sequence == null)) {
            throw new IllegalArgumentException("option '--recover' needs '--feed' and '--sequence'");
        }
        if (recover == null && (fromEpochNanos != 0 || feed != null || sequence != null)) {
            throw new IllegalArgumentException("options '--from', '--feed' and '--sequence' go with '--recover'");
        }
    }

    /** @return the replay port's host. */
    String recoverHost() {
        return recover.substring(0, recover.lastIndexOf(':'));
    }

    /** @return the replay port. */
    int recoverPort() {
        return Integer.parseInt(recover.substring(recover.lastIndexOf(':') + 1));
    }

    /**
     * The options {@link RelaySubscriber} understands.
     *
     * @return a fresh, unparsed {@link Args}.
     */
    static Args options() {
        return new Args("RelaySubscriber",
            "Joins multicast groups and reports rate, sequence gaps and one-way latency per group:port each second.")
            .option("--interface", "127.0.0.1", "interface to join on: a name (lo, eth0) or an IPv4 address")
            .option("--join", "239.255.6.1:6200,239.255.6.2:6201,239.255.7.1:6100,239.255.7.2:6101",
                "comma-separated group:port list")
            .option("--duration-seconds", null, "stop after this long (default unlimited)")
            .option("--expect", null, "exit 0 once this many datagrams arrived; exit 1 if the duration ends first")
            .flag("--quiet", "print only the final summary")
            .flag("--print", "also print each datagram: group:port from=source:port len=N payload=<hex>")
            .option("--recover", null, "the relay's replay port, host:port: fill multicast's gaps from it, in the "
                + "exchange's sequence order (needs --feed and --sequence)")
            .option("--feed", null, "with --recover: the feed's name on the relay")
            .option("--sequence", null, "with --recover: where payloads carry the exchange's sequence, "
                + "OFFSET:WIDTH:ORDER, e.g. 0:4:little-endian (CME MDP3) or 10:8:big-endian (MoldUDP64)")
            .option("--from", null, "with --recover: start from this time (ISO-8601 such as 2026-12-02T10:00:00Z, "
                + "epoch milliseconds, or -60s for a minute ago), then carry on live");
    }

    /**
     * Builds settings from a parsed command line.
     *
     * @param args parsed with {@link #options()}.
     * @return the settings.
     * @throws IllegalArgumentException naming the option at fault.
     */
    static SubscriberSettings from(final Args args) {
        final double durationSeconds = args.isSet("--duration-seconds") ? args.doubleValue("--duration-seconds", 0) : 0;
        return new SubscriberSettings(
            args.required("--interface"),
            args.destinations("--join"),
            (long)(durationSeconds * TimeUnit.SECONDS.toNanos(1)),
            args.isSet("--expect") ? args.longValue("--expect", 1, Long.MAX_VALUE) : 0,
            args.isSet("--quiet"),
            args.isSet("--print"),
            args.isSet("--recover") ? hostPort(args.required("--recover")) : null,
            args.value("--feed"),
            args.isSet("--sequence") ? sequence(args.required("--sequence")) : null,
            args.isSet("--from") ? from(args.required("--from"), System.currentTimeMillis()) : 0);
    }

    private static String hostPort(final String text) {
        final int colon = text.lastIndexOf(':');
        if (colon <= 0 || !text.substring(colon + 1).matches("[0-9]{1,5}") ||
            Integer.parseInt(text.substring(colon + 1)) > 65_535) {
            throw new IllegalArgumentException("option '--recover': '" + text + "' is not host:port");
        }
        return text;
    }

    private static SequenceLocator sequence(final String text) {
        try {
            return SequenceLocator.parse(text);
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("option '--sequence': " + ex.getMessage(), ex);
        }
    }

    /**
     * Parses {@code --from}.
     *
     * @param text   ISO-8601 instant, epoch milliseconds, or {@code -Ns} seconds before now.
     * @param nowMs  the wall clock.
     * @return epoch nanoseconds.
     */
    static long from(final String text, final long nowMs) {
        try {
            if (text.matches("-[0-9]+s")) {
                return (nowMs - 1000L * Long.parseLong(text.substring(1, text.length() - 1))) * 1_000_000L;
            }
            if (text.matches("[0-9]+")) {
                return Long.parseLong(text) * 1_000_000L;
            }
            final Instant instant = Instant.parse(text);
            return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        } catch (final RuntimeException ex) {
            throw new IllegalArgumentException("option '--from': '" + text + "' is no ISO-8601 time, epoch "
                + "milliseconds or -Ns", ex);
        }
    }
}
