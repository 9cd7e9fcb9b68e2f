package io.mcastrelay.wire;

/**
 * Type ids of the Aeron counters the relay allocates in the media driver's CnC file, so that AeronStat and other
 * tools can find them. Each counter's label is its meter name and tags, for example
 * {@code relay.ingress.frames feed=prod}. Constants only.
 */
public final class RelayCounterTypes {
    /** A per-feed ingress counter (frames, bytes, connections, protocol errors, drops, back-pressure). */
    public static final int INGRESS = 0x52_4C_00_01;
    /** A per-feed egress counter (send errors, send back-pressure). */
    public static final int EGRESS = 0x52_4C_00_02;
    /** A per-destination egress counter (datagrams, bytes). */
    public static final int EGRESS_DESTINATION = 0x52_4C_00_03;

    /**
     * Per feed, the position up to which the egress has sent the feed's IPC stream as multicast; key: the stream id
     * (4 bytes, little-endian). Ingress reads it to acknowledge sessions (relay-v1.1 ACK) only for frames sent.
     */
    public static final int EGRESS_SENT_POSITION = 0x52_4C_00_04;

    /**
     * Per destination of a feed with a sequence locator, the last exchange sequence egress has taken to send there;
     * -1 before any. Key: the feed's stream id, the VPC-side group and port (three 4-byte little-endian ints). The
     * recorder samples it with {@link #EGRESS_SENT_POSITION} to find an exchange sequence in a recording.
     */
    public static final int EGRESS_EXCHANGE_SEQUENCE = 0x52_4C_00_05;

    private RelayCounterTypes() {
    }
}
