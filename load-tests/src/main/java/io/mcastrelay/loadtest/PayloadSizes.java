package io.mcastrelay.loadtest;

import io.mcastrelay.wire.ProbePayload;
import java.util.SplittableRandom;

/**
 * The payload size of each frame: fixed, or a market-data-like mix (many small updates, some snapshots near a full
 * 1400-byte datagram). The mix is a fixed table drawn once from a seeded generator and cycled, so every run, the
 * baseline's and the relay's, sends the same sizes in the same order. Immutable; any thread.
 */
final class PayloadSizes {
    /** 70 % of 40..128 B, 20 % of 128..512 B, 10 % of 1300..1400 B: mean about 250 B. */
    static final String MIX = "mix";
    private static final int TABLE_SIZE = 4096;

    private final String name;
    private final int[] sizes;

    private PayloadSizes(final String name, final int[] sizes) {
        this.name = name;
        this.sizes = sizes;
    }

    /**
     * Parses {@code 64}, {@code 1400} or {@code mix}.
     *
     * @param spec the sizes.
     * @return them.
     */
    static PayloadSizes parse(final String spec) {
        if (MIX.equals(spec)) {
            final SplittableRandom random = new SplittableRandom(42);
            final int[] sizes = new int[TABLE_SIZE];
            for (int i = 0; i < sizes.length; i++) {
                final int draw = random.nextInt(100);
                if (draw < 70) {
                    sizes[i] = random.nextInt(ProbePayload.HEADER_LENGTH, 129);
                } else if (draw < 90) {
                    sizes[i] = random.nextInt(129, 513);
                } else {
                    sizes[i] = random.nextInt(1300, 1401);
                }
            }
            return new PayloadSizes(MIX, sizes);
        }
        final int size = Integer.parseInt(spec);
        if (size < ProbePayload.HEADER_LENGTH || size > 8472) {
            throw new IllegalArgumentException("payload size " + size + " is outside "
                + ProbePayload.HEADER_LENGTH + "..8472");
        }
        return new PayloadSizes(spec + "B", new int[] {size});
    }

    /** @return {@code 64B} or {@code mix}. */
    String name() {
        return name;
    }

    /**
     * The size of frame {@code index}.
     *
     * @param index the frame's number on its connection, from 0.
     * @return bytes of payload.
     */
    int size(final long index) {
        return sizes[(int)(index % sizes.length)];
    }

    /** @return the largest size. */
    int max() {
        int max = 0;
        for (final int size : sizes) {
            max = Math.max(max, size);
        }
        return max;
    }

    /** @return the mean size. */
    double mean() {
        double sum = 0;
        for (final int size : sizes) {
            sum += size;
        }
        return sum / sizes.length;
    }
}
