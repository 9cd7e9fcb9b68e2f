package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The one payload format of the project's own traffic: the 40-byte header that the shipped sender
 * ({@code relay-sender}) and the load generator put at the start of every payload they make, and that the shipped
 * subscriber ({@code relay-subscriber}) and the load receiver read back from each datagram to count gaps and measure
 * one-way latency. The relay itself never looks inside a payload.
 *
 * <pre>
 * offset size field              meaning
 *   0     4   magic              ASCII "RLYP"; a payload without it is not a probe
 *   4     4   runToken           random per sender run, so a late datagram of an earlier run can be told apart
 *   8     4   stream             the destination's index in the sender's list, from 0
 *  12     4   payloadLength      bytes of the whole payload; a datagram of another length is not a probe
 *  16     8   sequence           per stream, from 1
 *  24     8   intendedTimeNanos  when the sender's schedule said the frame was due (epoch ns); the load tests
 *                                measure latency from it, so that a late sender does not hide queueing
 *  32     8   sendTimeNanos      when the sender wrote it (epoch ns)
 *  40     n   filler             byte i = (byte)i
 * </pre>
 *
 * <p>Big-endian, like relay-v1. Stateless; any thread.
 */
public final class ProbePayload {
    /** "RLYP" in ASCII, read as a big-endian int. */
    public static final int MAGIC = 0x524C_5950;
    public static final int MAGIC_OFFSET = 0;
    public static final int RUN_TOKEN_OFFSET = 4;
    public static final int STREAM_OFFSET = 8;
    public static final int PAYLOAD_LENGTH_OFFSET = 12;
    public static final int SEQUENCE_OFFSET = 16;
    public static final int INTENDED_TIME_OFFSET = 24;
    public static final int SEND_TIME_OFFSET = 32;
    /** Bytes of header; the smallest payload a sender makes. */
    public static final int HEADER_LENGTH = 40;

    private ProbePayload() {
    }

    /**
     * Fills {@code length} bytes with the filler pattern; {@link #write} puts the header over the first 40.
     *
     * @param buffer to fill.
     * @param offset where the payload starts.
     * @param length bytes of payload.
     */
    public static void fillPattern(final MutableDirectBuffer buffer, final int offset, final int length) {
        for (int i = 0; i < length; i++) {
            buffer.putByte(offset + i, (byte)i);
        }
    }

    /**
     * Writes the header.
     *
     * @param buffer            to write into.
     * @param offset            where the payload starts.
     * @param runToken          the sender run's token.
     * @param stream            the destination's index.
     * @param payloadLength     bytes of the whole payload, header included.
     * @param sequence          per stream, from 1.
     * @param intendedTimeNanos when the frame was due, epoch ns.
     * @param sendTimeNanos     when it is written, epoch ns.
     */
    public static void write(
        final MutableDirectBuffer buffer,
        final int offset,
        final int runToken,
        final int stream,
        final int payloadLength,
        final long sequence,
        final long intendedTimeNanos,
        final long sendTimeNanos) {
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC, BIG_ENDIAN);
        buffer.putInt(offset + RUN_TOKEN_OFFSET, runToken, BIG_ENDIAN);
        buffer.putInt(offset + STREAM_OFFSET, stream, BIG_ENDIAN);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, BIG_ENDIAN);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BIG_ENDIAN);
        buffer.putLong(offset + INTENDED_TIME_OFFSET, intendedTimeNanos, BIG_ENDIAN);
        buffer.putLong(offset + SEND_TIME_OFFSET, sendTimeNanos, BIG_ENDIAN);
    }

    /**
     * Whether a payload is a probe of any run: long enough, the magic, and the length it claims.
     *
     * @param buffer holding the payload.
     * @param offset where it starts.
     * @param length bytes of payload.
     * @return true if it is a probe.
     */
    public static boolean isProbe(final DirectBuffer buffer, final int offset, final int length) {
        return length >= HEADER_LENGTH
            && buffer.getInt(offset + MAGIC_OFFSET, BIG_ENDIAN) == MAGIC
            && buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, BIG_ENDIAN) == length;
    }

    /**
     * Whether a payload is a probe of the given run.
     *
     * @param buffer   holding the payload.
     * @param offset   where it starts.
     * @param length   bytes of payload.
     * @param runToken the run's token.
     * @return true if it is a probe of that run.
     */
    public static boolean isProbe(final DirectBuffer buffer, final int offset, final int length, final int runToken) {
        return isProbe(buffer, offset, length) && runToken(buffer, offset) == runToken;
    }

    /**
     * Whether a probe's filler is intact: byte i of the payload is {@code (byte)i} from the header's end on.
     *
     * @param buffer holding the payload.
     * @param offset where it starts.
     * @param length bytes of payload.
     * @return true if every filler byte is as written.
     */
    public static boolean fillerIntact(final DirectBuffer buffer, final int offset, final int length) {
        for (int i = HEADER_LENGTH; i < length; i++) {
            if (buffer.getByte(offset + i) != (byte)i) {
                return false;
            }
        }
        return true;
    }

    public static int runToken(final DirectBuffer buffer, final int offset) {
        return buffer.getInt(offset + RUN_TOKEN_OFFSET, BIG_ENDIAN);
    }

    public static int stream(final DirectBuffer buffer, final int offset) {
        return buffer.getInt(offset + STREAM_OFFSET, BIG_ENDIAN);
    }

    public static long sequence(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BIG_ENDIAN);
    }

    public static long intendedTimeNanos(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + INTENDED_TIME_OFFSET, BIG_ENDIAN);
    }

    public static long sendTimeNanos(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + SEND_TIME_OFFSET, BIG_ENDIAN);
    }
}
