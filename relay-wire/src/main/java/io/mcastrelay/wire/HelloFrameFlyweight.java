package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Read-only view of a relay-v1.1 HELLO frame (type 0x03): the optional first frame of a sender's connection, which
 * opens or resumes a session so that the relay acknowledges what it has sent.
 *
 * <pre>
 * offset size field          rule
 *   0     2   length         32 + feed name length (33..96)
 *   2     1   type           0x03
 *   3     1   flags          0
 *   4     1   versionMajor   1
 *   5     1   versionMinor   1 (a relay accepts any minor version of major 1)
 *   6     2   reserved       0
 *   8     8   sessionId      non-zero, chosen by the sender, the same across its reconnections
 *  16     8   firstSequence  non-zero: the sequence of the next DATA frame on this connection
 *  24     8   sendTimeNanos  sender's wall clock, ns since the Unix epoch; 0 = unknown
 *  32     n   feed           the feed's name, US-ASCII, 1..64 bytes
 * </pre>
 *
 * <p>Big-endian. Wrap it over a frame that {@link RelayV1Decoder#decode} accepted. Not thread-safe: used by the
 * thread that owns the connection.
 */
public final class HelloFrameFlyweight {
    /** Offset of {@code versionMajor}. */
    public static final int VERSION_MAJOR_OFFSET = 4;
    /** Offset of {@code versionMinor}. */
    public static final int VERSION_MINOR_OFFSET = 5;
    /** Offset of {@code reserved}. */
    public static final int RESERVED_OFFSET = 6;
    /** Offset of {@code sessionId}. */
    public static final int SESSION_ID_OFFSET = 8;
    /** Offset of {@code firstSequence}. */
    public static final int FIRST_SEQUENCE_OFFSET = 16;
    /** Offset of {@code sendTimeNanos}. */
    public static final int SEND_TIME_NANOS_OFFSET = 24;
    /** Offset of the feed's name. */
    public static final int FEED_OFFSET = 32;
    /** Header size of a HELLO, before the feed's name. */
    public static final int HEADER_LENGTH = FEED_OFFSET;
    /** The longest feed name a HELLO carries. */
    public static final int MAX_FEED_LENGTH = 64;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * Points this view at a frame.
     *
     * @param buffer holding the frame.
     * @param offset at which the frame's prefix starts.
     * @param length the frame's length, as the decoder returned it.
     * @return this, for chaining.
     */
    public HelloFrameFlyweight wrap(final DirectBuffer buffer, final int offset, final int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * The sender's major version.
     *
     * @return 1 for every relay-v1 sender.
     */
    public int versionMajor() {
        return buffer.getByte(offset + VERSION_MAJOR_OFFSET) & 0xFF;
    }

    /**
     * The sender's minor version.
     *
     * @return 1 or more.
     */
    public int versionMinor() {
        return buffer.getByte(offset + VERSION_MINOR_OFFSET) & 0xFF;
    }

    /**
     * The session this connection belongs to.
     *
     * @return a non-zero id.
     */
    public long sessionId() {
        return buffer.getLong(offset + SESSION_ID_OFFSET, BIG_ENDIAN);
    }

    /**
     * The sequence of the first DATA frame that follows on this connection.
     *
     * @return a non-zero sequence.
     */
    public long firstSequence() {
        return buffer.getLong(offset + FIRST_SEQUENCE_OFFSET, BIG_ENDIAN);
    }

    /**
     * The sender's wall clock when it sent the HELLO.
     *
     * @return nanoseconds since the Unix epoch, 0 if unknown.
     */
    public long sendTimeNanos() {
        return buffer.getLong(offset + SEND_TIME_NANOS_OFFSET, BIG_ENDIAN);
    }

    /**
     * Bytes in the feed's name.
     *
     * @return 1..64.
     */
    public int feedLength() {
        return length - FEED_OFFSET;
    }

    /**
     * Whether the feed's name is exactly these bytes, compared without allocating.
     *
     * @param name the feed's name in US-ASCII.
     * @return true if equal.
     */
    public boolean feedEquals(final byte[] name) {
        if (name.length != feedLength()) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (buffer.getByte(offset + FEED_OFFSET + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The feed's name, for logs; allocates.
     *
     * @return the name as US-ASCII.
     */
    public String feed() {
        return buffer.getStringWithoutLengthAscii(offset + FEED_OFFSET, feedLength());
    }
}
