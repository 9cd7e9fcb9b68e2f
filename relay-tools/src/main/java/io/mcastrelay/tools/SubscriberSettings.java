package io.mcastrelay.tools;

import io.mcastrelay.wire.Destination;
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
 */
record SubscriberSettings(String networkInterface, List<Destination> joins, long durationNs, long expect,
    boolean quiet, boolean print) {

    SubscriberSettings {
        joins = List.copyOf(joins);
        if (joins.isEmpty()) {
            throw new IllegalArgumentException("option '--join' needs at least one group:port");
        }
        if (durationNs < 0 || expect < 0) {
            throw new IllegalArgumentException("options '--duration-seconds' and '--expect' must not be negative");
        }
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
            .flag("--print", "also print each datagram: group:port from=source:port len=N payload=<hex>");
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
            args.isSet("--print"));
    }
}
