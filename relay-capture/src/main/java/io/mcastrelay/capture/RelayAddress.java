package io.mcastrelay.capture;

/**
 * One address a feed's capture connects to: a relay, or the NLB in front of the relays. The host is resolved again
 * on every connection attempt, so a DNS name that moves is followed. Immutable.
 *
 * @param host a DNS name or an IPv4 address.
 * @param port the feed's TCP port on the relay, 1..65535.
 */
public record RelayAddress(String host, int port) {
    /**
     * @throws IllegalArgumentException if the host is blank or the port out of range.
     */
    public RelayAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("relay host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("relay port " + port + " is not in 1..65535");
        }
    }

    /**
     * Parses {@code host:port}.
     *
     * @param text for example {@code relay-a.internal:6667}.
     * @return the address.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static RelayAddress parse(final String text) {
        final String trimmed = text.trim();
        final int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        final int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (final NumberFormatException ex) {
            throw new IllegalArgumentException("'" + text + "' is not host:port: the port is not a number", ex);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("'" + text + "': port " + port + " is not in 1..65535");
        }
        return new RelayAddress(trimmed.substring(0, colon), port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
