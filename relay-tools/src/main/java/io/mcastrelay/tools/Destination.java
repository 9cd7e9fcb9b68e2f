package io.mcastrelay.tools;

import java.util.ArrayList;
import java.util.List;

import io.mcastrelay.wire.Ipv4;

/**
 * A multicast group:port given to a tool, the group held as an IPv4 int (most significant byte first) as relay-v1
 * carries it. Parsing and checks are relay-wire's ({@link io.mcastrelay.wire.Destination#parse}).
 *
 * @param group the IPv4 multicast group, in 224.0.0.0/4.
 * @param port  the UDP port, 1..65535.
 */
record Destination(int group, int port) {
    /**
     * Parses a comma-separated {@code group:port} list such as {@code 239.255.6.1:6200,239.255.6.2:6201}.
     *
     * @param option the option the text came from, named in errors.
     * @param text   the list.
     * @return the destinations in the order given, at least one.
     */
    static List<Destination> parseList(final String option, final String text) {
        final List<Destination> destinations = new ArrayList<>();
        for (final String item : text.split(",", -1)) {
            final String entry = item.trim();
            try {
                if (entry.contains("->")) {
                    throw new IllegalArgumentException("expected group:port");
                }
                final io.mcastrelay.wire.Destination parsed = io.mcastrelay.wire.Destination.parse(entry);
                destinations.add(new Destination(parsed.group(), parsed.port()));
            } catch (final IllegalArgumentException ex) {
                throw new IllegalArgumentException(
                    "option '" + option + "': bad group:port '" + entry + "': " + ex.getMessage(), ex);
            }
        }
        return List.copyOf(destinations);
    }

    @Override
    public String toString() {
        return Ipv4.toString(group) + ":" + port;
    }
}
