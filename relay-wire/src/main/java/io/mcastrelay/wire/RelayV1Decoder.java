package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Finds and checks the next relay-v1 frame in a run of received bytes, without allocating or throwing.
 *
 * <p>Errors in the prefix are reported as soon as the 4 prefix bytes are in, before the rest of the frame arrives,
 * so a sender that speaks something else is cut off at once. Errors in a DATA header (group, port, reserved) are
 * reported once the 28-byte header is in. Stateless; any thread.
 */
public final class RelayV1Decoder {
    /** Result: the bytes so far do not hold a whole frame yet. */
    public static final int NEED_MORE = 0;

    private RelayV1Decoder() {
    }

    /**
     * Checks the frame that starts at {@code offset}.
     *
     * @param buffer    holding the received bytes.
     * @param offset    where the next frame starts.
     * @param available bytes from {@code offset} on that have been received.
     * @return the frame's length (&gt; 0) if it is complete and valid; {@link #NEED_MORE}; or a negative
     *     {@link ProtocolError#result()}.
     */
    public static int decode(final DirectBuffer buffer, final int offset, final int available) {
        if (available < FrameDescriptor.PREFIX_LENGTH) {
            return NEED_MORE;
        }
        final int length = buffer.getShort(offset + FrameDescriptor.LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int type = buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        final int flags = buffer.getByte(offset + FrameDescriptor.FLAGS_OFFSET) & 0xFF;
        if (type == FrameDescriptor.TYPE_DATA) {
            if (flags != 0) {
                return ProtocolError.NON_ZERO_FLAGS.result();
            }
            if (length < DataFrameFlyweight.HEADER_LENGTH) {
                return ProtocolError.BAD_LENGTH.result();
            }
            if (length - DataFrameFlyweight.HEADER_LENGTH > FrameDescriptor.MAX_PAYLOAD_LENGTH) {
                return ProtocolError.PAYLOAD_TOO_LARGE.result();
            }
            if (available >= DataFrameFlyweight.HEADER_LENGTH) {
                final int headerCheck = checkDataHeader(buffer, offset);
                if (headerCheck < 0) {
                    return headerCheck;
                }
            }
        } else if (type == FrameDescriptor.TYPE_HEARTBEAT) {
            if (flags != 0) {
                return ProtocolError.NON_ZERO_FLAGS.result();
            }
            if (length != HeartbeatFrameFlyweight.FRAME_LENGTH) {
                return ProtocolError.BAD_LENGTH.result();
            }
        } else if (type >= FrameDescriptor.TYPE_RESERVED_FIRST && type <= FrameDescriptor.TYPE_RESERVED_LAST) {
            return ProtocolError.RESERVED_TYPE.result();
        } else {
            return ProtocolError.UNKNOWN_TYPE.result();
        }
        return available >= length ? length : NEED_MORE;
    }

    /**
     * The frame's type; call only after {@link #decode} returned a length.
     *
     * @param buffer holding the frame.
     * @param offset where the frame starts.
     * @return {@link FrameDescriptor#TYPE_DATA} or {@link FrameDescriptor#TYPE_HEARTBEAT}.
     */
    public static int type(final DirectBuffer buffer, final int offset) {
        return buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
    }

    private static int checkDataHeader(final DirectBuffer buffer, final int offset) {
        final int group = buffer.getInt(offset + DataFrameFlyweight.GROUP_OFFSET, BIG_ENDIAN);
        if (!Ipv4.isMulticast(group)) {
            return ProtocolError.GROUP_NOT_MULTICAST.result();
        }
        if (buffer.getShort(offset + DataFrameFlyweight.PORT_OFFSET, BIG_ENDIAN) == 0) {
            return ProtocolError.PORT_ZERO.result();
        }
        if (buffer.getShort(offset + DataFrameFlyweight.RESERVED_OFFSET, BIG_ENDIAN) != 0) {
            return ProtocolError.NON_ZERO_RESERVED.result();
        }
        return 0;
    }
}
