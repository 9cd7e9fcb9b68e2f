package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes relay-v1 frames, for senders, the relay's own heartbeats and tests. Allocates nothing. Stateless; any
 * thread, each with its own buffer.
 */
public final class RelayV1Encoder {
    private RelayV1Encoder() {
    }

    /**
     * Writes the 28-byte header of a DATA frame; the caller writes {@code payloadLength} bytes at offset + 28.
     *
     * @param buffer        to write into.
     * @param offset        where the frame starts.
     * @param group         the destination group, most significant byte first.
     * @param port          the destination UDP port.
     * @param sequence      the per-connection sequence, 0 if not numbered.
     * @param sendTimeNanos the sender's wall clock in ns since the epoch, 0 if unknown.
     * @param payloadLength bytes of payload that will follow.
     * @return the frame's total length.
     */
    public static int encodeDataHeader(
        final MutableDirectBuffer buffer,
        final int offset,
        final int group,
        final int port,
        final long sequence,
        final long sendTimeNanos,
        final int payloadLength) {
        final int length = DataFrameFlyweight.HEADER_LENGTH + payloadLength;
        buffer.putShort(offset + FrameDescriptor.LENGTH_OFFSET, (short)length, BIG_ENDIAN);
        buffer.putByte(offset + FrameDescriptor.TYPE_OFFSET, (byte)FrameDescriptor.TYPE_DATA);
        buffer.putByte(offset + FrameDescriptor.FLAGS_OFFSET, (byte)0);
        buffer.putInt(offset + DataFrameFlyweight.GROUP_OFFSET, group, BIG_ENDIAN);
        buffer.putShort(offset + DataFrameFlyweight.PORT_OFFSET, (short)port, BIG_ENDIAN);
        buffer.putShort(offset + DataFrameFlyweight.RESERVED_OFFSET, (short)0, BIG_ENDIAN);
        buffer.putLong(offset + DataFrameFlyweight.SEQUENCE_OFFSET, sequence, BIG_ENDIAN);
        buffer.putLong(offset + DataFrameFlyweight.SEND_TIME_NANOS_OFFSET, sendTimeNanos, BIG_ENDIAN);
        return length;
    }

    /**
     * Writes a whole DATA frame.
     *
     * @param buffer        to write into.
     * @param offset        where the frame starts.
     * @param group         the destination group.
     * @param port          the destination UDP port.
     * @param sequence      the per-connection sequence, 0 if not numbered.
     * @param sendTimeNanos the sender's wall clock in ns since the epoch, 0 if unknown.
     * @param payload       holding the datagram.
     * @param payloadOffset where the datagram starts in {@code payload}.
     * @param payloadLength bytes of datagram.
     * @return the frame's total length.
     */
    public static int encodeData(
        final MutableDirectBuffer buffer,
        final int offset,
        final int group,
        final int port,
        final long sequence,
        final long sendTimeNanos,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength) {
        final int length = encodeDataHeader(buffer, offset, group, port, sequence, sendTimeNanos, payloadLength);
        buffer.putBytes(offset + DataFrameFlyweight.PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        return length;
    }

    /**
     * Writes a HEARTBEAT frame.
     *
     * @param buffer        to write into.
     * @param offset        where the frame starts.
     * @param lastSequence  the last DATA sequence sent on this connection, 0 if none.
     * @param sendTimeNanos the sender's wall clock in ns since the epoch.
     * @return 20, the frame's length.
     */
    public static int encodeHeartbeat(
        final MutableDirectBuffer buffer, final int offset, final long lastSequence, final long sendTimeNanos) {
        final short length = (short)HeartbeatFrameFlyweight.FRAME_LENGTH;
        buffer.putShort(offset + FrameDescriptor.LENGTH_OFFSET, length, BIG_ENDIAN);
        buffer.putByte(offset + FrameDescriptor.TYPE_OFFSET, (byte)FrameDescriptor.TYPE_HEARTBEAT);
        buffer.putByte(offset + FrameDescriptor.FLAGS_OFFSET, (byte)0);
        buffer.putLong(offset + HeartbeatFrameFlyweight.LAST_SEQUENCE_OFFSET, lastSequence, BIG_ENDIAN);
        buffer.putLong(offset + HeartbeatFrameFlyweight.SEND_TIME_NANOS_OFFSET, sendTimeNanos, BIG_ENDIAN);
        return HeartbeatFrameFlyweight.FRAME_LENGTH;
    }

    /**
     * Writes a HELLO frame (relay-v1.1), the first frame of a connection that opens or resumes a session.
     *
     * @param buffer        to write into.
     * @param offset        where the frame starts.
     * @param sessionId     the sender's session, non-zero.
     * @param firstSequence the sequence of the next DATA frame on this connection, non-zero.
     * @param sendTimeNanos the sender's wall clock in ns since the epoch, 0 if unknown.
     * @param feed          the feed's name in US-ASCII, 1..64 bytes.
     * @return the frame's total length, 32 + the name's length.
     */
    public static int encodeHello(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sessionId,
        final long firstSequence,
        final long sendTimeNanos,
        final byte[] feed) {
        final int length = HelloFrameFlyweight.HEADER_LENGTH + feed.length;
        buffer.putShort(offset + FrameDescriptor.LENGTH_OFFSET, (short)length, BIG_ENDIAN);
        buffer.putByte(offset + FrameDescriptor.TYPE_OFFSET, (byte)FrameDescriptor.TYPE_HELLO);
        buffer.putByte(offset + FrameDescriptor.FLAGS_OFFSET, (byte)0);
        buffer.putByte(offset + HelloFrameFlyweight.VERSION_MAJOR_OFFSET, (byte)FrameDescriptor.VERSION_MAJOR);
        buffer.putByte(offset + HelloFrameFlyweight.VERSION_MINOR_OFFSET, (byte)FrameDescriptor.VERSION_MINOR);
        buffer.putShort(offset + HelloFrameFlyweight.RESERVED_OFFSET, (short)0, BIG_ENDIAN);
        buffer.putLong(offset + HelloFrameFlyweight.SESSION_ID_OFFSET, sessionId, BIG_ENDIAN);
        buffer.putLong(offset + HelloFrameFlyweight.FIRST_SEQUENCE_OFFSET, firstSequence, BIG_ENDIAN);
        buffer.putLong(offset + HelloFrameFlyweight.SEND_TIME_NANOS_OFFSET, sendTimeNanos, BIG_ENDIAN);
        buffer.putBytes(offset + HelloFrameFlyweight.FEED_OFFSET, feed);
        return length;
    }

    /**
     * Writes an ACK frame (relay-v1.1), relay to sender.
     *
     * @param buffer        to write into.
     * @param offset        where the frame starts.
     * @param sessionId     the session acknowledged.
     * @param ackedSequence every DATA sequence up to this one has been sent.
     * @param sendTimeNanos the relay's wall clock in ns since the epoch.
     * @return 28, the frame's length.
     */
    public static int encodeAck(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sessionId,
        final long ackedSequence,
        final long sendTimeNanos) {
        buffer.putShort(offset + FrameDescriptor.LENGTH_OFFSET, (short)AckFrameFlyweight.FRAME_LENGTH, BIG_ENDIAN);
        buffer.putByte(offset + FrameDescriptor.TYPE_OFFSET, (byte)FrameDescriptor.TYPE_ACK);
        buffer.putByte(offset + FrameDescriptor.FLAGS_OFFSET, (byte)0);
        buffer.putLong(offset + AckFrameFlyweight.SESSION_ID_OFFSET, sessionId, BIG_ENDIAN);
        buffer.putLong(offset + AckFrameFlyweight.ACKED_SEQUENCE_OFFSET, ackedSequence, BIG_ENDIAN);
        buffer.putLong(offset + AckFrameFlyweight.SEND_TIME_NANOS_OFFSET, sendTimeNanos, BIG_ENDIAN);
        return AckFrameFlyweight.FRAME_LENGTH;
    }

    /**
     * Writes a whole {@code length-prefixed} frame.
     *
     * @param buffer        to write into.
     * @param offset        where the frame starts.
     * @param payload       holding the datagram.
     * @param payloadOffset where the datagram starts in {@code payload}.
     * @param payloadLength bytes of datagram, at most 65535.
     * @return the frame's total length, {@code 2 + payloadLength}.
     */
    public static int encodeLengthPrefixed(
        final MutableDirectBuffer buffer,
        final int offset,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength) {
        buffer.putShort(offset, (short)payloadLength, BIG_ENDIAN);
        buffer.putBytes(offset + LengthPrefixedDecoder.PREFIX_LENGTH, payload, payloadOffset, payloadLength);
        return LengthPrefixedDecoder.PREFIX_LENGTH + payloadLength;
    }
}
