package io.mcastrelay.ingress;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.InvalidSettingException;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * One feed as ingress sees it: where it listens, how its bytes are framed, what it may send, who may connect, and
 * which Aeron IPC stream it publishes on. Immutable; checked in the constructor.
 *
 * @param name            the feed's name, used in logs, metrics and counter labels.
 * @param bindAddress     the local address to listen on, {@code 0.0.0.0} for all.
 * @param port            the TCP port; 0 picks a free one (tests).
 * @param framing         how the TCP stream is cut into datagrams.
 * @param destinations    the group:port pairs the feed may send to, each possibly remapped for the VPC side; with
 *                        {@link Framing#LENGTH_PREFIXED} exactly one, which every datagram goes to.
 * @param maxPayloadBytes larger DATA frames are dropped and counted (the Transit Gateway drops multicast over 8500
 *                        bytes, hence 8472 by default).
 * @param allowedSources  CIDRs that may connect; others are refused and counted.
 * @param maxConnections  concurrent connections allowed; more are refused and counted.
 * @param idleTimeoutNs   a connection that sends nothing for this long is closed.
 * @param channel         the Aeron channel of the feed's stream, for example {@code aeron:ipc?term-length=8m}.
 * @param streamId        the Aeron stream id of the feed.
 * @param tls             TLS (optionally mutual) on the feed's port; null for plain TCP.
 * @param proxyProtocol   whether every connection starts with a PROXY protocol v2 header (from a load balancer);
 *                        {@link #allowedSources()} then applies to the source address in the header.
 * @param proxySources    CIDRs that may send a PROXY header (the load balancer's subnets); with
 *                        {@code proxyProtocol} at least one, otherwise ignored.
 */
public record FeedSettings(
    String name,
    String bindAddress,
    int port,
    Framing framing,
    List<Destination> destinations,
    int maxPayloadBytes,
    List<String> allowedSources,
    int maxConnections,
    long idleTimeoutNs,
    String channel,
    int streamId,
    TlsSettings tls,
    boolean proxyProtocol,
    List<String> proxySources) {

    /** The largest payload that fits one Aeron claim at the largest IPC MTU (65504 - 32 - 48). */
    public static final int MAX_PAYLOAD_BYTES_LIMIT = 65_504 - 32 - IpcMessageDescriptor.HEADER_LENGTH;

    /**
     * Checks every field: the only place the rules of a feed's settings live.
     *
     * @throws InvalidSettingException naming the feed, the setting (as in the properties: {@code max-payload},
     *                                 {@code allowed-sources[0]}, ...) and the problem.
     */
    public FeedSettings {
        if (name == null || name.isBlank()) {
            throw new InvalidSettingException("", "name", name, "feed name must not be blank");
        }
        require(bindAddress != null && !bindAddress.isBlank(), name, "bind-address", bindAddress,
            "bind address must be set (0.0.0.0 for all)");
        require(port >= 0 && port <= 65535, name, "port", port, "port " + port
            + " is outside 0..65535 (0 picks a free port)");
        require(framing != null, name, "framing", null, "framing must be set");
        require(destinations != null && !destinations.isEmpty(), name, "destinations", destinations,
            "destinations must not be empty");
        destinations = List.copyOf(destinations);
        require(framing != Framing.LENGTH_PREFIXED || destinations.size() == 1, name, "destinations", destinations,
            "the length-prefixed framing needs exactly one destination, not " + destinations.size());
        final Set<Long> keys = new HashSet<>();
        for (int i = 0; i < destinations.size(); i++) {
            final Destination destination = destinations.get(i);
            require(keys.add(destination.key()), name, "destinations[" + i + "]", destination,
                "destination " + destination + " is listed twice in this feed");
        }
        require(maxPayloadBytes >= 0 && maxPayloadBytes <= MAX_PAYLOAD_BYTES_LIMIT, name, "max-payload",
            maxPayloadBytes, "must lie in 0.." + MAX_PAYLOAD_BYTES_LIMIT
                + " bytes (8472 keeps datagrams within the Transit Gateway's 8500-byte limit)");
        allowedSources = List.copyOf(allowedSources == null ? List.of() : allowedSources);
        require(!allowedSources.isEmpty(), name, "allowed-sources", allowedSources,
            "allowed sources must not be empty (0.0.0.0/0 allows everyone)");
        sourceRules(name, "allowed-sources", allowedSources);
        require(maxConnections >= 1, name, "max-connections", maxConnections, "max connections must be at least 1");
        require(idleTimeoutNs > 0, name, "idle-timeout", idleTimeoutNs, "idle timeout must be positive");
        require(channel != null && channel.startsWith("aeron:"), name, "channel", channel,
            "channel '" + channel + "' is no Aeron URI");
        proxySources = List.copyOf(proxySources == null ? List.of() : proxySources);
        require(!proxyProtocol || !proxySources.isEmpty(), name, "proxy-sources", proxySources,
            "proxy sources must not be empty with the PROXY protocol on (list the load balancer's subnets)");
        sourceRules(name, "proxy-sources", proxySources);
    }

    /**
     * A plain-TCP feed without a PROXY header: the settings before TLS and the PROXY protocol existed.
     *
     * @param name            the feed's name.
     * @param bindAddress     the local address to listen on.
     * @param port            the TCP port.
     * @param framing         how the TCP stream is cut into datagrams.
     * @param destinations    the group:port pairs the feed may send to.
     * @param maxPayloadBytes larger DATA frames are dropped and counted.
     * @param allowedSources  CIDRs that may connect.
     * @param maxConnections  concurrent connections allowed.
     * @param idleTimeoutNs   a connection that sends nothing for this long is closed.
     * @param channel         the Aeron channel of the feed's stream.
     * @param streamId        the Aeron stream id of the feed.
     */
    public FeedSettings(
        final String name, final String bindAddress, final int port, final Framing framing,
        final List<Destination> destinations, final int maxPayloadBytes, final List<String> allowedSources,
        final int maxConnections, final long idleTimeoutNs, final String channel, final int streamId) {
        this(name, bindAddress, port, framing, destinations, maxPayloadBytes, allowedSources, maxConnections,
            idleTimeoutNs, channel, streamId, null, false, List.of());
    }

    /**
     * Netty's filter rules for {@link #proxySources()}.
     *
     * @return one accept rule per CIDR.
     */
    public IpSubnetFilterRule[] proxySourceRules() {
        return sourceRules(name, "proxy-sources", proxySources);
    }

    /**
     * Netty's filter rules for {@link #allowedSources()}.
     *
     * @return one accept rule per CIDR.
     */
    public IpSubnetFilterRule[] sourceRules() {
        return sourceRules(name, "allowed-sources", allowedSources);
    }

    private static IpSubnetFilterRule[] sourceRules(final String feed, final String setting, final List<String> cidrs) {
        final IpSubnetFilterRule[] rules = new IpSubnetFilterRule[cidrs.size()];
        for (int i = 0; i < rules.length; i++) {
            try {
                rules[i] = parseCidr("proxy-sources".equals(setting) ? "proxy source" : "allowed source", cidrs.get(i));
            } catch (final IllegalArgumentException ex) {
                throw new InvalidSettingException("feed '" + feed + "'", setting + "[" + i + "]", cidrs.get(i),
                    ex.getMessage());
            }
        }
        return rules;
    }

    /**
     * Parses one allowed source.
     *
     * @param cidr for example {@code 10.0.0.0/8} or {@code 2001:db8::/32}.
     * @return Netty's accept rule for it.
     * @throws IllegalArgumentException if it is not an IP address, a slash and a prefix length that fits it.
     */
    public static IpSubnetFilterRule parseSource(final String cidr) {
        return parseCidr("allowed source", cidr);
    }

    private static IpSubnetFilterRule parseCidr(final String what, final String cidr) {
        final String problem = what + " '" + cidr + "' is not a CIDR such as 10.0.0.0/8";
        final int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException(problem);
        }
        final String address = cidr.substring(0, slash).trim();
        final boolean v4 = NetUtil.isValidIpV4Address(address);
        if (!v4 && !NetUtil.isValidIpV6Address(address)) {
            throw new IllegalArgumentException(problem);
        }
        final int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1).trim());
        } catch (final NumberFormatException ex) {
            throw new IllegalArgumentException(problem, ex);
        }
        if (prefix < 0 || prefix > (v4 ? 32 : 128)) {
            throw new IllegalArgumentException(problem);
        }
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }

    private static void require(
        final boolean condition, final String feed, final String setting, final Object value, final String reason) {
        if (!condition) {
            throw new InvalidSettingException("feed '" + feed + "'", setting, value, reason);
        }
    }
}
