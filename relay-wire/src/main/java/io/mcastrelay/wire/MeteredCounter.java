package io.mcastrelay.wire;

import java.util.Arrays;
import java.util.List;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * A counter with the meter it becomes and its tags, as the code that allocated it knows them: what metrics bind,
 * with no label to parse.
 *
 * @param meter   the meter, from the one table.
 * @param tags    alternating keys and values, for example {@code feed, prod, reason, bad-length}.
 * @param counter the counter.
 */
public record MeteredCounter(RelayMeter meter, List<String> tags, AtomicCounter counter) {
    /**
     * Copies the tags.
     *
     * @throws IllegalArgumentException if the tags are not key, value pairs.
     */
    public MeteredCounter {
        tags = List.copyOf(tags);
        if (tags.size() % 2 != 0) {
            throw new IllegalArgumentException("tags of " + meter + " are not key, value pairs: " + tags);
        }
    }

    /**
     * A counter and its meter.
     *
     * @param meter   the meter.
     * @param counter the counter.
     * @param tags    alternating keys and values.
     * @return the record.
     */
    public static MeteredCounter of(final RelayMeter meter, final AtomicCounter counter, final String... tags) {
        return new MeteredCounter(meter, Arrays.asList(tags), counter);
    }
}
