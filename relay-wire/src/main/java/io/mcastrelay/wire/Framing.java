package io.mcastrelay.wire;

/** How a feed's TCP byte stream is cut into datagrams. */
public enum Framing {
    /** relay-v1: typed frames with destination, sequence, send time and heartbeats. */
    RELAY_V1,
    /** A 2-byte payload length, then the payload; all datagrams go to the feed's one destination. */
    LENGTH_PREFIXED
}
