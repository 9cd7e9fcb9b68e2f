package io.mcastrelay.capture;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mcastrelay.wire.Destination;

/**
 * Reads {@link CaptureSettings} from properties: a file ({@code --config capture.properties}) and command-line
 * overrides. Keys:
 * <pre>
 * capture.feeds[N].name / .relays / .groups / .interface      per feed, required
 * capture.[feeds[N].]receive-buffer-bytes, replay-buffer-bytes, replay-buffer-frames,
 *   liveness-timeout, heartbeat-interval, connect-timeout, backoff-initial, backoff-max
 *                                                               for all feeds, or one feed (which wins)
 * capture.idle-strategy, capture.stats-interval, capture.drain-timeout
 * </pre>
 * Sizes take an optional binary suffix ({@code 64m}, {@code 512k}); durations need a unit ({@code 3s},
 * {@code 500ms}). Any error is an {@link IllegalArgumentException} whose message starts with the offending key.
 * Unknown keys under {@code capture.} are errors, so a typo never passes silently. Start-up only; any thread.
 */
public final class CaptureConfig {
    private static final String PREFIX = "capture.";
    private static final Pattern FEED_KEY = Pattern.compile("capture\\.feeds\\[(\\d+)]\\.([a-z-]+)");
    private static final Set<String> FEED_ONLY = Set.of("name", "relays", "groups", "interface");
    private static final Set<String> TUNING = Set.of("receive-buffer-bytes", "replay-buffer-bytes",
        "replay-buffer-frames", "liveness-timeout", "heartbeat-interval", "connect-timeout", "backoff-initial",
        "backoff-max");
    private static final Set<String> GLOBAL_ONLY = Set.of("idle-strategy", "stats-interval", "drain-timeout");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)(i?b)?");

    private final Properties properties;

    private CaptureConfig(final Properties properties) {
        this.properties = properties;
    }

    /**
     * Reads a properties file.
     *
     * @param file the file.
     * @return its properties.
     * @throws IllegalArgumentException if it cannot be read.
     */
    public static Properties load(final Path file) {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (final IOException ex) {
            throw new IllegalArgumentException("--config: cannot read " + file + ": " + ex.getMessage(), ex);
        }
        return properties;
    }

    /**
     * Builds the settings.
     *
     * @param properties the keys above; others not under {@code capture.} are ignored.
     * @return the validated settings.
     * @throws IllegalArgumentException naming the offending key.
     */
    public static CaptureSettings settings(final Properties properties) {
        return new CaptureConfig(properties).settings();
    }

    private CaptureSettings settings() {
        final TreeMap<Integer, String> feedIndexes = new TreeMap<>();
        for (final String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            final Matcher feedKey = FEED_KEY.matcher(key);
            if (feedKey.matches()) {
                if (!FEED_ONLY.contains(feedKey.group(2)) && !TUNING.contains(feedKey.group(2))) {
                    throw new IllegalArgumentException(key + ": unknown setting");
                }
                feedIndexes.put(Integer.parseInt(feedKey.group(1)), key);
            } else if (!TUNING.contains(key.substring(PREFIX.length()))
                && !GLOBAL_ONLY.contains(key.substring(PREFIX.length()))) {
                throw new IllegalArgumentException(key + ": unknown setting");
            }
        }
        if (feedIndexes.isEmpty()) {
            throw new IllegalArgumentException("capture.feeds[0].name: no feed configured");
        }
        final List<CaptureFeedSettings> feeds = new ArrayList<>();
        int expected = 0;
        for (final int index : feedIndexes.keySet()) {
            if (index != expected++) {
                throw new IllegalArgumentException("capture.feeds[" + (expected - 1) + "]: feeds are numbered from 0 "
                    + "without gaps, but " + feedIndexes.get(index) + " is the next one given");
            }
            feeds.add(feed(index));
        }
        final String idle = value("capture.idle-strategy", CaptureSettings.DEFAULT_IDLE_STRATEGY).trim();
        final long statsNs = duration("capture.stats-interval", CaptureSettings.DEFAULT_STATS_INTERVAL_NS);
        final long drainNs = duration("capture.drain-timeout", CaptureSettings.DEFAULT_DRAIN_TIMEOUT_NS);
        try {
            return new CaptureSettings(feeds, idle, statsNs, drainNs);
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("capture." + ex.getMessage(), ex);
        }
    }

    private CaptureFeedSettings feed(final int index) {
        final String prefix = "capture.feeds[" + index + "].";
        final String name = required(prefix + "name");
        final List<RelayAddress> relays = list(prefix + "relays", RelayAddress::parse);
        final List<Destination> groups = list(prefix + "groups", Destination::parse);
        final String networkInterface = required(prefix + "interface").trim();
        final int receiveBufferBytes =
            (int)size(prefix, "receive-buffer-bytes", CaptureFeedSettings.DEFAULT_RECEIVE_BUFFER_BYTES);
        final int replayBufferBytes =
            (int)size(prefix, "replay-buffer-bytes", CaptureFeedSettings.DEFAULT_REPLAY_BUFFER_BYTES);
        final int replayBufferFrames =
            (int)size(prefix, "replay-buffer-frames", CaptureFeedSettings.DEFAULT_REPLAY_BUFFER_FRAMES);
        final long livenessTimeoutNs =
            duration(prefix, "liveness-timeout", CaptureFeedSettings.DEFAULT_LIVENESS_TIMEOUT_NS);
        final long heartbeatIntervalNs =
            duration(prefix, "heartbeat-interval", CaptureFeedSettings.DEFAULT_HEARTBEAT_INTERVAL_NS);
        final long connectTimeoutNs =
            duration(prefix, "connect-timeout", CaptureFeedSettings.DEFAULT_CONNECT_TIMEOUT_NS);
        final long backoffInitialNs =
            duration(prefix, "backoff-initial", CaptureFeedSettings.DEFAULT_BACKOFF_INITIAL_NS);
        final long backoffMaxNs = duration(prefix, "backoff-max", CaptureFeedSettings.DEFAULT_BACKOFF_MAX_NS);
        try {
            return new CaptureFeedSettings(name, relays, groups, networkInterface, receiveBufferBytes,
                replayBufferBytes, replayBufferFrames, livenessTimeoutNs, heartbeatIntervalNs, connectTimeoutNs,
                backoffInitialNs, backoffMaxNs);
        } catch (final IllegalArgumentException ex) {
            final String message = ex.getMessage();
            final String setting = message.substring(0, Math.max(0, message.indexOf(':')));
            throw new IllegalArgumentException(keyOf(prefix, setting) + message.substring(setting.length()), ex);
        }
    }

    private String keyOf(final String prefix, final String setting) {
        return properties.getProperty(prefix + setting) == null && TUNING.contains(setting) ?
            PREFIX + setting : prefix + setting;
    }

    private String value(final String key, final String defaultValue) {
        final String value = properties.getProperty(key);
        return value != null ? value : defaultValue;
    }

    private String required(final String key) {
        final String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": required");
        }
        return value.trim();
    }

    private <T> List<T> list(final String key, final Function<String, T> parser) {
        final List<T> values = new ArrayList<>();
        for (final String item : Arrays.asList(required(key).split(","))) {
            if (item.isBlank()) {
                throw new IllegalArgumentException(key + ": empty item in '" + properties.getProperty(key) + "'");
            }
            try {
                values.add(parser.apply(item.trim()));
            } catch (final IllegalArgumentException ex) {
                throw new IllegalArgumentException(key + ": " + ex.getMessage(), ex);
            }
        }
        return values;
    }

    private long size(final String prefix, final String setting, final long defaultValue) {
        final String key = properties.getProperty(prefix + setting) != null ? prefix + setting : PREFIX + setting;
        final String text = properties.getProperty(key);
        if (text == null) {
            return defaultValue;
        }
        final Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            try {
                final int shift = switch (matcher.group(2)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
                final long value = Long.parseLong(matcher.group(1)) << shift;
                if (value >= 0 && value <= Integer.MAX_VALUE && (value >> shift) == Long.parseLong(matcher.group(1))) {
                    return value;
                }
            } catch (final NumberFormatException ignore) {
                // reported below with the key
            }
        }
        throw new IllegalArgumentException(key + ": '" + text + "' is not a size up to 2 GiB, such as 65536, 512k "
            + "or 64m");
    }

    private long duration(final String prefix, final String setting, final long defaultValue) {
        final String key = properties.getProperty(prefix + setting) != null ? prefix + setting : PREFIX + setting;
        return duration(key, defaultValue);
    }

    private long duration(final String key, final long defaultValue) {
        final String text = properties.getProperty(key);
        if (text == null) {
            return defaultValue;
        }
        final Matcher matcher = DURATION.matcher(text.trim());
        if (matcher.matches()) {
            try {
                final long amount = Long.parseLong(matcher.group(1));
                final long unitNs = switch (matcher.group(2)) {
                    case "ns" -> 1L;
                    case "us" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    default -> 60_000_000_000L;
                };
                return Math.multiplyExact(amount, unitNs);
            } catch (final NumberFormatException | ArithmeticException ignore) {
                // reported below with the key
            }
        }
        throw new IllegalArgumentException(key + ": '" + text + "' is not a duration such as 500ms, 3s or 1m");
    }
}
