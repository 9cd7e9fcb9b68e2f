package io.mcastrelay.recovery;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.InvalidSettingException;
import io.mcastrelay.wire.SequenceLocator;

/**
 * What recovery records and how the replay port answers: the only place its rules live. relay-app binds
 * {@code relay.recovery.*} and turns an {@link InvalidSettingException} into a start-up error naming the property
 * ({@code relay.recovery.} + {@link InvalidSettingException#setting()}).
 *
 * @param archiveDirectory   where Aeron Archive keeps its catalog and segment files; kept across restarts.
 * @param maxAgeNs           a feed's datagrams older than this are purged (whole segments, so up to one segment
 *                           more is held).
 * @param maxBytesPerFeed    a feed's recordings together are purged down to this (whole segments).
 * @param segmentBytes       the archive's segment file length: the unit of purging; a power of two, at least every
 *                           feed's term length and at most 1 GiB.
 * @param bindAddress        the replay port's address.
 * @param port               the replay port; 0 = any free port (tests).
 * @param allowedSources     CIDRs that may connect to the replay port (the customers' VPC ranges).
 * @param maxSessions        replay connections at once; one more is refused.
 * @param maxSpanNs          the longest time range one request may ask for.
 * @param maxFramesPerSecond each session's pace.
 * @param writeTimeoutNs     a reader that takes nothing for this long is cut off.
 * @param feeds              the feeds to record.
 */
public record RecoverySettings(
    String archiveDirectory,
    long maxAgeNs,
    long maxBytesPerFeed,
    int segmentBytes,
    String bindAddress,
    int port,
    List<String> allowedSources,
    int maxSessions,
    long maxSpanNs,
    int maxFramesPerSecond,
    long writeTimeoutNs,
    List<Feed> feeds) {

    /** 15 minutes, the default retention by age. */
    public static final long DEFAULT_MAX_AGE_NS = TimeUnit.MINUTES.toNanos(15);
    /** 4 GiB, the default retention by size per feed. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;
    /** 128 MiB: two default 64 MiB terms. */
    public static final int DEFAULT_SEGMENT_BYTES = 128 << 20;
    /** The default replay port. */
    public static final int DEFAULT_PORT = 6800;

    /**
     * One feed's stream.
     *
     * @param name         the feed's name.
     * @param channel      the feed's IPC channel (ingress publishes on it).
     * @param streamId     its stream id.
     * @param termLength   its term length.
     * @param destinations the VPC-side groups a request may name.
     * @param sequence     where payloads carry the exchange's sequence (requests by sequence), or null.
     */
    public record Feed(String name, String channel, int streamId, int termLength, List<Destination> destinations,
        SequenceLocator sequence) {
        public Feed {
            destinations = List.copyOf(destinations);
        }
    }

    public RecoverySettings {
        allowedSources = List.copyOf(allowedSources);
        feeds = List.copyOf(feeds);
        if (archiveDirectory == null || archiveDirectory.isBlank()) {
            throw new InvalidSettingException("", "archive-directory", archiveDirectory, "must name a directory");
        }
        if (maxAgeNs < TimeUnit.SECONDS.toNanos(10)) {
            throw new InvalidSettingException("", "max-age", maxAgeNs, "must be at least 10s");
        }
        if (segmentBytes < 65_536 || segmentBytes > (1 << 30) || Integer.bitCount(segmentBytes) != 1) {
            throw new InvalidSettingException("", "segment-size", segmentBytes,
                "must be a power of two from 64KB to 1GB");
        }
        for (final Feed feed : feeds) {
            if (feed.termLength() > segmentBytes) {
                throw new InvalidSettingException("", "segment-size", segmentBytes, "must be at least feed '" +
                    feed.name() + "''s term length (" + feed.termLength() + " bytes)");
            }
        }
        if (maxBytesPerFeed < 2L * segmentBytes) {
            throw new InvalidSettingException("", "max-bytes", maxBytesPerFeed,
                "must hold at least two segments (2 x segment-size = " + 2L * segmentBytes + " bytes)");
        }
        if (port < 0 || port > 65_535) {
            throw new InvalidSettingException("", "port", port, "must lie in 0..65535");
        }
        if (allowedSources.isEmpty()) {
            throw new InvalidSettingException("", "allowed-sources", allowedSources,
                "must list the customers' CIDRs (the replay port answers no one else)");
        }
        for (int i = 0; i < allowedSources.size(); i++) {
            try {
                FeedSettings.parseSource(allowedSources.get(i));
            } catch (final IllegalArgumentException ex) {
                throw new InvalidSettingException("", "allowed-sources[" + i + "]", allowedSources.get(i),
                    ex.getMessage());
            }
        }
        if (maxSessions < 1) {
            throw new InvalidSettingException("", "max-sessions", maxSessions, "must be at least 1");
        }
        if (maxSpanNs < TimeUnit.SECONDS.toNanos(1)) {
            throw new InvalidSettingException("", "max-span", maxSpanNs, "must be at least 1s");
        }
        if (maxFramesPerSecond < 1) {
            throw new InvalidSettingException("", "max-frames-per-second", maxFramesPerSecond, "must be at least 1");
        }
        if (writeTimeoutNs < TimeUnit.MILLISECONDS.toNanos(100)) {
            throw new InvalidSettingException("", "write-timeout", writeTimeoutNs, "must be at least 100ms");
        }
    }

    /** @return the feed of that name, or null. */
    public Feed feed(final String name) {
        for (final Feed feed : feeds) {
            if (feed.name().equals(name)) {
                return feed;
            }
        }
        return null;
    }
}
