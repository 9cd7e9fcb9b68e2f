package io.mcastrelay.app;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mcastrelay.egress.EgressInterface;
import io.mcastrelay.egress.EgressSettings;
import io.mcastrelay.egress.ProbeSettings;
import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.ingress.IpcSizing;
import io.mcastrelay.recovery.RecoverySettings;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.InvalidSettingException;
import io.mcastrelay.wire.SequenceLocator;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * The one place where the typed properties become the hot path's settings records. Every rule that spans fields
 * is checked here, and a broken one stops start-up with Spring Boot's report naming the property, its value and
 * the reason.
 *
 * @param feeds              ingress settings, one per feed.
 * @param egress             egress settings.
 * @param embeddedDriver     whether to launch a media driver in-process.
 * @param aeronDirectory     the driver's directory.
 * @param driverTimeoutNs    how long the client waits for the driver.
 * @param backPressureRetryNs how long a back-pressured connection waits between attempts.
 * @param receiveBufferBytes SO_RCVBUF of accepted connections, 0 for the OS default.
 * @param ackIntervalNs      how often sessions' acknowledgements are brought up to date.
 * @param readinessGraceNs   how long readiness is DOWN before the relay stops accepting.
 * @param drainTimeoutNs     how long shutdown may drain.
 * @param driverTimeouts     the embedded driver's timeouts for its clients and untethered subscribers.
 * @param recovery           recording and the replay port, or null when {@code relay.recovery.enabled} is false.
 * @param probes             the probe datagrams, or null when {@code relay.probes.group} is not set.
 */
public record RelaySettings(
    List<FeedSettings> feeds,
    EgressSettings egress,
    boolean embeddedDriver,
    String aeronDirectory,
    long driverTimeoutNs,
    long backPressureRetryNs,
    int receiveBufferBytes,
    long ackIntervalNs,
    long readinessGraceNs,
    long drainTimeoutNs,
    DriverTimeouts driverTimeouts,
    RecoverySettings recovery,
    ProbeSettings probes) {

    /**
     * Maps and checks the properties.
     *
     * @param properties  what Spring bound.
     * @param environment to look up the HTTP ports the feeds must not clash with.
     * @return the settings.
     * @throws InvalidConfigurationPropertyValueException naming the first bad property.
     */
    public static RelaySettings from(final RelayProperties properties, final Environment environment) {
        try {
            IpcSizing.checkTermLength(properties.aeron().termLength().toBytes());
        } catch (final InvalidSettingException ex) {
            throw new InvalidConfigurationPropertyValueException("relay.aeron.term-length",
                properties.aeron().termLength(), ex.reason());
        }
        final Map<Integer, String> ports = new HashMap<>();
        claimPort(ports, environment.getProperty("server.port", Integer.class), "server.port (health)");
        claimPort(ports, environment.getProperty("management.server.port", Integer.class), "management.server.port");
        final Map<String, Integer> names = new HashMap<>();
        final Map<Integer, String> streamIds = new HashMap<>();
        final List<FeedSettings> feeds = new ArrayList<>();
        final List<EgressSettings.Feed> egressFeeds = new ArrayList<>();
        for (int i = 0; i < properties.feeds().size(); i++) {
            final RelayProperties.Feed feed = properties.feeds().get(i);
            final String prefix = "relay.feeds[" + i + "].";
            if (names.putIfAbsent(feed.name(), i) != null) {
                throw new InvalidConfigurationPropertyValueException(prefix + "name", feed.name(),
                    "feed name is already used by relay.feeds[" + names.get(feed.name()) + "]");
            }
            final String clash = ports.putIfAbsent(feed.port(), "relay.feeds[" + i + "].port (" + feed.name() + ")");
            if (clash != null) {
                throw new InvalidConfigurationPropertyValueException(prefix + "port", feed.port(),
                    "port is already used by " + clash);
            }
            final int streamId = feed.streamId() == null ? 1001 + i : feed.streamId();
            final String streamClash = streamIds.putIfAbsent(streamId, feed.name());
            if (streamClash != null) {
                throw new InvalidConfigurationPropertyValueException(prefix + "stream-id", streamId,
                    "Aeron stream id is already used by feed '" + streamClash + "'");
            }
            final List<Destination> destinations = destinations(feed, prefix);
            final FeedSettings settings = feedSettings(properties, feed, prefix, streamId, destinations);
            feeds.add(settings);
            egressFeeds.add(new EgressSettings.Feed(feed.name(), settings.channel(), streamId, destinations,
                sequenceLocator(feed, prefix)));
        }
        final RecoverySettings recovery = recoverySettings(properties, feeds, egressFeeds, ports);
        return new RelaySettings(feeds, egressSettings(properties.egress(), egressFeeds),
            properties.aeron().embeddedDriver(), properties.aeron().directory(),
            properties.aeron().driverTimeout().toNanos(), properties.ingress().backPressureRetry().toNanos(),
            (int)properties.ingress().receiveBuffer().toBytes(), ackInterval(properties.ingress().ackInterval()),
            properties.shutdown().readinessGrace().toNanos(), properties.shutdown().drainTimeout().toNanos(),
            DriverTimeouts.from(properties.aeron()), recovery, probeSettings(properties.probes(), egressFeeds));
    }

    private static ProbeSettings probeSettings(final RelayProperties.Probes probes,
        final List<EgressSettings.Feed> feeds) {
        if (probes.group() == null || probes.group().isBlank()) {
            return null;
        }
        final Destination destination;
        try {
            destination = Destination.parse(probes.group().trim());
        } catch (final IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("relay.probes.group", probes.group(),
                "must be group:port with the group in 224.0.0.0/4: " + ex.getMessage());
        }
        for (final EgressSettings.Feed feed : feeds) {
            for (final Destination used : feed.destinations()) {
                if (used.egressKey() == destination.egressKey()) {
                    throw new InvalidConfigurationPropertyValueException("relay.probes.group", probes.group(),
                        "feed '" + feed.name() + "' already sends to it: probes need a group:port of their own");
                }
            }
        }
        final String relayId = probes.relayId() == null || probes.relayId().isBlank() ? hostName() : probes.relayId();
        try {
            return new ProbeSettings(destination, probes.rate(), relayId);
        } catch (final InvalidSettingException ex) {
            throw new InvalidConfigurationPropertyValueException("relay.probes." + ex.setting(), ex.value(),
                ex.reason());
        }
    }

    private static String hostName() {
        final String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.length() > 64 ? fromEnvironment.substring(0, 64) : fromEnvironment;
        }
        try {
            final String name = InetAddress.getLocalHost().getHostName();
            return name.length() > 64 ? name.substring(0, 64) : name;
        } catch (final IOException ex) {
            return "relay";
        }
    }

    private static SequenceLocator sequenceLocator(final RelayProperties.Feed feed, final String prefix) {
        final RelayProperties.Sequence sequence = feed.sequence();
        if (sequence == null) {
            return null;
        }
        try {
            return new SequenceLocator(sequence.offset(), sequence.width(),
                SequenceLocator.byteOrder(sequence.byteOrder()));
        } catch (final InvalidSettingException ex) {
            throw new InvalidConfigurationPropertyValueException(prefix + ex.setting(),
                ex.setting().endsWith("byte-order") ? sequence.byteOrder() : ex.value(), ex.reason());
        }
    }

    private static RecoverySettings recoverySettings(final RelayProperties properties, final List<FeedSettings> feeds,
        final List<EgressSettings.Feed> egressFeeds, final Map<Integer, String> ports) {
        final RelayProperties.Recovery recovery = properties.recovery();
        if (!recovery.enabled()) {
            return null;
        }
        final String clash = ports.putIfAbsent(recovery.port(), "relay.recovery.port");
        if (clash != null && recovery.port() != 0) {
            throw new InvalidConfigurationPropertyValueException("relay.recovery.port", recovery.port(),
                "port is already used by " + clash);
        }
        final List<RecoverySettings.Feed> recorded = new ArrayList<>();
        for (int i = 0; i < feeds.size(); i++) {
            recorded.add(new RecoverySettings.Feed(feeds.get(i).name(), feeds.get(i).channel(),
                feeds.get(i).streamId(), (int)properties.aeron().termLength().toBytes(),
                egressFeeds.get(i).destinations(), egressFeeds.get(i).sequence()));
        }
        try {
            return new RecoverySettings(recovery.archiveDirectory(), recovery.maxAge().toNanos(),
                recovery.maxBytes().toBytes(), (int)Math.min(Integer.MAX_VALUE, recovery.segmentSize().toBytes()),
                recovery.bindAddress(), recovery.port(), recovery.allowedSources(), recovery.maxSessions(),
                recovery.maxSpan().toNanos(), recovery.maxFramesPerSecond(), recovery.writeTimeout().toNanos(),
                recorded);
        } catch (final InvalidSettingException ex) {
            throw new InvalidConfigurationPropertyValueException("relay.recovery." + ex.setting(), ex.value(),
                ex.reason());
        }
    }

    /**
     * What the embedded media driver allows its clients and untethered subscribers (an external driver takes its
     * own {@code aeron.*} settings).
     *
     * @param clientLivenessTimeoutNs        a client silent this long is closed, with its subscriptions.
     * @param untetheredWindowLimitTimeoutNs an untethered subscriber a window behind this long is dropped.
     * @param untetheredRestingTimeoutNs     a dropped untethered subscriber rests this long.
     */
    public record DriverTimeouts(
        long clientLivenessTimeoutNs, long untetheredWindowLimitTimeoutNs, long untetheredRestingTimeoutNs) {

        private static final Duration MAX = Duration.ofMinutes(5);

        static DriverTimeouts from(final RelayProperties.Aeron aeron) {
            return new DriverTimeouts(
                check("relay.aeron.client-liveness-timeout", aeron.clientLivenessTimeout(), Duration.ofSeconds(1)),
                check("relay.aeron.untethered-window-limit-timeout", aeron.untetheredWindowLimitTimeout(),
                    Duration.ofMillis(200)),
                check("relay.aeron.untethered-resting-timeout", aeron.untetheredRestingTimeout(),
                    Duration.ofMillis(200)));
        }

        private static long check(final String property, final Duration value, final Duration min) {
            if (value.compareTo(min) < 0 || value.compareTo(MAX) > 0) {
                throw new InvalidConfigurationPropertyValueException(property, value,
                    "must lie in " + min.toMillis() + "ms.." + MAX.toMinutes() + "m"
                        + (min.toMillis() >= 1000 ? " (clients send a keepalive every 500 ms)" : ""));
            }
            return value.toNanos();
        }
    }

    private static long ackInterval(final Duration interval) {
        if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new InvalidConfigurationPropertyValueException("relay.ingress.ack-interval", interval,
                "must lie between 1ms and 1s: senders keep every frame until it is acknowledged");
        }
        return interval.toNanos();
    }

    private static void claimPort(final Map<Integer, String> ports, final Integer port, final String owner) {
        if (port != null && port > 0) {
            ports.put(port, owner);
        }
    }

    private static List<Destination> destinations(final RelayProperties.Feed feed, final String prefix) {
        final List<Destination> destinations = new ArrayList<>();
        for (int j = 0; j < feed.destinations().size(); j++) {
            final String text = feed.destinations().get(j);
            try {
                destinations.add(Destination.parse(text));
            } catch (final IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException(prefix + "destinations[" + j + "]", text,
                    ex.getMessage());
            }
        }
        return destinations;
    }

    private static FeedSettings feedSettings(
        final RelayProperties properties,
        final RelayProperties.Feed feed,
        final String prefix,
        final int streamId,
        final List<Destination> destinations) {
        final Framing framing;
        try {
            framing = Framing.parse(feed.framing());
        } catch (final IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException(prefix + "framing", feed.framing(), ex.getMessage());
        }
        // A size beyond the limit stays beyond it as an int, for FeedSettings to refuse.
        final int maxPayload = (int)Math.max(-1, Math.min(feed.maxPayload().toBytes(),
            FeedSettings.MAX_PAYLOAD_BYTES_LIMIT + 1L));
        try {
            final String channel = IpcSizing.channel(feed.name(), properties.aeron().termLength().toBytes(),
                maxPayload);
            return new FeedSettings(feed.name(), properties.ingress().bindAddress(), feed.port(), framing,
                destinations, maxPayload, feed.allowedSources(), feed.maxConnections(), feed.idleTimeout().toNanos(),
                channel, streamId, FeedSecuritySettings.tls(feed.tls(), prefix + "tls."), feed.proxyProtocol(),
                feed.proxySources());
        } catch (final InvalidSettingException ex) {
            throw new InvalidConfigurationPropertyValueException(prefix + ex.setting(), propertyValue(feed, ex),
                ex.reason());
        }
    }

    /** The value as configured, where the record holds it converted (sizes, durations). */
    private static Object propertyValue(final RelayProperties.Feed feed, final InvalidSettingException ex) {
        return switch (ex.setting()) {
            case "max-payload" -> feed.maxPayload();
            case "idle-timeout" -> feed.idleTimeout();
            case "destinations" -> feed.destinations();
            default -> ex.value();
        };
    }

    private static EgressSettings egressSettings(
        final RelayProperties.Egress egress, final List<EgressSettings.Feed> feeds) {
        try {
            EgressInterface.resolve(egress.networkInterface());
        } catch (final IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("relay.egress.network-interface",
                egress.networkInterface(), ex.getMessage());
        }
        try {
            return new EgressSettings(egress.networkInterface(), egress.ttl(), egress.loopback(),
                (int)egress.sendBuffer().toBytes(), egress.threading(), egress.idleStrategy(), egress.batchSize(),
                feeds);
        } catch (final InvalidSettingException ex) {
            final String property = ex.setting().startsWith("feeds[") ? "relay." + ex.setting()
                : "relay.egress." + ex.setting();
            throw new InvalidConfigurationPropertyValueException(property, ex.value(), ex.reason());
        }
    }
}
