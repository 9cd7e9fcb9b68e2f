package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Finds and checks the next relay-v1 frame in a run of received bytes, without allocating or throwing. There is one
 * method per direction: {@link #decode} for what a sender sends, {@link #decodeFromRelay} for what the relay sends.
 *
 * <p>Errors in the prefix are reported as soon as the 4 prefix bytes are in, before the rest of the frame arrives,
 * so a sender that speaks something else is cut off at once. Errors in a DATA header (group, port, reserved) are
 * reported once the 28-byte header is in, errors in a HELLO header once its 32 bytes are in. Stateless; any thread.
 */
public final class RelayV1Decoder {
    /** Result: the bytes so far do not hold a whole frame yet. */
    public static final int NEED_MORE = 0;

    private RelayV1Decoder() {
    }

    /**
     * Checks the frame that starts at {@code offset} in a stream a sender sent to the relay: DATA, HEARTBEAT and
     * HELLO are legal, ACK is {@link ProtocolError#WRONG_DIRECTION}.
     *
     * @param buffer    holding the received bytes.
     * @param offset    where the next frame starts.
     * @param available bytes from {@code offset} on that have been received.
     * @return the frame's length (&gt; 0) if it is complete and valid; {@link #NEED_MORE}; or a negative
     *     {@link ProtocolError#result()}.
     */
    public static int decode(final DirectBuffer buffer, final int offset, final int available) {
        return decode(buffer, offset, available, true);
    }

    /**
     * Checks the frame that starts at {@code offset} in a stream the relay sent to a sender: HEARTBEAT and ACK are
     * legal, DATA and HELLO are {@link ProtocolError#WRONG_DIRECTION}. For senders such as the capture.
     *
     * @param buffer    holding the received bytes.
     * @param offset    where the next frame starts.
     * @param available bytes from {@code offset} on that have been received.
     * @return the frame's length (&gt; 0) if it is complete and valid; {@link #NEED_MORE}; or a negative
     *     {@link ProtocolError#result()}.
     */
    public static int decodeFromRelay(final DirectBuffer buffer, final int offset, final int available) {
        return decode(buffer, offset, available, false);
    }

    private static int decode(
        final DirectBuffer buffer, final int offset, final int available, final boolean toRelay) {
        if (available < FrameDescriptor.PREFIX_LENGTH) {
            return NEED_MORE;
        }
        final int length = buffer.getShort(offset + FrameDescriptor.LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int type = buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        final int flags = buffer.getByte(offset + FrameDescriptor.FLAGS_OFFSET) & 0xFF;
        final int check;
        if (type == FrameDescriptor.TYPE_DATA) {
            check = toRelay ? checkData(buffer, offset, available, length) : ProtocolError.WRONG_DIRECTION.result();
        } else if (type == FrameDescriptor.TYPE_HEARTBEAT) {
            check = length == HeartbeatFrameFlyweight.FRAME_LENGTH ? 0 : ProtocolError.BAD_LENGTH.result();
        } else if (type == FrameDescriptor.TYPE_HELLO) {
            check = toRelay ? checkHello(buffer, offset, available, length) : ProtocolError.WRONG_DIRECTION.result();
        } else if (type == FrameDescriptor.TYPE_ACK) {
            check = toRelay ? ProtocolError.WRONG_DIRECTION.result()
                : length == AckFrameFlyweight.FRAME_LENGTH ? 0 : ProtocolError.BAD_LENGTH.result();
        } else if (type >= FrameDescriptor.TYPE_RESERVED_FIRST && type <= FrameDescriptor.TYPE_RESERVED_LAST) {
            return ProtocolError.RESERVED_TYPE.result();
        } else {
            return ProtocolError.UNKNOWN_TYPE.result();
        }
        if (flags != 0) {
            return ProtocolError.NON_ZERO_FLAGS.result();
        }
        if (check < 0) {
            return check;
        }
        return available >= length ? length : NEED_MORE;
    }

    private static int checkData(final DirectBuffer buffer, final int offset, final int available, final int length) {
        if (length < DataFrameFlyweight.HEADER_LENGTH) {
            return ProtocolError.BAD_LENGTH.result();
        }
        if (length - DataFrameFlyweight.HEADER_LENGTH > FrameDescriptor.MAX_PAYLOAD_LENGTH) {
            return ProtocolError.PAYLOAD_TOO_LARGE.result();
        }
        return available >= DataFrameFlyweight.HEADER_LENGTH ? checkDataHeader(buffer, offset) : 0;
    }

    private static int checkHello(
        final DirectBuffer buffer, final int offset, final int available, final int length) {
        if (length <= HelloFrameFlyweight.HEADER_LENGTH
            || length > HelloFrameFlyweight.HEADER_LENGTH + HelloFrameFlyweight.MAX_FEED_LENGTH) {
            return ProtocolError.BAD_LENGTH.result();
        }
        if (available < HelloFrameFlyweight.HEADER_LENGTH) {
            return 0;
        }
        if ((buffer.getByte(offset + HelloFrameFlyweight.VERSION_MAJOR_OFFSET) & 0xFF)
            != FrameDescriptor.VERSION_MAJOR) {
            return ProtocolError.UNSUPPORTED_VERSION.result();
        }
        if (buffer.getShort(offset + HelloFrameFlyweight.RESERVED_OFFSET, BIG_ENDIAN) != 0
            || buffer.getLong(offset + HelloFrameFlyweight.SESSION_ID_OFFSET, BIG_ENDIAN) == 0
            || buffer.getLong(offset + HelloFrameFlyweight.FIRST_SEQUENCE_OFFSET, BIG_ENDIAN) == 0) {
            return ProtocolError.BAD_HELLO.result();
        }
        return 0;
    }

    /**
     * The frame's type; call only after {@link #decode} returned a length.
     *
     * @param buffer holding the frame.
     * @param offset where the frame starts.
     * @return one of the {@code FrameDescriptor.TYPE_*} constants.
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
