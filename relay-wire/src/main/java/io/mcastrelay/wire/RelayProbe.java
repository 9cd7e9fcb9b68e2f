package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The payload of the relay's own probe datagrams (docs/wire-format.md, "Probe datagrams"): sent by each relay, per
 * feed, a few times a second to the probe group from the feed's own multicast socket, so that a canary in a
 * customer-like VPC can tell whether the path delivers, how late, and what the relay itself saw.
 *
 * <pre>
 * offset size field            meaning
 *   0     4   magic            ASCII "RLYH"
 *   4     2   version          1
 *   6     2   reserved         0
 *   8     8   sequence         per relay run and feed, from 1: a gap is a lost probe
 *  16     8   sendTimeNanos    the relay's wall clock when it sent the probe (epoch ns)
 *  24     8   startedMillis    when the relay started (epoch ms): a new value is a restart, not a loss
 *  32     8   feedFramesLastSecond   datagrams the relay sent for the feed in the last whole second
 *  40     8   feedDatagramsTotal     datagrams the relay sent for the feed since it started
 *  48     1   relayIdLength    1..64
 *  49     n   relayId          US-ASCII: the relay's identity (host name, task id)
 *  49+n   1   feedLength       1..64
 *  50+n   m   feed             US-ASCII: the feed's name
 * </pre>
 *
 * <p>Big-endian, like relay-v1. Stateless; any thread.
 */
public final class RelayProbe {
    /** "RLYH" in ASCII, read as a big-endian int. */
    public static final int MAGIC = 0x524C_5948;
    public static final int VERSION = 1;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int SEND_TIME_OFFSET = 16;
    public static final int STARTED_OFFSET = 24;
    public static final int FRAMES_LAST_SECOND_OFFSET = 32;
    public static final int DATAGRAMS_TOTAL_OFFSET = 40;
    public static final int RELAY_ID_OFFSET = 48;
    public static final int MAX_NAME_LENGTH = 64;
    /** The longest probe: both names at their maximum. */
    public static final int MAX_LENGTH = RELAY_ID_OFFSET + 2 + 2 * MAX_NAME_LENGTH;

    private RelayProbe() {
    }

    /**
     * A probe as read.
     *
     * @param relayId              the sending relay.
     * @param feed                 the feed it speaks for.
     * @param sequence             per relay run and feed, from 1.
     * @param sendTimeNanos        the relay's clock at sending, epoch ns.
     * @param startedMillis        the relay's start, epoch ms.
     * @param feedFramesLastSecond datagrams sent for the feed in the last whole second.
     * @param feedDatagramsTotal   datagrams sent for the feed since start.
     */
    public record Probe(String relayId, String feed, long sequence, long sendTimeNanos, long startedMillis,
        long feedFramesLastSecond, long feedDatagramsTotal) {
    }

    /**
     * Writes the fixed part of a probe and both names, once per feed; {@link #update} then fills in what changes.
     *
     * @return the probe's length.
     * @throws IllegalArgumentException if a name is empty, longer than 64 bytes or not printable US-ASCII.
     */
    public static int writeNames(final MutableDirectBuffer buffer, final int offset, final String relayId,
        final String feed) {
        final byte[] relay = name("relay id", relayId);
        final byte[] feedName = name("feed", feed);
        buffer.putInt(offset, MAGIC, BIG_ENDIAN);
        buffer.putShort(offset + 4, (short)VERSION, BIG_ENDIAN);
        buffer.putShort(offset + 6, (short)0, BIG_ENDIAN);
        buffer.putByte(offset + RELAY_ID_OFFSET, (byte)relay.length);
        buffer.putBytes(offset + RELAY_ID_OFFSET + 1, relay);
        final int feedAt = offset + RELAY_ID_OFFSET + 1 + relay.length;
        buffer.putByte(feedAt, (byte)feedName.length);
        buffer.putBytes(feedAt + 1, feedName);
        return RELAY_ID_OFFSET + 2 + relay.length + feedName.length;
    }

    /** Writes the fields that change from one probe to the next into a probe {@link #writeNames} prepared. */
    public static void update(final MutableDirectBuffer buffer, final int offset, final long sequence,
        final long sendTimeNanos, final long startedMillis, final long feedFramesLastSecond,
        final long feedDatagramsTotal) {
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BIG_ENDIAN);
        buffer.putLong(offset + SEND_TIME_OFFSET, sendTimeNanos, BIG_ENDIAN);
        buffer.putLong(offset + STARTED_OFFSET, startedMillis, BIG_ENDIAN);
        buffer.putLong(offset + FRAMES_LAST_SECOND_OFFSET, feedFramesLastSecond, BIG_ENDIAN);
        buffer.putLong(offset + DATAGRAMS_TOTAL_OFFSET, feedDatagramsTotal, BIG_ENDIAN);
    }

    /**
     * Reads a probe.
     *
     * @return the probe, or null if these bytes are not one (wrong magic, version, or lengths).
     */
    public static Probe read(final DirectBuffer buffer, final int offset, final int length) {
        if (length < RELAY_ID_OFFSET + 4 || buffer.getInt(offset, BIG_ENDIAN) != MAGIC ||
            (buffer.getShort(offset + 4, BIG_ENDIAN) & 0xFFFF) != VERSION) {
            return null;
        }
        final int relayLength = buffer.getByte(offset + RELAY_ID_OFFSET) & 0xFF;
        if (relayLength < 1 || relayLength > MAX_NAME_LENGTH || RELAY_ID_OFFSET + 2 + relayLength >= length) {
            return null;
        }
        final int feedAt = RELAY_ID_OFFSET + 1 + relayLength;
        final int feedLength = buffer.getByte(offset + feedAt) & 0xFF;
        if (feedLength < 1 || feedLength > MAX_NAME_LENGTH || feedAt + 1 + feedLength != length) {
            return null;
        }
        return new Probe(buffer.getStringWithoutLengthAscii(offset + RELAY_ID_OFFSET + 1, relayLength),
            buffer.getStringWithoutLengthAscii(offset + feedAt + 1, feedLength),
            buffer.getLong(offset + SEQUENCE_OFFSET, BIG_ENDIAN), buffer.getLong(offset + SEND_TIME_OFFSET, BIG_ENDIAN),
            buffer.getLong(offset + STARTED_OFFSET, BIG_ENDIAN),
            buffer.getLong(offset + FRAMES_LAST_SECOND_OFFSET, BIG_ENDIAN),
            buffer.getLong(offset + DATAGRAMS_TOTAL_OFFSET, BIG_ENDIAN));
    }

    private static byte[] name(final String what, final String value) {
        // getBytes would turn a character outside US-ASCII into '?', which is printable: refuse it first
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(value)) {
            throw new IllegalArgumentException(what + " '" + value + "' must be printable US-ASCII");
        }
        final byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < 1 || bytes.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " '" + value + "' must be 1 to 64 bytes");
        }
        if (!WireNames.isPrintableAscii(bytes)) {
            throw new IllegalArgumentException(what + " '" + value + "' must be printable US-ASCII");
        }
        return bytes;
    }
}
