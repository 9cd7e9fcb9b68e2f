package io.mcastrelay.wire;

import java.util.Locale;

/** How a feed's TCP byte stream is cut into datagrams. */
public enum Framing {
    /** relay-v1: typed frames with destination, sequence, send time and heartbeats. */
    RELAY_V1,
    /** A 2-byte payload length, then the payload; all datagrams go to the feed's one destination. */
    LENGTH_PREFIXED;

    /**
     * Parses a framing's configuration name.
     *
     * @param text {@code relay-v1} or {@code length-prefixed}, in any case.
     * @return the framing.
     * @throws IllegalArgumentException for anything else.
     */
    public static Framing parse(final String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "relay-v1" -> RELAY_V1;
            case "length-prefixed" -> LENGTH_PREFIXED;
            default -> throw new IllegalArgumentException("framing must be relay-v1 or length-prefixed");
        };
    }
}
