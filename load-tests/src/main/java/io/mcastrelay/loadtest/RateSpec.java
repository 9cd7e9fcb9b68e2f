package io.mcastrelay.loadtest;

import java.util.Locale;

/**
 * How fast one connection sends: a constant rate, bursts at a fixed interval, or as fast as TCP takes the bytes.
 * Immutable.
 *
 * @param kind            which of the three.
 * @param framesPerSecond the average rate of {@link Kind#CONSTANT} and {@link Kind#BURST}; 0 for {@link Kind#MAX}.
 * @param burstFrames     frames per burst ({@link Kind#BURST} only).
 * @param burstIntervalNs time between bursts ({@link Kind#BURST} only).
 */
record RateSpec(Kind kind, long framesPerSecond, int burstFrames, long burstIntervalNs) {
    /** The three ways of pacing. */
    enum Kind {
        CONSTANT, BURST, MAX
    }

    /**
     * Parses {@code 100k}, {@code 500000}, {@code max}, or {@code burst:1000/10ms} (1000 frames every 10 ms).
     *
     * @param spec the rate.
     * @return it.
     */
    static RateSpec parse(final String spec) {
        final String text = spec.trim().toLowerCase(Locale.ROOT);
        if ("max".equals(text)) {
            return new RateSpec(Kind.MAX, 0, 0, 0);
        }
        if (text.startsWith("burst:")) {
            final String[] parts = text.substring("burst:".length()).split("/");
            final int frames = Integer.parseInt(parts[0]);
            final long intervalNs = Durations.parseNanos(parts[1]);
            return new RateSpec(Kind.BURST, Math.round(frames * 1e9 / intervalNs), frames, intervalNs);
        }
        final long rate = text.endsWith("k") ? Long.parseLong(text.substring(0, text.length() - 1)) * 1000
            : text.endsWith("m") ? Long.parseLong(text.substring(0, text.length() - 1)) * 1_000_000
            : Long.parseLong(text);
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive, or max");
        }
        return new RateSpec(Kind.CONSTANT, rate, 0, 0);
    }

    /** @return whether frames have a schedule, so latency can be measured from it (coordinated omission). */
    boolean scheduled() {
        return kind != Kind.MAX;
    }

    /** @return {@code 100k/s}, {@code max} or {@code burst 1000/10ms}. */
    String label() {
        return switch (kind) {
            case MAX -> "max";
            case BURST -> "burst " + burstFrames + "/" + burstIntervalNs / 1_000_000 + "ms";
            default -> framesPerSecond % 1000 == 0 ? framesPerSecond / 1000 + "k/s" : framesPerSecond + "/s";
        };
    }
}
