package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The two frames of the replay port (docs/wire-format.md, "The replay port"): a customer's REPLAY_REQUEST (type
 * 0x10) and the relay's REPLAY_END (type 0x11) that closes each answer. Between them the relay sends the recorded
 * datagrams as ordinary DATA frames. Both frames start with the relay-v1 prefix; integers are big-endian.
 *
 * <pre>
 * REPLAY_REQUEST, customer to relay; header 40, length 41..104
 * offset size field       rule
 *   4     1   startKind   1 = time (the relay's ingress time, epoch ns), 2 = the exchange's sequence (one group)
 *   5     1   endKind     1 = time, 2 = exchange sequence (inclusive), 3 = count of datagrams, 4 = live (no end)
 *   6     2   port        VPC-side UDP port; 0 with group 0 = every group:port of the feed
 *   8     4   group       VPC-side group; 0 = every group of the feed
 *  12     8   start       time: the first datagram's ingress time is at or after this; sequence: the first's
 *  20     8   end         time: before this ingress time; sequence: up to this one; count: how many at most;
 *                         live: 0
 *  28     8   requestId   chosen by the customer, returned in REPLAY_END
 *  36     4   reserved    0
 *  40     n   feed        the feed's name, US-ASCII, 1..64 bytes
 *
 * REPLAY_END, relay to customer; header 48, length 48..248
 *   4     1   outcome     0 complete, 1 partial (the start is older than the oldest datagram held), 2 unknown feed,
 *                         3 unknown group, 4 refused, 5 bad request
 *   5     3   reserved    0
 *   8     8   requestId   the request's
 *  16     8   datagrams   DATA frames sent in this answer
 *  24     8   oldestHeld  ingress time of the oldest datagram the relay holds for the feed; 0 = none
 *  32     8   newestHeld  ingress time of the newest; 0 = none
 *  40     8   reserved    0
 *  48     n   reason      US-ASCII, 0..200 bytes: why, for outcomes 1..5
 * </pre>
 *
 * <p>Stateless; any thread.
 */
public final class ReplayFrames {
    public static final int START_KIND_OFFSET = 4;
    public static final int END_KIND_OFFSET = 5;
    public static final int PORT_OFFSET = 6;
    public static final int GROUP_OFFSET = 8;
    public static final int START_OFFSET = 12;
    public static final int END_OFFSET = 20;
    public static final int REQUEST_ID_OFFSET = 28;
    public static final int REQUEST_RESERVED_OFFSET = 36;
    public static final int FEED_OFFSET = 40;
    public static final int REQUEST_HEADER_LENGTH = FEED_OFFSET;
    public static final int MAX_FEED_LENGTH = 64;
    public static final int MAX_REQUEST_LENGTH = REQUEST_HEADER_LENGTH + MAX_FEED_LENGTH;

    public static final int OUTCOME_OFFSET = 4;
    public static final int END_REQUEST_ID_OFFSET = 8;
    public static final int DATAGRAMS_OFFSET = 16;
    public static final int OLDEST_HELD_OFFSET = 24;
    public static final int NEWEST_HELD_OFFSET = 32;
    public static final int REASON_OFFSET = 48;
    public static final int END_HEADER_LENGTH = REASON_OFFSET;
    public static final int MAX_REASON_LENGTH = 200;
    public static final int MAX_END_LENGTH = END_HEADER_LENGTH + MAX_REASON_LENGTH;

    public static final int KIND_TIME = 1;
    public static final int KIND_SEQUENCE = 2;
    public static final int KIND_COUNT = 3;
    public static final int KIND_LIVE = 4;

    private ReplayFrames() {
    }

    /** How an answer ended, the {@code outcome} byte of REPLAY_END. */
    public enum Outcome {
        COMPLETE, PARTIAL, UNKNOWN_FEED, UNKNOWN_GROUP, REFUSED, BAD_REQUEST;

        /** @return the outcome with that code, or null. */
        public static Outcome of(final int code) {
            final Outcome[] all = values();
            return code >= 0 && code < all.length ? all[code] : null;
        }
    }

    /**
     * A decoded REPLAY_REQUEST.
     *
     * @param startKind which {@code start} ({@link #KIND_TIME}).
     * @param endKind   which {@code end} ({@link #KIND_TIME} or {@link #KIND_COUNT}).
     * @param group     VPC-side group, 0 = all.
     * @param port      VPC-side port, 0 = all.
     * @param start     the start.
     * @param end       the end.
     * @param requestId the customer's.
     * @param feed      the feed's name.
     */
    public record Request(int startKind, int endKind, int group, int port, long start, long end, long requestId,
        String feed) {
    }

    /**
     * Writes a REPLAY_REQUEST.
     *
     * @return the frame's length.
     */
    public static int encodeRequest(final MutableDirectBuffer buffer, final int offset, final Request request) {
        final byte[] feed = request.feed().getBytes(StandardCharsets.US_ASCII);
        final int length = REQUEST_HEADER_LENGTH + feed.length;
        prefix(buffer, offset, length, FrameDescriptor.TYPE_REPLAY_REQUEST);
        buffer.putByte(offset + START_KIND_OFFSET, (byte)request.startKind());
        buffer.putByte(offset + END_KIND_OFFSET, (byte)request.endKind());
        buffer.putShort(offset + PORT_OFFSET, (short)request.port(), BIG_ENDIAN);
        buffer.putInt(offset + GROUP_OFFSET, request.group(), BIG_ENDIAN);
        buffer.putLong(offset + START_OFFSET, request.start(), BIG_ENDIAN);
        buffer.putLong(offset + END_OFFSET, request.end(), BIG_ENDIAN);
        buffer.putLong(offset + REQUEST_ID_OFFSET, request.requestId(), BIG_ENDIAN);
        buffer.putInt(offset + REQUEST_RESERVED_OFFSET, 0, BIG_ENDIAN);
        buffer.putBytes(offset + FEED_OFFSET, feed);
        return length;
    }

    /**
     * Checks and reads a whole REPLAY_REQUEST whose prefix says type 0x10.
     *
     * @param length the frame's length from its prefix.
     * @return the request.
     * @throws IllegalArgumentException naming the field that breaks a rule.
     */
    public static Request decodeRequest(final DirectBuffer buffer, final int offset, final int length) {
        if (length <= REQUEST_HEADER_LENGTH || length > MAX_REQUEST_LENGTH) {
            throw new IllegalArgumentException("length " + length + " is outside " + (REQUEST_HEADER_LENGTH + 1) +
                ".." + MAX_REQUEST_LENGTH);
        }
        if (buffer.getByte(offset + FrameDescriptor.FLAGS_OFFSET) != 0 ||
            buffer.getInt(offset + REQUEST_RESERVED_OFFSET, BIG_ENDIAN) != 0) {
            throw new IllegalArgumentException("flags and reserved must be 0");
        }
        final int startKind = buffer.getByte(offset + START_KIND_OFFSET) & 0xFF;
        final int endKind = buffer.getByte(offset + END_KIND_OFFSET) & 0xFF;
        if (startKind < KIND_TIME || startKind > KIND_SEQUENCE) {
            throw new IllegalArgumentException("startKind " + startKind + " is neither 1 (time) nor 2 (sequence)");
        }
        if (endKind < KIND_TIME || endKind > KIND_LIVE) {
            throw new IllegalArgumentException("endKind " + endKind + " is none of 1 (time), 2 (sequence), " +
                "3 (count), 4 (live)");
        }
        final int group = buffer.getInt(offset + GROUP_OFFSET, BIG_ENDIAN);
        final int port = buffer.getShort(offset + PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
        if (group != 0 && !Ipv4.isMulticast(group) || (group == 0) != (port == 0)) {
            throw new IllegalArgumentException("group:port " + Ipv4.toString(group) + ":" + port +
                " is neither a multicast group:port nor 0:0 (every group)");
        }
        if (endKind == KIND_LIVE && buffer.getLong(offset + END_OFFSET, BIG_ENDIAN) != 0) {
            throw new IllegalArgumentException("end must be 0 with endKind 4 (live)");
        }
        final byte[] feed = new byte[length - FEED_OFFSET];
        buffer.getBytes(offset + FEED_OFFSET, feed);
        if (!WireNames.isPrintableAscii(feed)) {
            throw new IllegalArgumentException("feed name is not printable US-ASCII");
        }
        return new Request(startKind, endKind, group, port, buffer.getLong(offset + START_OFFSET, BIG_ENDIAN),
            buffer.getLong(offset + END_OFFSET, BIG_ENDIAN), buffer.getLong(offset + REQUEST_ID_OFFSET, BIG_ENDIAN),
            new String(feed, StandardCharsets.US_ASCII));
    }

    /**
     * Writes a REPLAY_END.
     *
     * @param reason why, for outcomes other than complete; cut to 200 bytes.
     * @return the frame's length.
     */
    public static int encodeEnd(final MutableDirectBuffer buffer, final int offset, final Outcome outcome,
        final long requestId, final long datagrams, final long oldestHeld, final long newestHeld, final String reason) {
        final byte[] text = reason.getBytes(StandardCharsets.US_ASCII);
        final int reasonLength = Math.min(text.length, MAX_REASON_LENGTH);
        final int length = END_HEADER_LENGTH + reasonLength;
        prefix(buffer, offset, length, FrameDescriptor.TYPE_REPLAY_END);
        buffer.putByte(offset + OUTCOME_OFFSET, (byte)outcome.ordinal());
        buffer.putByte(offset + OUTCOME_OFFSET + 1, (byte)0);
        buffer.putShort(offset + OUTCOME_OFFSET + 2, (short)0, BIG_ENDIAN);
        buffer.putLong(offset + END_REQUEST_ID_OFFSET, requestId, BIG_ENDIAN);
        buffer.putLong(offset + DATAGRAMS_OFFSET, datagrams, BIG_ENDIAN);
        buffer.putLong(offset + OLDEST_HELD_OFFSET, oldestHeld, BIG_ENDIAN);
        buffer.putLong(offset + NEWEST_HELD_OFFSET, newestHeld, BIG_ENDIAN);
        buffer.putLong(offset + NEWEST_HELD_OFFSET + 8, 0, BIG_ENDIAN);
        buffer.putBytes(offset + REASON_OFFSET, text, 0, reasonLength);
        return length;
    }

    public static Outcome outcome(final DirectBuffer buffer, final int offset) {
        return Outcome.of(buffer.getByte(offset + OUTCOME_OFFSET) & 0xFF);
    }

    public static long endRequestId(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + END_REQUEST_ID_OFFSET, BIG_ENDIAN);
    }

    public static long datagrams(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + DATAGRAMS_OFFSET, BIG_ENDIAN);
    }

    public static long oldestHeld(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + OLDEST_HELD_OFFSET, BIG_ENDIAN);
    }

    public static long newestHeld(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + NEWEST_HELD_OFFSET, BIG_ENDIAN);
    }

    /** @return the reason text of a REPLAY_END of {@code length} bytes. */
    public static String reason(final DirectBuffer buffer, final int offset, final int length) {
        final byte[] text = new byte[Math.max(0, length - REASON_OFFSET)];
        buffer.getBytes(offset + REASON_OFFSET, text);
        return new String(text, StandardCharsets.US_ASCII);
    }

    private static void prefix(final MutableDirectBuffer buffer, final int offset, final int length, final int type) {
        buffer.putShort(offset + FrameDescriptor.LENGTH_OFFSET, (short)length, BIG_ENDIAN);
        buffer.putByte(offset + FrameDescriptor.TYPE_OFFSET, (byte)type);
        buffer.putByte(offset + FrameDescriptor.FLAGS_OFFSET, (byte)0);
    }
}
