package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Read-only view of a relay-v1 HEARTBEAT frame (type 0x02), sent in either direction.
 *
 * <pre>
 * offset size field          rule
 *   0     2   length         exactly 20
 *   2     1   type           0x02
 *   3     1   flags          0
 *   4     8   lastSequence   the last DATA sequence sent on this connection, 0 if none
 *  12     8   sendTimeNanos  sender's wall clock, ns since the Unix epoch
 * </pre>
 *
 * <p>A sender sends one at least every second while it has no DATA to send. Not thread-safe: used by the thread
 * that owns the connection.
 */
public final class HeartbeatFrameFlyweight {
    /** Offset of {@code lastSequence}. */
    public static final int LAST_SEQUENCE_OFFSET = 4;
    /** Offset of {@code sendTimeNanos}. */
    public static final int SEND_TIME_NANOS_OFFSET = 12;
    /** The one legal {@code length} of a HEARTBEAT. */
    public static final int FRAME_LENGTH = 20;

    private DirectBuffer buffer;
    private int offset;

    /**
     * Points this view at a frame.
     *
     * @param buffer holding the frame.
     * @param offset at which the frame's prefix starts.
     * @return this, for chaining.
     */
    public HeartbeatFrameFlyweight wrap(final DirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * The last DATA sequence the peer sent.
     *
     * @return the sequence, 0 if none.
     */
    public long lastSequence() {
        return buffer.getLong(offset + LAST_SEQUENCE_OFFSET, BIG_ENDIAN);
    }

    /**
     * The peer's wall clock when it sent the heartbeat.
     *
     * @return nanoseconds since the Unix epoch.
     */
    public long sendTimeNanos() {
        return buffer.getLong(offset + SEND_TIME_NANOS_OFFSET, BIG_ENDIAN);
    }
}
