package io.mcastrelay.loadtest;

import java.util.Locale;

/** Parses {@code 500us}, {@code 10ms}, {@code 8s}, {@code 2m}. Stateless. */
final class Durations {
    private Durations() {
    }

    static long parseNanos(final String text) {
        final String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.endsWith("us")) {
            return Long.parseLong(value.substring(0, value.length() - 2)) * 1_000L;
        }
        if (value.endsWith("ms")) {
            return Long.parseLong(value.substring(0, value.length() - 2)) * 1_000_000L;
        }
        if (value.endsWith("s")) {
            return Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1e9);
        }
        if (value.endsWith("m")) {
            return Long.parseLong(value.substring(0, value.length() - 1)) * 60_000_000_000L;
        }
        throw new IllegalArgumentException("'" + text + "' is no duration such as 10ms, 8s or 2m");
    }
}
