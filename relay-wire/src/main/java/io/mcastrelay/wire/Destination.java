package io.mcastrelay.wire;

/**
 * One destination a feed allows: the group:port the exchange sends to, and the group:port the relay emits to in the
 * VPC (the same unless remapped). Addresses are IPv4 in an int, most significant byte first. Immutable.
 *
 * @param group       the group the exchange sends to, in 224.0.0.0/4.
 * @param port        the UDP port the exchange sends to, 1..65535.
 * @param egressGroup the group the relay emits to, in 224.0.0.0/4.
 * @param egressPort  the UDP port the relay emits to, 1..65535.
 */
public record Destination(int group, int port, int egressGroup, int egressPort) {
    /**
     * Checks both addresses and ports.
     *
     * @throws IllegalArgumentException naming what is wrong.
     */
    public Destination {
        check(group, port, "destination");
        check(egressGroup, egressPort, "remapped destination");
    }

    /**
     * Parses {@code group:port} or {@code group:port->egressGroup:egressPort}.
     *
     * @param text for example {@code 239.1.1.1:5000->239.9.9.9:6000}.
     * @return the destination.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static Destination parse(final String text) {
        final String[] sides = text.split("->", -1);
        if (sides.length > 2) {
            throw new IllegalArgumentException("'" + text + "' is not group:port or group:port->group:port");
        }
        final long from = parseGroupPort(sides[0], text);
        final long to = sides.length == 2 ? parseGroupPort(sides[1], text) : from;
        return new Destination((int)(from >>> 16), (int)(from & 0xFFFF), (int)(to >>> 16), (int)(to & 0xFFFF));
    }

    /** @return the key of the exchange-side group:port, as {@link Ipv4#destinationKey}. */
    public long key() {
        return Ipv4.destinationKey(group, port);
    }

    /** @return the key of the VPC-side group:port, as {@link Ipv4#destinationKey}. */
    public long egressKey() {
        return Ipv4.destinationKey(egressGroup, egressPort);
    }

    /** @return whether the VPC side differs from the exchange side. */
    public boolean remapped() {
        return group != egressGroup || port != egressPort;
    }

    @Override
    public String toString() {
        final String from = Ipv4.toString(group) + ":" + port;
        return remapped() ? from + "->" + Ipv4.toString(egressGroup) + ":" + egressPort : from;
    }

    private static long parseGroupPort(final String side, final String text) {
        final int colon = side.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not group:port or group:port->group:port");
        }
        final int address = Ipv4.parse(side.substring(0, colon));
        final String digits = side.substring(colon + 1).trim();
        // Integer.parseInt alone would also take "+5000" and digits of other scripts.
        if (digits.isEmpty() || !Ipv4.isAsciiDigits(digits)) {
            throw new IllegalArgumentException("'" + text + "' has a port that is not a number");
        }
        final String significant = digits.replaceFirst("^0+(?=.)", "");
        final int port = significant.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(significant);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has port " + digits + " outside 1..65535");
        }
        return Ipv4.destinationKey(address, port);
    }

    private static void check(final int address, final int udpPort, final String what) {
        if (!Ipv4.isMulticast(address)) {
            throw new IllegalArgumentException(
                what + " group " + Ipv4.toString(address) + " is outside 224.0.0.0/4");
        }
        if (udpPort < 1 || udpPort > 65535) {
            throw new IllegalArgumentException(what + " port " + udpPort + " is outside 1..65535");
        }
    }
}
