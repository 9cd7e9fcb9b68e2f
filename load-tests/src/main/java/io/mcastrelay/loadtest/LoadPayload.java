package io.mcastrelay.loadtest;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The 40-byte header the load generator puts at the start of every payload and the receiver reads back.
 *
 * <pre>
 * offset size field              meaning
 *   0     4   magic              ASCII "RLT1"; anything else is not ours
 *   4     4   runToken           random per run, so a late datagram of an earlier run is ignored
 *   8     4   stream             index of the destination group in the run, from 0
 *  12     4   payloadLength      bytes of the whole payload, checked by the receiver
 *  16     8   sequence           per stream, from 1
 *  24     8   intendedTimeNanos  when the schedule said the frame was due (epoch ns); latency is measured from it
 *  32     8   sendTimeNanos      when the generator actually wrote it (epoch ns); raw latency is measured from it
 *  40     n   filler             byte i = (byte)i
 * </pre>
 *
 * <p>Big-endian, like relay-v1. Stateless; any thread.
 */
final class LoadPayload {
    static final int MAGIC = 0x524C_5431;
    static final int MAGIC_OFFSET = 0;
    static final int RUN_TOKEN_OFFSET = 4;
    static final int STREAM_OFFSET = 8;
    static final int PAYLOAD_LENGTH_OFFSET = 12;
    static final int SEQUENCE_OFFSET = 16;
    static final int INTENDED_TIME_OFFSET = 24;
    static final int SEND_TIME_OFFSET = 32;
    /** Bytes of header; the smallest payload the generator makes. */
    static final int HEADER_LENGTH = 40;

    private LoadPayload() {
    }

    static void fillPattern(final MutableDirectBuffer buffer, final int offset, final int length) {
        for (int i = 0; i < length; i++) {
            buffer.putByte(offset + i, (byte)i);
        }
    }

    static void write(
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

    static boolean isOurs(final DirectBuffer buffer, final int offset, final int length, final int runToken) {
        return length >= HEADER_LENGTH
            && buffer.getInt(offset + MAGIC_OFFSET, BIG_ENDIAN) == MAGIC
            && buffer.getInt(offset + RUN_TOKEN_OFFSET, BIG_ENDIAN) == runToken
            && buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, BIG_ENDIAN) == length;
    }

    static int stream(final DirectBuffer buffer, final int offset) {
        return buffer.getInt(offset + STREAM_OFFSET, BIG_ENDIAN);
    }

    static long sequence(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BIG_ENDIAN);
    }

    static long intendedTimeNanos(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + INTENDED_TIME_OFFSET, BIG_ENDIAN);
    }

    static long sendTimeNanos(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + SEND_TIME_OFFSET, BIG_ENDIAN);
    }
}
