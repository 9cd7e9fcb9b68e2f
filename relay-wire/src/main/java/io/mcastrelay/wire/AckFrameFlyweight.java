package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Read-only view of a relay-v1.1 ACK frame (type 0x04), relay to sender, sent only on connections that said HELLO.
 *
 * <pre>
 * offset size field          rule
 *   0     2   length         exactly 28
 *   2     1   type           0x04
 *   3     1   flags          0
 *   4     8   sessionId      the HELLO's session
 *  12     8   ackedSequence  every DATA frame of the session up to and including this sequence has been sent as
 *                            multicast by the relay (or dropped by the feed's rules); the sender may forget them
 *  20     8   sendTimeNanos  relay's wall clock, ns since the Unix epoch
 * </pre>
 *
 * <p>Big-endian. Not thread-safe: used by the thread that owns the connection.
 */
public final class AckFrameFlyweight {
    /** Offset of {@code sessionId}. */
    public static final int SESSION_ID_OFFSET = 4;
    /** Offset of {@code ackedSequence}. */
    public static final int ACKED_SEQUENCE_OFFSET = 12;
    /** Offset of {@code sendTimeNanos}. */
    public static final int SEND_TIME_NANOS_OFFSET = 20;
    /** The one legal {@code length} of an ACK. */
    public static final int FRAME_LENGTH = 28;

    private DirectBuffer buffer;
    private int offset;

    /**
     * Points this view at a frame.
     *
     * @param buffer holding the frame.
     * @param offset at which the frame's prefix starts.
     * @return this, for chaining.
     */
    public AckFrameFlyweight wrap(final DirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * The session acknowledged.
     *
     * @return the HELLO's session id.
     */
    public long sessionId() {
        return buffer.getLong(offset + SESSION_ID_OFFSET, BIG_ENDIAN);
    }

    /**
     * The highest sequence of the session the relay has sent on, with every lower one.
     *
     * @return the sequence; {@code firstSequence - 1} of the HELLO before anything was sent.
     */
    public long ackedSequence() {
        return buffer.getLong(offset + ACKED_SEQUENCE_OFFSET, BIG_ENDIAN);
    }

    /**
     * The relay's wall clock when it sent the ACK.
     *
     * @return nanoseconds since the Unix epoch.
     */
    public long sendTimeNanos() {
        return buffer.getLong(offset + SEND_TIME_NANOS_OFFSET, BIG_ENDIAN);
    }
}
