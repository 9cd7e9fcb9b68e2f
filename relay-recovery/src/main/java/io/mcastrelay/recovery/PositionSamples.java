package io.mcastrelay.recovery;

/**
 * A ring of (key, position) samples of one recording, oldest overwritten first: the key is the wall clock (time to
 * position) or a group's exchange sequence (sequence to position). Keys and positions only grow. Not thread-safe:
 * used under the {@link Recorder}'s lock.
 */
final class PositionSamples {
    private final long[] times;
    private final long[] positions;
    private int first;
    private int size;

    PositionSamples(final int capacity) {
        times = new long[capacity];
        positions = new long[capacity];
    }

    void clear() {
        first = 0;
        size = 0;
    }

    /**
     * Notes a sequence sample: skipped when the sequence has not moved; a sequence below the last one (the exchange
     * restarted its numbering) starts the history again.
     */
    void addSequence(final long sequence, final long position) {
        if (size > 0) {
            final long last = times[index(size - 1)];
            if (sequence == last) {
                return;
            }
            if (sequence < last) {
                clear();
            }
        }
        append(sequence, position);
    }

    /** Notes a sample; one with the same position as the last is skipped, so idle feeds keep their history. */
    void add(final long timeNs, final long position) {
        if (size > 0 && positions[index(size - 1)] == position) {
            return;
        }
        append(timeNs, position);
    }

    private void append(final long key, final long position) {
        if (size == times.length) {
            first = (first + 1) % times.length;
            size--;
        }
        final int at = index(size);
        times[at] = key;
        positions[at] = position;
        size++;
    }

    /**
     * @return the position of the latest sample taken at or before {@code timeNs}; {@link Long#MIN_VALUE} if every
     * sample is later (or there is none).
     */
    long positionAtOrBefore(final long timeNs) {
        int low = 0;
        int high = size - 1;
        long found = Long.MIN_VALUE;
        while (low <= high) {
            final int middle = (low + high) >>> 1;
            if (times[index(middle)] <= timeNs) {
                found = positions[index(middle)];
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }

    /**
     * @return the key of the latest sample whose position is at or before {@code position}: everything from that
     * position on was recorded after that time; {@link Long#MIN_VALUE} if every sample is further on (or none).
     */
    long keyAtOrBefore(final long position) {
        int low = 0;
        int high = size - 1;
        long found = Long.MIN_VALUE;
        while (low <= high) {
            final int middle = (low + high) >>> 1;
            if (positions[index(middle)] <= position) {
                found = times[index(middle)];
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }

    int size() {
        return size;
    }

    private int index(final int i) {
        return (first + i) % times.length;
    }
}
