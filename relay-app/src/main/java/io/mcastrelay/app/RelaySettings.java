package io.mcastrelay.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mcastrelay.egress.EgressInterface;
import io.mcastrelay.egress.EgressSettings;
import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.IpcMessageDescriptor;
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
    DriverTimeouts driverTimeouts) {

    private static final int AERON_FRAME_HEADER = 32;
    private static final int AERON_MAX_MTU = 65_504;
    private static final int AERON_DEFAULT_MTU = 1408;

    /**
     * Maps and checks the properties.
     *
     * @param properties  what Spring bound.
     * @param environment to look up the HTTP ports the feeds must not clash with.
     * @return the settings.
     * @throws InvalidConfigurationPropertyValueException naming the first bad property.
     */
    public static RelaySettings from(final RelayProperties properties, final Environment environment) {
        final long termLength = properties.aeron().termLength().toBytes();
        if (termLength < 64 * 1024 || termLength > 1024 * 1024 * 1024 || Long.bitCount(termLength) != 1) {
            throw new InvalidConfigurationPropertyValueException("relay.aeron.term-length",
                properties.aeron().termLength(), "must be a power of two from 64KB to 1GB");
        }
        final Map<Integer, String> ports = new HashMap<>();
        claimPort(ports, environment.getProperty("server.port", Integer.class), "server.port (health)");
        claimPort(ports, environment.getProperty("management.server.port", Integer.class), "management.server.port");
        final Map<String, Integer> names = new HashMap<>();
        final Map<Integer, String> streamIds = new HashMap<>();
        final Map<Long, String> egressDestinations = new HashMap<>();
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
            final List<Destination> destinations = destinations(feed, prefix, egressDestinations);
            final FeedSettings settings = feedSettings(properties, feed, prefix, i, streamId, destinations);
            feeds.add(settings);
            egressFeeds.add(new EgressSettings.Feed(feed.name(), settings.channel(), streamId, destinations));
        }
        return new RelaySettings(feeds, egressSettings(properties.egress(), egressFeeds),
            properties.aeron().embeddedDriver(), properties.aeron().directory(),
            properties.aeron().driverTimeout().toNanos(), properties.ingress().backPressureRetry().toNanos(),
            (int)properties.ingress().receiveBuffer().toBytes(), ackInterval(properties.ingress().ackInterval()),
            properties.shutdown().readinessGrace().toNanos(), properties.shutdown().drainTimeout().toNanos(),
            DriverTimeouts.from(properties.aeron()));
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

    private static List<Destination> destinations(
        final RelayProperties.Feed feed, final String prefix, final Map<Long, String> egressDestinations) {
        final List<Destination> destinations = new ArrayList<>();
        for (int j = 0; j < feed.destinations().size(); j++) {
            final String text = feed.destinations().get(j);
            final String property = prefix + "destinations[" + j + "]";
            final Destination destination;
            try {
                destination = Destination.parse(text);
            } catch (final IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException(property, text, ex.getMessage());
            }
            for (final Destination earlier : destinations) {
                if (earlier.key() == destination.key()) {
                    throw new InvalidConfigurationPropertyValueException(property, text,
                        "destination is listed twice in this feed");
                }
            }
            final String other = egressDestinations.putIfAbsent(destination.egressKey(), feed.name());
            if (other != null) {
                throw new InvalidConfigurationPropertyValueException(property, text,
                    "the VPC-side group:port is already emitted by feed '" + other + "'");
            }
            destinations.add(destination);
        }
        return destinations;
    }

    private static FeedSettings feedSettings(
        final RelayProperties properties,
        final RelayProperties.Feed feed,
        final String prefix,
        final int index,
        final int streamId,
        final List<Destination> destinations) {
        final Framing framing = switch (feed.framing().toLowerCase(Locale.ROOT)) {
            case "relay-v1" -> Framing.RELAY_V1;
            case "length-prefixed" -> Framing.LENGTH_PREFIXED;
            default -> throw new InvalidConfigurationPropertyValueException(prefix + "framing", feed.framing(),
                "framing must be relay-v1 or length-prefixed");
        };
        if (framing == Framing.LENGTH_PREFIXED && destinations.size() != 1) {
            throw new InvalidConfigurationPropertyValueException(prefix + "destinations", feed.destinations(),
                "the length-prefixed framing sends every datagram to one destination: list exactly one");
        }
        final long maxPayload = feed.maxPayload().toBytes();
        if (maxPayload < 0 || maxPayload > FeedSettings.MAX_PAYLOAD_BYTES_LIMIT) {
            throw new InvalidConfigurationPropertyValueException(prefix + "max-payload", feed.maxPayload(),
                "must lie in 0.." + FeedSettings.MAX_PAYLOAD_BYTES_LIMIT + " bytes (8472 keeps datagrams within "
                    + "the Transit Gateway's 8500-byte limit)");
        }
        for (int j = 0; j < feed.allowedSources().size(); j++) {
            try {
                FeedSettings.parseSource(feed.allowedSources().get(j));
            } catch (final IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException(prefix + "allowed-sources[" + j + "]",
                    feed.allowedSources().get(j), ex.getMessage());
            }
        }
        if (feed.idleTimeout().isNegative() || feed.idleTimeout().isZero()) {
            throw new InvalidConfigurationPropertyValueException(prefix + "idle-timeout", feed.idleTimeout(),
                "must be positive");
        }
        final long termLength = properties.aeron().termLength().toBytes();
        final String channel = ipcChannel(termLength, (int)maxPayload);
        if (mtu((int)maxPayload) > termLength / 8) {
            throw new InvalidConfigurationPropertyValueException(prefix + "max-payload", feed.maxPayload(),
                "a message this large needs relay.aeron.term-length of at least " + termLengthFor((int)maxPayload)
                    + " bytes (Aeron allows one eighth of a term per message)");
        }
        return new FeedSettings(feed.name(), properties.ingress().bindAddress(), feed.port(), framing,
            destinations, (int)maxPayload, feed.allowedSources(), feed.maxConnections(),
            feed.idleTimeout().toNanos(), channel, streamId, FeedSecuritySettings.tls(feed.tls(), prefix + "tls."),
            feed.proxyProtocol(), FeedSecuritySettings.proxySources(feed, prefix));
    }

    /**
     * The IPC channel of a feed: its term length, and an MTU large enough that the largest allowed message is one
     * Aeron claim (never fragmented, never dropped for size).
     *
     * @param termLength      bytes per term.
     * @param maxPayloadBytes the feed's maximum payload.
     * @return for example {@code aeron:ipc?term-length=8388608|mtu=8576}.
     */
    static String ipcChannel(final long termLength, final int maxPayloadBytes) {
        return "aeron:ipc?term-length=" + termLength + "|mtu=" + mtu(maxPayloadBytes);
    }

    private static int mtu(final int maxPayloadBytes) {
        final int needed = maxPayloadBytes + IpcMessageDescriptor.HEADER_LENGTH + AERON_FRAME_HEADER;
        return Math.min(AERON_MAX_MTU, Math.max(AERON_DEFAULT_MTU, (needed + 31) & ~31));
    }

    private static long termLengthFor(final int maxPayloadBytes) {
        long termLength = 64 * 1024;
        while (mtu(maxPayloadBytes) > termLength / 8) {
            termLength *= 2;
        }
        return termLength;
    }

    private static EgressSettings egressSettings(
        final RelayProperties.Egress egress, final List<EgressSettings.Feed> feeds) {
        try {
            EgressInterface.resolve(egress.networkInterface());
        } catch (final IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("relay.egress.network-interface",
                egress.networkInterface(), ex.getMessage());
        }
        if (!EgressSettings.THREADINGS.contains(egress.threading().toLowerCase(Locale.ROOT))) {
            throw new InvalidConfigurationPropertyValueException("relay.egress.threading",
                egress.threading(), "must be one of " + EgressSettings.THREADINGS);
        }
        if (!EgressSettings.IDLE_STRATEGIES.contains(egress.idleStrategy().toLowerCase(Locale.ROOT))) {
            throw new InvalidConfigurationPropertyValueException("relay.egress.idle-strategy",
                egress.idleStrategy(), "must be one of " + EgressSettings.IDLE_STRATEGIES);
        }
        return new EgressSettings(egress.networkInterface(), egress.ttl(), egress.loopback(),
            (int)egress.sendBuffer().toBytes(), egress.threading(), egress.idleStrategy(), egress.batchSize(), feeds);
    }
}
