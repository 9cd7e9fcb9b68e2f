package io.mcastrelay.wire;

import java.nio.ByteOrder;
import java.util.Locale;

import org.agrona.DirectBuffer;

/**
 * Where a feed's payloads carry the exchange's own sequence number: a byte offset into the payload, a width of 4 or 8
 * bytes and a byte order. For example {@code 0:4:little-endian} for CME MDP3 packets (MsgSeqNum first), and
 * {@code 10:8:big-endian} for MoldUDP64 (after the 10-byte session). The relay reads it to count gaps and repeats per
 * group (loss before the relay), the replay port to find a point in the stream, and a customer's subscriber to see
 * what multicast lost. Sequences are unsigned; a 4-byte one is read as 0..2^32-1.
 *
 * @param offset    bytes from the payload's start.
 * @param width     4 or 8.
 * @param byteOrder the byte order.
 */
public record SequenceLocator(int offset, int width, ByteOrder byteOrder) {
    /** What {@link #read} returns for a payload too short to hold the sequence. */
    public static final long NONE = -1;

    public SequenceLocator {
        if (offset < 0 || offset > FrameDescriptor.MAX_PAYLOAD_LENGTH - 8) {
            throw new InvalidSettingException("", "sequence.offset", offset, "must lie in 0.." +
                (FrameDescriptor.MAX_PAYLOAD_LENGTH - 8));
        }
        if (width != 4 && width != 8) {
            throw new InvalidSettingException("", "sequence.width", width, "must be 4 or 8 (bytes)");
        }
        if (byteOrder == null) {
            throw new InvalidSettingException("", "sequence.byte-order", null,
                "must be big-endian or little-endian");
        }
    }

    /**
     * Parses {@code OFFSET:WIDTH:ORDER}, ORDER being {@code big-endian} or {@code little-endian} ({@code big},
     * {@code little} too).
     *
     * @param text for example {@code 0:4:little-endian}.
     * @return the locator.
     * @throws InvalidSettingException naming the part that is wrong.
     */
    public static SequenceLocator parse(final String text) {
        final String[] parts = text == null ? new String[0] : text.trim().split(":");
        if (parts.length != 3 || !Ipv4.isAsciiDigits(parts[0]) || !Ipv4.isAsciiDigits(parts[1]) ||
            parts[0].length() > 5 || parts[1].length() > 1) {
            throw new InvalidSettingException("", "sequence", text,
                "'" + text + "' is not OFFSET:WIDTH:ORDER such as 0:4:little-endian");
        }
        return new SequenceLocator(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), byteOrder(parts[2]));
    }

    /**
     * @param name {@code big-endian}, {@code little-endian}, {@code big} or {@code little}, any case.
     * @return the byte order, or null for anything else.
     */
    public static ByteOrder byteOrder(final String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "big-endian", "big" -> ByteOrder.BIG_ENDIAN;
            case "little-endian", "little" -> ByteOrder.LITTLE_ENDIAN;
            default -> null;
        };
    }

    /**
     * Reads the sequence of one payload. Allocates nothing.
     *
     * @param buffer        holding the payload.
     * @param payloadOffset where it starts.
     * @param payloadLength its bytes.
     * @return the sequence, or {@link #NONE} if the payload is too short.
     */
    public long read(final DirectBuffer buffer, final int payloadOffset, final int payloadLength) {
        if (payloadLength < offset + width) {
            return NONE;
        }
        return width == 8 ? buffer.getLong(payloadOffset + offset, byteOrder)
            : buffer.getInt(payloadOffset + offset, byteOrder) & 0xFFFF_FFFFL;
    }

    @Override
    public String toString() {
        return offset + ":" + width + ":" + (byteOrder == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian");
    }
}
