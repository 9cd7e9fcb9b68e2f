package io.mcastrelay.ingress;

/**
 * Pairs a session's sequences with positions of the feed's IPC stream, so that the relay acknowledges a sequence
 * only once egress has sent past the position at which it was published.
 *
 * <p>After each run of frames the connection records (highest sequence so far, the stream's position then); the
 * position is the publication's, which lies at or after the end of every message of that run, so the pairing is
 * conservative. A bounded ring: when it is full the newest entry is overwritten with the newer pair, which only
 * delays the acknowledgement of the sequence it held. Allocates nothing after construction. Event loop only.
 */
final class SessionAcks {
    static final int CAPACITY = 64;
    private static final int MASK = CAPACITY - 1;

    private final long[] sequences = new long[CAPACITY];
    private final long[] positions = new long[CAPACITY];
    private int oldest;
    private int size;
    private long lastRecordedSequence;
    private long sentSequence;

    /**
     * Records that every frame up to {@code sequence} is in the stream before {@code position}.
     *
     * @param sequence the session's highest sequence published (or skipped) so far.
     * @param position the stream's position after it.
     */
    void record(final long sequence, final long position) {
        final int index;
        if (size == CAPACITY) {
            index = (oldest + size - 1) & MASK;
        } else {
            index = (oldest + size) & MASK;
            size++;
        }
        sequences[index] = sequence;
        positions[index] = position;
        lastRecordedSequence = sequence;
    }

    /**
     * The highest recorded sequence whose position egress has reached.
     *
     * @param sentPosition how far egress has sent the stream.
     * @return that sequence, or the one returned before if egress has not got further (0 at first).
     */
    long sentUpTo(final long sentPosition) {
        while (size > 0 && positions[oldest] <= sentPosition) {
            sentSequence = sequences[oldest];
            oldest = (oldest + 1) & MASK;
            size--;
        }
        return sentSequence;
    }

    /** @return the sequence of the last {@link #record}, 0 if none. */
    long lastRecordedSequence() {
        return lastRecordedSequence;
    }

    /** @return pairs waiting for egress. */
    int pending() {
        return size;
    }
}
