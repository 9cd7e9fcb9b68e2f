package io.mcastrelay.wire;

import static io.mcastrelay.wire.IpcMessageDescriptor.CONNECTION_ID_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.FLAGS_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.GROUP_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.HEADER_LENGTH;
import static io.mcastrelay.wire.IpcMessageDescriptor.HEADER_LENGTH_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.INGRESS_TIME_NANOS_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.PAYLOAD_LENGTH_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.PORT_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.SEND_TIME_NANOS_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.SEQUENCE_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.SOURCE_GROUP_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.SOURCE_PORT_OFFSET;
import static io.mcastrelay.wire.IpcMessageDescriptor.VERSION;
import static io.mcastrelay.wire.IpcMessageDescriptor.VERSION_OFFSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * View of one message on a feed's Aeron IPC stream; the layout is in {@link IpcMessageDescriptor}. Reading wraps a
 * polled fragment; {@link #encodeHeader} writes into a claimed one. Not thread-safe: one instance per thread.
 */
public final class IpcMessageFlyweight {
    private DirectBuffer buffer;
    private int offset;

    /**
     * Writes the 48-byte header; the caller copies the payload to {@code offset + HEADER_LENGTH}.
     *
     * @param buffer           a claimed Aeron buffer.
     * @param offset           where the message starts.
     * @param payloadLength    bytes of datagram.
     * @param group            VPC-side group.
     * @param port             VPC-side port.
     * @param sourceGroup      the group the exchange sent to.
     * @param sourcePort       the port the exchange sent to.
     * @param connectionId     the connection the datagram came in on.
     * @param sequence         relay-v1 sequence, 0 if not numbered.
     * @param sendTimeNanos    sender's wall clock, 0 if unknown.
     * @param ingressTimeNanos relay's wall clock at receipt.
     */
    public static void encodeHeader(
        final MutableDirectBuffer buffer,
        final int offset,
        final int payloadLength,
        final int group,
        final int port,
        final int sourceGroup,
        final int sourcePort,
        final int connectionId,
        final long sequence,
        final long sendTimeNanos,
        final long ingressTimeNanos) {
        buffer.putByte(offset + VERSION_OFFSET, (byte)VERSION);
        buffer.putByte(offset + FLAGS_OFFSET, (byte)0);
        buffer.putShort(offset + HEADER_LENGTH_OFFSET, (short)HEADER_LENGTH, LITTLE_ENDIAN);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, LITTLE_ENDIAN);
        buffer.putInt(offset + GROUP_OFFSET, group, LITTLE_ENDIAN);
        buffer.putShort(offset + PORT_OFFSET, (short)port, LITTLE_ENDIAN);
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short)sourcePort, LITTLE_ENDIAN);
        buffer.putInt(offset + SOURCE_GROUP_OFFSET, sourceGroup, LITTLE_ENDIAN);
        buffer.putInt(offset + CONNECTION_ID_OFFSET, connectionId, LITTLE_ENDIAN);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
        buffer.putLong(offset + SEND_TIME_NANOS_OFFSET, sendTimeNanos, LITTLE_ENDIAN);
        buffer.putLong(offset + INGRESS_TIME_NANOS_OFFSET, ingressTimeNanos, LITTLE_ENDIAN);
    }

    /**
     * Points this view at a polled fragment.
     *
     * @param buffer holding the message.
     * @param offset where the message starts.
     * @return this, for chaining.
     */
    public IpcMessageFlyweight wrap(final DirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the layout version, 1. */
    public int version() {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    /** @return bytes before the payload. */
    public int headerLength() {
        return buffer.getShort(offset + HEADER_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return bytes of datagram. */
    public int payloadLength() {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /** @return absolute index of the payload in the wrapped buffer. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** @return the VPC-side group. */
    public int group() {
        return buffer.getInt(offset + GROUP_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the VPC-side UDP port. */
    public int port() {
        return buffer.getShort(offset + PORT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return the group the exchange sent to. */
    public int sourceGroup() {
        return buffer.getInt(offset + SOURCE_GROUP_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the port the exchange sent to. */
    public int sourcePort() {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return the connection the datagram came in on. */
    public int connectionId() {
        return buffer.getInt(offset + CONNECTION_ID_OFFSET, LITTLE_ENDIAN);
    }

    /** @return relay-v1 sequence, 0 if not numbered. */
    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return sender's wall clock, ns since the epoch; 0 if unknown. */
    public long sendTimeNanos() {
        return buffer.getLong(offset + SEND_TIME_NANOS_OFFSET, LITTLE_ENDIAN);
    }

    /** @return relay's wall clock at receipt, ns since the epoch. */
    public long ingressTimeNanos() {
        return buffer.getLong(offset + INGRESS_TIME_NANOS_OFFSET, LITTLE_ENDIAN);
    }
}
