package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Read-only view of a relay-v1 DATA frame (type 0x01): one multicast datagram from the sender.
 *
 * <pre>
 * offset size field          rule
 *   0     2   length         28 + payload length
 *   2     1   type           0x01
 *   3     1   flags          0
 *   4     4   group          IPv4 destination group, in 224.0.0.0/4
 *   8     2   port           UDP destination port, 1..65535
 *  10     2   reserved       0
 *  12     8   sequence       per connection, +1 per DATA frame; 0 = not numbered
 *  20     8   sendTimeNanos  sender's wall clock, ns since the Unix epoch; 0 = unknown
 *  28     n   payload        the datagram, 0..65507 bytes, re-emitted byte for byte
 * </pre>
 *
 * <p>Big-endian. Wrap it over a frame that {@link RelayV1Decoder#decode} accepted. Not thread-safe: one instance
 * per connection, used by the thread that owns the connection (its Netty event loop).
 */
public final class DataFrameFlyweight {
    /** Offset of {@code group}. */
    public static final int GROUP_OFFSET = 4;
    /** Offset of {@code port}. */
    public static final int PORT_OFFSET = 8;
    /** Offset of {@code reserved}. */
    public static final int RESERVED_OFFSET = 10;
    /** Offset of {@code sequence}. */
    public static final int SEQUENCE_OFFSET = 12;
    /** Offset of {@code sendTimeNanos}. */
    public static final int SEND_TIME_NANOS_OFFSET = 20;
    /** Offset of the payload. */
    public static final int PAYLOAD_OFFSET = 28;
    /** Header size of a DATA frame; the smallest legal {@code length}. */
    public static final int HEADER_LENGTH = PAYLOAD_OFFSET;

    private DirectBuffer buffer;
    private int offset;

    /**
     * Points this view at a frame.
     *
     * @param buffer holding the frame.
     * @param offset at which the frame's prefix starts.
     * @return this, for chaining.
     */
    public DataFrameFlyweight wrap(final DirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * The frame's {@code length} field.
     *
     * @return bytes in the whole frame.
     */
    public int length() {
        return buffer.getShort(offset + FrameDescriptor.LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * The destination group as an IPv4 address in an int, most significant byte first ({@code 239.1.1.1} is
     * {@code 0xEF010101}).
     *
     * @return the group.
     */
    public int group() {
        return buffer.getInt(offset + GROUP_OFFSET, BIG_ENDIAN);
    }

    /**
     * The UDP destination port.
     *
     * @return 0..65535.
     */
    public int port() {
        return buffer.getShort(offset + PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * The reserved field, 0 in v1.
     *
     * @return its value.
     */
    public int reserved() {
        return buffer.getShort(offset + RESERVED_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * The per-connection sequence.
     *
     * @return the sequence; 0 means the sender does not number its frames.
     */
    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BIG_ENDIAN);
    }

    /**
     * The sender's wall clock when it sent the frame.
     *
     * @return nanoseconds since the Unix epoch; 0 means unknown.
     */
    public long sendTimeNanos() {
        return buffer.getLong(offset + SEND_TIME_NANOS_OFFSET, BIG_ENDIAN);
    }

    /**
     * Where the payload starts in the wrapped buffer.
     *
     * @return an absolute index into the buffer.
     */
    public int payloadOffset() {
        return offset + PAYLOAD_OFFSET;
    }

    /**
     * Bytes of payload.
     *
     * @return {@code length - 28}.
     */
    public int payloadLength() {
        return length() - HEADER_LENGTH;
    }

    /**
     * The buffer this view reads.
     *
     * @return the wrapped buffer.
     */
    public DirectBuffer buffer() {
        return buffer;
    }
}
