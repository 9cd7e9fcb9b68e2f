package io.mcastrelay.wire;

/**
 * IPv4 addresses held in an int, most significant byte first, as relay-v1 carries them. Stateless; any thread.
 */
public final class Ipv4 {
    private Ipv4() {
    }

    /**
     * Whether an address lies in 224.0.0.0/4.
     *
     * @param address the address.
     * @return true for a multicast group.
     */
    public static boolean isMulticast(final int address) {
        return (address >>> 28) == 0xE;
    }

    /**
     * Packs four octets into an int.
     *
     * @param octets exactly four bytes, most significant first (as {@link java.net.InetAddress#getAddress()}).
     * @return the address.
     */
    public static int fromBytes(final byte[] octets) {
        if (octets.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + octets.length + " bytes");
        }
        return (octets[0] & 0xFF) << 24 | (octets[1] & 0xFF) << 16 | (octets[2] & 0xFF) << 8 | (octets[3] & 0xFF);
    }

    /**
     * Parses a dotted quad such as {@code 239.1.1.1}.
     *
     * @param dotted the text.
     * @return the address.
     * @throws IllegalArgumentException if it is not four decimal octets of 1 to 3 ASCII digits each.
     */
    public static int parse(final String dotted) {
        final String[] parts = dotted.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
        }
        int address = 0;
        for (final String part : parts) {
            // Integer.parseInt alone would also take "+1" and non-ASCII digits such as "١".
            if (part.isEmpty() || part.length() > 3 || !isAsciiDigits(part)) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
            }
            address = address << 8 | octet;
        }
        return address;
    }

    /**
     * Whether every character is one of {@code 0..9}; for parsing configuration, where a sign or a digit of another
     * script is a typing error rather than a number.
     *
     * @param text the text.
     * @return true if it holds only ASCII digits (or nothing).
     */
    public static boolean isAsciiDigits(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Formats an address as a dotted quad; allocates, so not for the hot path.
     *
     * @param address the address.
     * @return for example {@code 239.1.1.1}.
     */
    public static String toString(final int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /**
     * Packs a group and a port into one long, a key for maps of destinations.
     *
     * @param group the group.
     * @param port  the UDP port.
     * @return {@code group << 16 | port}, with the group unsigned.
     */
    public static long destinationKey(final int group, final int port) {
        return (group & 0xFFFF_FFFFL) << 16 | (port & 0xFFFF);
    }
}
