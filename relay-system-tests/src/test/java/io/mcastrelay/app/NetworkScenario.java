package io.mcastrelay.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What {@link MulticastNetworkIT} configures and expects, in one place: the hosts, two feeds with their
 * destinations (one remapped, one sent but not listed), who joins what, and what each should therefore receive.
 * Bridge ports are named after their hosts ({@link MulticastNetwork}).
 */
final class NetworkScenario {
    static final String DC = "dc";
    static final String RELAY = "relay";
    static final String C1 = "c1";
    static final String C2 = "c2";
    static final String C3 = "c3";
    static final String C4 = "c4";
    static final List<String> HOSTS = List.of(DC, RELAY, C1, C2, C3, C4);
    static final List<String> CUSTOMERS = List.of(C1, C2, C3, C4);
    /** {@code relay.egress.ttl}: not the default (16), nor the 1 of most other multicast on the wire. */
    static final int TTL = 7;
    static final int ALPHA_PORT = 7001;
    static final int BRAVO_PORT = 7002;
    static final String ALPHA_1 = "239.192.1.1:5001";
    static final String ALPHA_2 = "239.192.1.2:5002";
    /** Remapped: the datacenter sends to this, the VPC sees {@link #ALPHA_3_VPC}. */
    static final String ALPHA_3_DC = "239.192.1.3:5003";
    static final String ALPHA_3_VPC = "239.193.3.3:6003";
    static final String BRAVO_1 = "239.192.2.1:5101";
    static final String BRAVO_2 = "239.192.2.2:5102";
    static final String BRAVO_3 = "239.192.2.3:5103";
    /** Sent on feed bravo but not among its destinations: dropped and counted. */
    static final String BRAVO_UNLISTED = "239.192.2.9:5109";
    static final List<String> ALPHA_SENT = List.of(ALPHA_1, ALPHA_2, ALPHA_3_DC);
    static final List<String> BRAVO_SENT = List.of(BRAVO_1, BRAVO_2, BRAVO_3, BRAVO_UNLISTED);
    /** The relay's destinations, datacenter side to VPC side. */
    static final Map<String, String> RELAYED = relayed();
    /**
     * Who joins what (VPC side). c2 also joins the remapped group's datacenter side, which the relay never emits;
     * c4 joins nothing; {@value #RELAY} is a listener on the relay's own host, where loopback is off.
     */
    static final Map<String, List<String>> JOINS = joins();

    private NetworkScenario() {
    }

    private static Map<String, String> relayed() {
        final Map<String, String> relayed = new LinkedHashMap<>();
        for (final String destination : List.of(ALPHA_1, ALPHA_2, BRAVO_1, BRAVO_2, BRAVO_3)) {
            relayed.put(destination, destination);
        }
        relayed.put(ALPHA_3_DC, ALPHA_3_VPC);
        return relayed;
    }

    private static Map<String, List<String>> joins() {
        final Map<String, List<String>> joins = new LinkedHashMap<>();
        joins.put(C1, List.of(ALPHA_1, ALPHA_3_VPC, BRAVO_1));
        joins.put(C2, List.of(ALPHA_2, BRAVO_1, BRAVO_2, ALPHA_3_DC));
        joins.put(C3, List.of(ALPHA_1, BRAVO_3));
        joins.put(C4, List.of());
        joins.put(RELAY, List.of(ALPHA_2));
        return joins;
    }

    /** The relay's settings as production would set them: egress on the ENI, its address, loopback off. */
    static String[] relayProperties(final String relayAddress, final String datacenterAddress, final Path aeron) {
        final List<String> properties = new ArrayList<>(List.of(
            "relay.egress.network-interface=" + MulticastNetwork.INTERFACE,
            "relay.egress.loopback=false",
            "relay.egress.ttl=" + TTL,
            "relay.ingress.bind-address=" + relayAddress,
            "relay.aeron.term-length=256KB",
            "relay.aeron.directory=" + aeron));
        addFeed(properties, 0, "alpha", ALPHA_PORT, ALPHA_SENT, datacenterAddress);
        addFeed(properties, 1, "bravo", BRAVO_PORT, BRAVO_SENT, datacenterAddress);
        return properties.toArray(String[]::new);
    }

    private static void addFeed(final List<String> properties, final int index, final String name, final int port,
        final List<String> sent, final String datacenterAddress) {
        final String feed = "relay.feeds[" + index + "].";
        properties.addAll(List.of(feed + "name=" + name, feed + "port=" + port, feed + "max-payload=1400B",
            feed + "allowed-sources[0]=" + datacenterAddress + "/32"));
        int destination = 0;
        for (final String datacenterSide : sent) {
            final String vpcSide = RELAYED.get(datacenterSide);
            if (vpcSide != null) {
                properties.add(feed + "destinations[" + destination++ + "]="
                    + (vpcSide.equals(datacenterSide) ? vpcSide : datacenterSide + "->" + vpcSide));
            }
        }
    }

    /** The sender's feed arguments: {@code PORT=GROUP:PORT,...} per feed, everything it sends. */
    static List<String> senderFeeds() {
        return List.of(ALPHA_PORT + "=" + String.join(",", ALPHA_SENT),
            BRAVO_PORT + "=" + String.join(",", BRAVO_SENT));
    }

    /** @return how many frames one round sends, over both feeds. */
    static int framesPerRound() {
        return ALPHA_SENT.size() + BRAVO_SENT.size();
    }

    /** What a host should receive on a VPC-side destination: all its payloads if relayed there, else none. */
    static List<String> expected(final String host, final String destination, final String phase, final int rounds) {
        for (final Map.Entry<String, String> relayed : RELAYED.entrySet()) {
            if (relayed.getValue().equals(destination) && !RELAY.equals(host)) {
                return payloads(relayed.getKey(), phase, rounds);
            }
        }
        return List.of();
    }

    /** The payloads sent to a datacenter-side destination in a phase, as hex, in order. */
    static List<String> payloads(final String datacenterSide, final String phase, final int rounds) {
        final List<String> payloads = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            payloads.add(HexFormat.of().formatHex(NamespaceSender.payload(phase, datacenterSide, round)));
        }
        return payloads;
    }

    /** @return how many of the relay's datagrams per round should cross a customer's port. */
    static int relayedPerRound(final List<String> joined) {
        return (int)joined.stream().filter(RELAYED::containsValue).count();
    }

    /** What {@code bridge mdb show} should list: for each group joined, the ports (hosts) that joined it. */
    static Map<String, Set<String>> expectedMdb(final Map<String, List<String>> joins) {
        final Map<String, Set<String>> expected = new TreeMap<>();
        joins.forEach((host, destinations) -> groups(destinations).forEach(group ->
            expected.computeIfAbsent(group, key -> new TreeSet<>()).add(host)));
        return expected;
    }

    static TreeSet<String> groups(final List<String> destinations) {
        return destinations.stream().map(destination -> destination.substring(0, destination.indexOf(':')))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The Prometheus labels of {@code relay_egress_datagrams_total} for a VPC-side destination. */
    static String egressLabels(final String vpcSide) {
        String feed = null;
        for (final Map.Entry<String, String> relayed : RELAYED.entrySet()) {
            if (relayed.getValue().equals(vpcSide)) {
                feed = ALPHA_SENT.contains(relayed.getKey()) ? "alpha" : "bravo";
            }
        }
        final String[] groupAndPort = vpcSide.split(":");
        return "feed=\"" + feed + "\",group=\"" + groupAndPort[0] + "\",port=\"" + groupAndPort[1] + "\"";
    }
}
