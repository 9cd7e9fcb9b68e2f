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

    private RelayCounterTypes() {
    }
}
