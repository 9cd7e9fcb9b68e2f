package io.mcastrelay.capture;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.HelloFrameFlyweight;

/**
 * What one feed's capture does: which groups it joins on which interface, which relays it streams them to, and how
 * it keeps and resends what they have not acknowledged. Validated on construction; immutable.
 *
 * @param name               the feed's name as the relay knows it (sent in HELLO), US-ASCII, 1..64 bytes.
 * @param relays             where to connect, tried in turn; at least one.
 * @param groups             the group:port pairs joined, each received on its own socket; at least one.
 * @param networkInterface   the datacenter interface the groups are joined on: a name ({@code eth1}) or one of
 *                           its IPv4 addresses.
 * @param receiveBufferBytes SO_RCVBUF asked for each group's socket.
 * @param replayBufferBytes  bytes of unacknowledged frames kept for resending.
 * @param replayBufferFrames unacknowledged frames kept for resending.
 * @param livenessTimeoutNs  a connection on which nothing arrived from the relay for this long is closed.
 * @param heartbeatIntervalNs a HEARTBEAT is sent after this long without sending anything.
 * @param connectTimeoutNs   a connection attempt that has not completed after this long is abandoned.
 * @param backoffInitialNs   the pause before the second retry in a row (the first is immediate).
 * @param backoffMaxNs       the longest pause between attempts.
 */
public record CaptureFeedSettings(
    String name,
    List<RelayAddress> relays,
    List<Destination> groups,
    String networkInterface,
    int receiveBufferBytes,
    int replayBufferBytes,
    int replayBufferFrames,
    long livenessTimeoutNs,
    long heartbeatIntervalNs,
    long connectTimeoutNs,
    long backoffInitialNs,
    long backoffMaxNs) {

    /** 8 MiB: a few hundred milliseconds of a busy feed while the agent is descheduled. */
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 8 << 20;
    /** 64 MiB. */
    public static final int DEFAULT_REPLAY_BUFFER_BYTES = 64 << 20;
    /** 1 Mi frames (8 MiB of index). */
    public static final int DEFAULT_REPLAY_BUFFER_FRAMES = 1 << 20;
    /** 3 s: three missed relay heartbeats. */
    public static final long DEFAULT_LIVENESS_TIMEOUT_NS = 3_000_000_000L;
    /** 1 s, as the spec asks of a sender. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_NS = 1_000_000_000L;
    /** 2 s. */
    public static final long DEFAULT_CONNECT_TIMEOUT_NS = 2_000_000_000L;
    /** 50 ms. */
    public static final long DEFAULT_BACKOFF_INITIAL_NS = 50_000_000L;
    /** 2 s. */
    public static final long DEFAULT_BACKOFF_MAX_NS = 2_000_000_000L;

    /**
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public CaptureFeedSettings {
        if (name == null || name.isEmpty() || name.length() > HelloFrameFlyweight.MAX_FEED_LENGTH
            || !StandardCharsets.US_ASCII.newEncoder().canEncode(name) || name.isBlank()) {
            throw new IllegalArgumentException("name: '" + name + "' must be 1..64 US-ASCII characters");
        }
        relays = List.copyOf(relays);
        groups = List.copyOf(groups);
        if (relays.isEmpty()) {
            throw new IllegalArgumentException("relays: at least one host:port is needed");
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("groups: at least one group:port is needed");
        }
        final Set<Long> seen = new HashSet<>();
        for (final Destination group : groups) {
            if (group.remapped()) {
                throw new IllegalArgumentException("groups: '" + group + "' is remapped; the capture sends every "
                    + "datagram to the group:port it arrived on (remap on the relay instead)");
            }
            if (!seen.add(group.key())) {
                throw new IllegalArgumentException("groups: '" + group + "' is listed twice");
            }
        }
        if (networkInterface == null || networkInterface.isBlank()) {
            throw new IllegalArgumentException("interface: the datacenter interface to join the groups on is needed");
        }
        atLeast("receive-buffer-bytes", receiveBufferBytes, 4096);
        atLeast("replay-buffer-bytes", replayBufferBytes, ReplayBuffer.MIN_CAPACITY_BYTES);
        atLeast("replay-buffer-frames", replayBufferFrames, 16);
        atLeast("heartbeat-interval", heartbeatIntervalNs, 1_000_000L);
        atLeast("connect-timeout", connectTimeoutNs, 1_000_000L);
        atLeast("backoff-initial", backoffInitialNs, 1_000_000L);
        if (livenessTimeoutNs <= DEFAULT_HEARTBEAT_INTERVAL_NS) {
            throw new IllegalArgumentException("liveness-timeout: " + livenessTimeoutNs / 1_000_000 + " ms must be "
                + "longer than the relay's heartbeat interval of 1000 ms");
        }
        if (backoffMaxNs < backoffInitialNs) {
            throw new IllegalArgumentException("backoff-max: " + backoffMaxNs / 1_000_000 + " ms is below "
                + "backoff-initial (" + backoffInitialNs / 1_000_000 + " ms)");
        }
    }

    /**
     * A feed with every tuning setting at its default.
     *
     * @param name             the feed's name.
     * @param relays           where to connect.
     * @param groups           the group:port pairs joined.
     * @param networkInterface the interface joined on.
     * @return the settings.
     */
    public static CaptureFeedSettings withDefaults(
        final String name, final List<RelayAddress> relays, final List<Destination> groups,
        final String networkInterface) {
        return new CaptureFeedSettings(name, relays, groups, networkInterface, DEFAULT_RECEIVE_BUFFER_BYTES,
            DEFAULT_REPLAY_BUFFER_BYTES, DEFAULT_REPLAY_BUFFER_FRAMES, DEFAULT_LIVENESS_TIMEOUT_NS,
            DEFAULT_HEARTBEAT_INTERVAL_NS, DEFAULT_CONNECT_TIMEOUT_NS, DEFAULT_BACKOFF_INITIAL_NS,
            DEFAULT_BACKOFF_MAX_NS);
    }

    /**
     * A copy with other replay buffer limits.
     *
     * @param bytes  bytes kept.
     * @param frames frames kept.
     * @return the copy.
     */
    public CaptureFeedSettings withReplayBuffer(final int bytes, final int frames) {
        return new CaptureFeedSettings(name, relays, groups, networkInterface, receiveBufferBytes, bytes, frames,
            livenessTimeoutNs, heartbeatIntervalNs, connectTimeoutNs, backoffInitialNs, backoffMaxNs);
    }

    /**
     * A copy with other connection timings.
     *
     * @param livenessTimeoutNs   silence from the relay that closes a connection.
     * @param heartbeatIntervalNs silence towards the relay that sends a HEARTBEAT.
     * @param backoffInitialNs    the first non-zero pause between attempts.
     * @param backoffMaxNs        the longest pause.
     * @return the copy.
     */
    public CaptureFeedSettings withTimings(
        final long livenessTimeoutNs, final long heartbeatIntervalNs, final long backoffInitialNs,
        final long backoffMaxNs) {
        return new CaptureFeedSettings(name, relays, groups, networkInterface, receiveBufferBytes, replayBufferBytes,
            replayBufferFrames, livenessTimeoutNs, heartbeatIntervalNs, connectTimeoutNs, backoffInitialNs,
            backoffMaxNs);
    }

    private static void atLeast(final String setting, final long value, final long min) {
        if (value < min) {
            throw new IllegalArgumentException(setting + ": " + value + " is below the minimum of " + min);
        }
    }
}
