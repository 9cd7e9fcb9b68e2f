package io.mcastrelay.egress;

import static io.mcastrelay.egress.Sendmmsg.IOVEC_LENGTH;
import static io.mcastrelay.egress.Sendmmsg.IOV_LEN_OFFSET;
import static io.mcastrelay.egress.Sendmmsg.MMSGHDR_LENGTH;
import static io.mcastrelay.egress.Sendmmsg.MSG_IOVLEN_OFFSET;
import static io.mcastrelay.egress.Sendmmsg.MSG_IOV_OFFSET;
import static io.mcastrelay.egress.Sendmmsg.MSG_NAMELEN_OFFSET;
import static io.mcastrelay.egress.Sendmmsg.MSG_NAME_OFFSET;
import static io.mcastrelay.egress.Sendmmsg.SOCKADDR_IN_LENGTH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The datagrams of one {@code sendmmsg} call, gathered from a feed's IPC stream: a {@code struct mmsghdr} and a
 * {@code struct iovec} per datagram in native memory, each iovec pointing at the payload where it lies in the Aeron
 * term buffer (no copy), and beside them, per datagram, what egress needs once it has gone: its destination, its
 * length, the stream position just after it and its two timestamps.
 *
 * <p>A payload that does not lie in native memory (a heap buffer, in tests) is copied into a staging area first.
 *
 * <p>Egress only (the thread that runs the feed's {@link EgressAgent}). Allocated once per feed; allocates nothing
 * afterwards.
 */
final class DatagramBatch {
    /** Bytes of payload that may be staged per batch: payloads outside native memory are copied here. */
    static final int STAGING_BYTES = 256 * 1024;

    private final int capacity;
    /** Holds the native memory: the buffers below see only its addresses, and it is freed once this is unreachable. */
    private final MemorySegment[] memory;
    private final UnsafeBuffer messages;
    private final UnsafeBuffer iovecs;
    private final UnsafeBuffer staging;
    private final int[] destinations;
    private final int[] lengths;
    private final long[] positions;
    private final long[] ingressTimesNs;
    private final long[] sendTimesNs;
    private int stagingUsed;
    private int count;
    /** The stream position that the first datagram follows: where the batch began, past any skipped message. */
    private long basePosition;

    /**
     * Allocates a batch.
     *
     * @param capacity datagrams per call, 1..{@link Sendmmsg#MAX_MESSAGES}.
     */
    DatagramBatch(final int capacity) {
        if (capacity < 1 || capacity > Sendmmsg.MAX_MESSAGES) {
            throw new IllegalArgumentException("batch of " + capacity + " is outside 1.." + Sendmmsg.MAX_MESSAGES);
        }
        this.capacity = capacity;
        final Arena arena = Arena.ofAuto();
        final MemorySegment messageSegment = arena.allocate((long)capacity * MMSGHDR_LENGTH, 8);
        final MemorySegment iovecSegment = arena.allocate((long)capacity * IOVEC_LENGTH, 8);
        final MemorySegment stagingSegment = arena.allocate(STAGING_BYTES, 8);
        messages = new UnsafeBuffer(messageSegment.address(), (int)messageSegment.byteSize());
        iovecs = new UnsafeBuffer(iovecSegment.address(), (int)iovecSegment.byteSize());
        staging = new UnsafeBuffer(stagingSegment.address(), STAGING_BYTES);
        memory = new MemorySegment[] {messageSegment, iovecSegment, stagingSegment};
        for (int i = 0; i < capacity; i++) {
            final int at = i * MMSGHDR_LENGTH;
            messages.putInt(at + MSG_NAMELEN_OFFSET, SOCKADDR_IN_LENGTH);
            messages.putLong(at + MSG_IOV_OFFSET, iovecs.addressOffset() + (long)i * IOVEC_LENGTH);
            messages.putLong(at + MSG_IOVLEN_OFFSET, 1);
        }
        destinations = new int[capacity];
        lengths = new int[capacity];
        positions = new long[capacity];
        ingressTimesNs = new long[capacity];
        sendTimesNs = new long[capacity];
    }

    /**
     * Empties the batch.
     *
     * @param position the stream position the next datagram follows.
     */
    void clear(final long position) {
        count = 0;
        stagingUsed = 0;
        basePosition = position;
    }

    /**
     * Moves the batch's start past a message that is not sent (malformed, unknown destination); only while empty.
     *
     * @param position the stream position just after that message.
     */
    void skipTo(final long position) {
        basePosition = position;
    }

    /**
     * Adds a datagram.
     *
     * @param sockaddr      the native address of its destination's {@code struct sockaddr_in}.
     * @param destination   the destination's index, for counting.
     * @param buffer        holding the payload.
     * @param offset        where the payload starts.
     * @param length        bytes of payload.
     * @param position      the stream position just after the message.
     * @param ingressTimeNs when the relay read the frame.
     * @param sendTimeNs    the sender's stamp, 0 if none.
     * @return false, and nothing added, if the staging area cannot take a payload that must be copied.
     */
    boolean add(
        final long sockaddr,
        final int destination,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long position,
        final long ingressTimeNs,
        final long sendTimeNs) {
        final long payloadAddress;
        if (buffer.byteArray() == null) {
            payloadAddress = buffer.addressOffset() + offset;
        } else {
            if (STAGING_BYTES - stagingUsed < length) {
                return false;
            }
            staging.putBytes(stagingUsed, buffer, offset, length);
            payloadAddress = staging.addressOffset() + stagingUsed;
            stagingUsed += length;
        }
        final int i = count;
        messages.putLong(i * MMSGHDR_LENGTH + MSG_NAME_OFFSET, sockaddr);
        iovecs.putLong(i * IOVEC_LENGTH, payloadAddress);
        iovecs.putLong(i * IOVEC_LENGTH + IOV_LEN_OFFSET, length);
        destinations[i] = destination;
        lengths[i] = length;
        positions[i] = position;
        ingressTimesNs[i] = ingressTimeNs;
        sendTimesNs[i] = sendTimeNs;
        count = i + 1;
        return true;
    }

    /** @return datagrams in the batch. */
    int count() {
        return count;
    }

    /** @return whether no more datagrams fit. */
    boolean isFull() {
        return count == capacity;
    }

    /**
     * The native address of one datagram's {@code struct mmsghdr}, for {@link Sendmmsg#send}; the rest follow it.
     *
     * @param i the datagram's index.
     * @return its address.
     */
    long messageAddress(final int i) {
        return messages.addressOffset() + (long)i * MMSGHDR_LENGTH;
    }

    /**
     * The stream position up to which the first {@code done} datagrams account for the stream.
     *
     * @param done datagrams sent or given up, from the first.
     * @return the position to commit.
     */
    long positionAfter(final int done) {
        return done == 0 ? basePosition : positions[done - 1];
    }

    int destination(final int i) {
        return destinations[i];
    }

    int length(final int i) {
        return lengths[i];
    }

    long ingressTimeNs(final int i) {
        return ingressTimesNs[i];
    }

    long sendTimeNs(final int i) {
        return sendTimesNs[i];
    }

    /** @return the batch's capacity. */
    int capacity() {
        return capacity;
    }
}
