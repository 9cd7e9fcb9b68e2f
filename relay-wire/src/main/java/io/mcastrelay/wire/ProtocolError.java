package io.mcastrelay.wire;

/**
 * The protocol errors of relay-v1 and length-prefixed framing. Each one means the byte stream can no longer be
 * trusted: the connection that sent it is closed, with this reason logged and counted.
 *
 * <p>Decoders report an error as a negative result ({@link #result()}) so that the hot path never throws or
 * allocates; {@link #fromResult(int)} maps it back without allocation.
 */
public enum ProtocolError {
    /** {@code length} smaller than the type's header size, or a HEARTBEAT whose length is not exactly 20. */
    BAD_LENGTH("bad-length"),
    /** A type that relay-v1 does not define. */
    UNKNOWN_TYPE("unknown-type"),
    /** A type in 0x05..0x0F, reserved for a later version. */
    RESERVED_TYPE("reserved-type"),
    /** A type defined for the other direction: an ACK sent to the relay, or DATA or HELLO sent by the relay. */
    WRONG_DIRECTION("wrong-direction"),
    /** {@code flags} other than 0. */
    NON_ZERO_FLAGS("non-zero-flags"),
    /** A DATA frame whose {@code reserved} field is not 0. */
    NON_ZERO_RESERVED("non-zero-reserved"),
    /** A DATA frame whose {@code group} lies outside 224.0.0.0/4. */
    GROUP_NOT_MULTICAST("group-not-multicast"),
    /** A DATA frame for UDP port 0. */
    PORT_ZERO("port-zero"),
    /** A payload over 65507 bytes (relay-v1) or over the feed's maximum (length-prefixed). */
    PAYLOAD_TOO_LARGE("payload-too-large"),
    /** A HELLO whose major version is not 1. */
    UNSUPPORTED_VERSION("unsupported-version"),
    /** A HELLO with a zero {@code sessionId}, a zero {@code firstSequence} or a non-zero {@code reserved}. */
    BAD_HELLO("bad-hello"),
    /** A HELLO that is not the connection's first frame. */
    LATE_HELLO("late-hello"),
    /** A HELLO naming another feed than the one whose port it reached. */
    FEED_MISMATCH("feed-mismatch"),
    /** A DATA frame with sequence 0 on a connection that said HELLO: a session numbers every frame. */
    UNNUMBERED_IN_SESSION("unnumbered-in-session");

    private static final ProtocolError[] VALUES = values();

    private final String reason;

    ProtocolError(final String reason) {
        this.reason = reason;
    }

    /**
     * The tag value used in logs and metrics, for example {@code bad-length}.
     *
     * @return the reason in lower-case kebab form.
     */
    public String reason() {
        return reason;
    }

    /**
     * The negative number a decoder returns for this error.
     *
     * @return {@code -(ordinal + 1)}.
     */
    public int result() {
        return -(ordinal() + 1);
    }

    /**
     * Maps a negative decoder result back to its error.
     *
     * @param result a value below zero returned by a decoder.
     * @return the error it stands for.
     */
    public static ProtocolError fromResult(final int result) {
        return VALUES[-result - 1];
    }

    /**
     * How many errors there are, to size per-reason counter arrays.
     *
     * @return the number of constants.
     */
    public static int count() {
        return VALUES.length;
    }

    /**
     * The error at an ordinal, for iterating per-reason counters without allocating.
     *
     * @param ordinal 0 .. {@link #count()} - 1.
     * @return the error.
     */
    public static ProtocolError get(final int ordinal) {
        return VALUES[ordinal];
    }
}
