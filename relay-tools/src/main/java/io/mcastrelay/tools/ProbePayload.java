package io.mcastrelay.tools;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The 24-byte header that {@link RelaySender} puts at the start of every synthetic payload and
 * {@link RelaySubscriber} reads back from each datagram, to count gaps and measure one-way latency.
 *
 * <pre>
 * offset size field          meaning
 *   0     8   magic          ASCII "RLYPROBE"; a datagram without it is not a probe
 *   8     8   sequence       per destination group:port, starting at 1
 *  16     8   sendTimeNanos  sender's wall clock, ns since the Unix epoch
 *  24     n   pattern        deterministic filler, byte i = (byte)i
 * </pre>
 *
 * <p>Big-endian, like relay-v1. Stateless; any thread.
 */
final class ProbePayload {
    /** "RLYPROBE" in ASCII, read as a big-endian long. */
    static final long MAGIC = 0x524C_5950_524F_4245L;
    static final int MAGIC_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 8;
    static final int SEND_TIME_NANOS_OFFSET = 16;
    /** Bytes of probe header; the smallest payload the sender makes. */
    static final int LENGTH = 24;

    private ProbePayload() {
    }

    /**
     * Fills {@code length} bytes with the pattern; the header is written over its first 24 bytes by {@link #write}.
     *
     * @param buffer to fill.
     * @param offset where the payload starts.
     * @param length bytes of payload.
     */
    static void fillPattern(final MutableDirectBuffer buffer, final int offset, final int length) {
        for (int i = 0; i < length; i++) {
            buffer.putByte(offset + i, (byte)i);
        }
    }

    /**
     * Writes the probe header.
     *
     * @param buffer        to write into.
     * @param offset        where the payload starts.
     * @param sequence      per destination, from 1.
     * @param sendTimeNanos the wall clock in ns since the epoch.
     */
    static void write(
        final MutableDirectBuffer buffer, final int offset, final long sequence, final long sendTimeNanos) {
        buffer.putLong(offset + MAGIC_OFFSET, MAGIC, BIG_ENDIAN);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BIG_ENDIAN);
        buffer.putLong(offset + SEND_TIME_NANOS_OFFSET, sendTimeNanos, BIG_ENDIAN);
    }

    /**
     * Whether a payload starts with a probe header.
     *
     * @param buffer holding the payload.
     * @param offset where it starts.
     * @param length bytes of payload.
     * @return true if it is long enough and carries the magic.
     */
    static boolean isProbe(final DirectBuffer buffer, final int offset, final int length) {
        return length >= LENGTH && buffer.getLong(offset + MAGIC_OFFSET, BIG_ENDIAN) == MAGIC;
    }

    static long sequence(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BIG_ENDIAN);
    }

    static long sendTimeNanos(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + SEND_TIME_NANOS_OFFSET, BIG_ENDIAN);
    }
}
