package io.mcastrelay.capture;

import java.nio.ByteBuffer;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.RelayV1Encoder;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The DATA frames of one feed's session that the relay has not acknowledged yet, ready to be (re)sent.
 *
 * <p>Frames are encoded straight into a ring of {@code capacityBytes} bytes, back to back in sequence order; one
 * whose end would pass the ring's end carries on at its start, so no byte is wasted on padding. Positions are
 * logical (they only grow); a byte's index in the ring is {@code position % capacityBytes}. A second ring of
 * {@code capacityFrames} longs holds each frame's start position, indexed by {@code sequence % capacityFrames},
 * which is how a sequence is found for a resend. The window of frames held is
 * {@code [oldestSequence, nextSequence)}; the first sequence of a session is 1.
 *
 * <p>Appending never blocks and never fails: when either capacity would be exceeded, the oldest frames are evicted
 * first, unacknowledged as they are, and counted in {@link #evictedFrames()} (the capture counts them as lost).
 * An ACK releases every frame up to the sequence it names.
 *
 * <p>Allocates nothing after construction. Single-threaded: only the feed's capture agent calls it.
 */
final class ReplayBuffer {
    /** Smallest ring: one frame of the largest size must fit with room to spare. */
    static final int MIN_CAPACITY_BYTES = 2 * (FrameDescriptor.MAX_FRAME_LENGTH + 1);

    private final int capacityBytes;
    private final int capacityFrames;
    private final UnsafeBuffer ring;
    private final long[] positions;
    private final UnsafeBuffer wrapScratch;
    private long oldestSequence = 1;
    private long nextSequence = 1;
    private long tailPosition;
    private long headPosition;
    private long evictedFrames;

    /**
     * @param capacityBytes  bytes of frames held at most, at least {@link #MIN_CAPACITY_BYTES}.
     * @param capacityFrames frames held at most, at least 1.
     */
    ReplayBuffer(final int capacityBytes, final int capacityFrames) {
        if (capacityBytes < MIN_CAPACITY_BYTES) {
            throw new IllegalArgumentException("replay buffer of " + capacityBytes + " bytes is below the minimum "
                + MIN_CAPACITY_BYTES);
        }
        if (capacityFrames < 1) {
            throw new IllegalArgumentException("replay buffer must hold at least one frame: " + capacityFrames);
        }
        this.capacityBytes = capacityBytes;
        this.capacityFrames = capacityFrames;
        this.ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacityBytes, 64));
        this.positions = new long[capacityFrames];
        this.wrapScratch = new UnsafeBuffer(ByteBuffer.allocateDirect(FrameDescriptor.MAX_FRAME_LENGTH + 1));
    }

    /**
     * Encodes a datagram as the next DATA frame of the session, evicting the oldest frames first if there is no
     * room.
     *
     * @param group         the group the datagram was sent to.
     * @param port          the UDP port it was sent to.
     * @param sendTimeNanos wall clock at receipt, ns since the epoch.
     * @param payload       holding the datagram.
     * @param payloadOffset where it starts.
     * @param payloadLength its length, at most {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}.
     * @return the frame's sequence.
     */
    long append(
        final int group,
        final int port,
        final long sendTimeNanos,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength) {
        final int frameLength = DataFrameFlyweight.HEADER_LENGTH + payloadLength;
        while (nextSequence - oldestSequence >= capacityFrames
            || headPosition + frameLength - tailPosition > capacityBytes) {
            evictedFrames++;
            releaseOldest();
        }
        final long sequence = nextSequence;
        final int index = index(headPosition);
        if (index + frameLength <= capacityBytes) {
            RelayV1Encoder.encodeData(
                ring, index, group, port, sequence, sendTimeNanos, payload, payloadOffset, payloadLength);
        } else {
            RelayV1Encoder.encodeData(
                wrapScratch, 0, group, port, sequence, sendTimeNanos, payload, payloadOffset, payloadLength);
            final int first = capacityBytes - index;
            ring.putBytes(index, wrapScratch, 0, first);
            ring.putBytes(0, wrapScratch, first, frameLength - first);
        }
        positions[slot(sequence)] = headPosition;
        headPosition += frameLength;
        nextSequence = sequence + 1;
        return sequence;
    }

    /**
     * Forgets every frame up to and including {@code ackedSequence}; a sequence below the window changes nothing,
     * one at or past {@link #nextSequence()} releases everything.
     *
     * @param ackedSequence as the relay's ACK says.
     * @return frames released.
     */
    int release(final long ackedSequence) {
        final long last = Math.min(ackedSequence, nextSequence - 1);
        int released = 0;
        while (oldestSequence <= last) {
            releaseOldest();
            released++;
        }
        return released;
    }

    /**
     * Copies a held frame into {@code destination} at its position, if it fits in what remains there.
     *
     * @param sequence    a sequence in {@code [oldestSequence, nextSequence)}.
     * @param destination in write mode; its position advances by the frame's length on success.
     * @return the frame's length, or 0 if it does not fit (nothing is copied).
     */
    int copyFrame(final long sequence, final ByteBuffer destination) {
        final long start = positions[slot(sequence)];
        final int length = (int)(end(sequence) - start);
        if (length > destination.remaining()) {
            return 0;
        }
        final int index = index(start);
        final int at = destination.position();
        final int first = Math.min(length, capacityBytes - index);
        ring.getBytes(index, destination, at, first);
        if (first < length) {
            ring.getBytes(0, destination, at + first, length - first);
        }
        destination.position(at + length);
        return length;
    }

    /**
     * @param sequence a sequence in {@code [oldestSequence, nextSequence)}.
     * @return the frame's length in bytes.
     */
    int frameLength(final long sequence) {
        return (int)(end(sequence) - positions[slot(sequence)]);
    }

    /** @return the oldest sequence held (the next to be acknowledged), or {@link #nextSequence()} if empty. */
    long oldestSequence() {
        return oldestSequence;
    }

    /** @return the sequence the next appended frame gets. */
    long nextSequence() {
        return nextSequence;
    }

    /** @return frames held. */
    long frames() {
        return nextSequence - oldestSequence;
    }

    /** @return bytes of frames held. */
    long bytes() {
        return headPosition - tailPosition;
    }

    /** @return frames evicted unacknowledged since construction. */
    long evictedFrames() {
        return evictedFrames;
    }

    /** @return the ring's size in bytes. */
    int capacityBytes() {
        return capacityBytes;
    }

    /** @return the most frames held. */
    int capacityFrames() {
        return capacityFrames;
    }

    private void releaseOldest() {
        oldestSequence++;
        tailPosition = oldestSequence < nextSequence ? positions[slot(oldestSequence)] : headPosition;
    }

    private long end(final long sequence) {
        return sequence + 1 < nextSequence ? positions[slot(sequence + 1)] : headPosition;
    }

    private int slot(final long sequence) {
        return (int)(sequence % capacityFrames);
    }

    private int index(final long position) {
        return (int)(position % capacityBytes);
    }
}
