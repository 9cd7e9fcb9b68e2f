package io.mcastrelay.app;

import static io.mcastrelay.app.NetworkScenario.ALPHA_1;
import static io.mcastrelay.app.NetworkScenario.ALPHA_2;
import static io.mcastrelay.app.NetworkScenario.ALPHA_3_DC;
import static io.mcastrelay.app.NetworkScenario.ALPHA_3_VPC;
import static io.mcastrelay.app.NetworkScenario.ALPHA_SENT;
import static io.mcastrelay.app.NetworkScenario.BRAVO_3;
import static io.mcastrelay.app.NetworkScenario.BRAVO_SENT;
import static io.mcastrelay.app.NetworkScenario.BRAVO_UNLISTED;
import static io.mcastrelay.app.NetworkScenario.C1;
import static io.mcastrelay.app.NetworkScenario.C2;
import static io.mcastrelay.app.NetworkScenario.C3;
import static io.mcastrelay.app.NetworkScenario.C4;
import static io.mcastrelay.app.NetworkScenario.CUSTOMERS;
import static io.mcastrelay.app.NetworkScenario.DC;
import static io.mcastrelay.app.NetworkScenario.HOSTS;
import static io.mcastrelay.app.NetworkScenario.JOINS;
import static io.mcastrelay.app.NetworkScenario.RELAY;
import static io.mcastrelay.app.NetworkScenario.RELAYED;
import static io.mcastrelay.app.NetworkScenario.TTL;
import static io.mcastrelay.app.NetworkScenario.egressLabels;
import static io.mcastrelay.app.NetworkScenario.expected;
import static io.mcastrelay.app.NetworkScenario.expectedMdb;
import static io.mcastrelay.app.NetworkScenario.framesPerRound;
import static io.mcastrelay.app.NetworkScenario.groups;
import static io.mcastrelay.app.NetworkScenario.payloads;
import static io.mcastrelay.app.NetworkScenario.relayedPerRound;
import static io.mcastrelay.app.NetworkScenario.senderFeeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.mcastrelay.app.MulticastNetwork.Host;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;

/**
 * The packaged relay on a network of the test's own (docs/network-tests.md): a datacenter sender, the relay and
 * four customers, each in a network namespace, on a Linux bridge with IGMPv2 snooping and a querier standing in for
 * the Transit Gateway multicast domain. One topology per class: {@link #setUp} builds it, waits out the querier's
 * flooding period (measured with probes), joins the customers and relays a first batch on two feeds; the tests
 * check what each customer got, what crossed each bridge port (tcpdump) and what the bridge snooped; the leave test
 * sends a second batch. Longer than ~300 lines because the topology, its expectations and the checks belong
 * together.
 */
@Tag("network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MulticastNetworkIT {
    /** Sent by the datacenter host to a group nobody joins, to see when the bridge stops flooding. */
    private static final String PROBE = "239.255.0.99:7999";
    private static final String PHASE_1 = "p1";
    private static final String PHASE_2 = "p2";
    private static final int ROUNDS = 200;
    private static final int ROUNDS_PER_SECOND = 400;

    private static String skipReason;
    private static MulticastNetwork network;
    private static RelayProcess relay;
    private static final Map<String, PacketCapture> CAPTURES = new LinkedHashMap<>();
    private static final Map<String, ReceiverProcess> RECEIVERS = new LinkedHashMap<>();
    private static Map<String, Set<String>> mdbAfterJoins;
    private static String mdbShowAfterJoins;
    private static long floodEndedMillis;
    private static int floodProbesSeen;
    private static final Map<String, Double> METRICS_AFTER_PHASE_1 = new TreeMap<>();

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void setUp() throws Exception {
        try {
            network = MulticastNetwork.createOrSkip(HOSTS);
        } catch (final TestAbortedException ex) {
            // aborted here, the class would vanish from failsafe's report (0 tests); skip each test with the reason
            skipReason = ex.getMessage();
            System.out.println("[MulticastNetworkIT] skipped: " + skipReason);
            return;
        }
        for (final String host : List.of(RELAY, C1, C2, C3, C4)) {
            CAPTURES.put(host, network.capture(host, "igmp or udp"));
        }
        final String[] probe = PROBE.split(":");
        final Process prober = network.start(host(DC).namespace(), List.of("bash", "-c",
            "while :; do echo flood-probe > /dev/udp/" + probe[0] + "/" + probe[1] + "; sleep 0.2; done"),
            network.directory().resolve("probe.log"));
        relay = RelayProcess.inNamespace(host(RELAY).namespace(), NetworkScenario.relayProperties(
            host(RELAY).address(), host(DC).address(), network.directory().resolve("aeron")));
        for (final String host : JOINS.keySet()) {
            RECEIVERS.put(host, ReceiverProcess.start(network, host(host)));
        }
        awaitFloodOver(prober);
        prober.destroy();
        assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("relay ready; log:%n%s", relay.output()).isTrue();

        for (final Map.Entry<String, List<String>> join : JOINS.entrySet()) {
            for (final String destination : join.getValue()) {
                RECEIVERS.get(join.getKey()).command("join", destination);
            }
        }
        final Map<String, Set<String>> expected = expectedMdb(JOINS);
        final boolean snooped = ReceiverProcess.await(() -> expected.equals(mdbOrEmpty()), 10_000);
        mdbAfterJoins = network.mdb();
        mdbShowAfterJoins = network.mdbShow();
        assertThat(snooped).as("the bridge snooped every join; bridge mdb show:%n%s", mdbShowAfterJoins).isTrue();

        send(PHASE_1, ROUNDS);
        awaitDelivery(JOINS, PHASE_1, ROUNDS);
        for (final String feed : List.of("alpha", "bravo")) {
            snapshot("relay_ingress_frames_total", "feed=\"" + feed + "\"");
            snapshot("relay_ingress_connections_accepted_total", "feed=\"" + feed + "\"");
        }
        snapshot("relay_ingress_drops_total", "feed=\"bravo\",reason=\"destination-not-allowed\"");
        for (final String destination : RELAYED.values()) {
            snapshot("relay_egress_datagrams_total", egressLabels(destination));
        }
    }

    @BeforeEach
    void requireTheNetwork() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            if (relay != null) {
                relay.close();
            }
        } finally {
            if (network != null) {
                network.close();
            }
        }
    }

    @Test
    @Order(1)
    void shouldRunThePackagedRelayInItsOwnNamespace() throws Exception {
        final ProcessHandle.Info info = relay.process().info();
        assertThat(info.command()).hasValueSatisfying(command -> assertThat(command).endsWith("/bin/java"));
        assertThat(info.arguments()).hasValueSatisfying(arguments -> assertThat(List.of(arguments))
            .contains("-jar", RelayProcess.JAR.toString(),
                "--relay.egress.network-interface=" + MulticastNetwork.INTERFACE));
        assertThat(network.namespaceOf(relay.process().pid())).isEqualTo(host(RELAY).namespace());
        assertThat(relay.output()).as("the relay's start lines")
            .contains("feed=alpha egress from " + MulticastNetwork.INTERFACE + " (" + host(RELAY).address() + ")")
            .contains("ttl=" + TTL + " loopback=false");
        assertThat(relay.readiness().status()).isEqualTo(200);
        assertThat(METRICS_AFTER_PHASE_1).as("the datacenter's connections were accepted (allowed-sources = dc/32)")
            .containsEntry("relay_ingress_connections_accepted_total{feed=\"alpha\"}", 1.0)
            .containsEntry("relay_ingress_connections_accepted_total{feed=\"bravo\"}", 1.0);
    }

    @Test
    @Order(2)
    void shouldDeliverExactlyTheJoinedGroupsPayloadsInOrderAndNothingToTheCustomerWhoJoinedNone() throws Exception {
        for (final Map.Entry<String, List<String>> join : JOINS.entrySet()) {
            final ReceiverProcess receiver = RECEIVERS.get(join.getKey());
            for (final String destination : join.getValue()) {
                assertSamePayloads(join.getKey() + " on " + destination, receiver.payloads(destination, PHASE_1),
                    expected(join.getKey(), destination, PHASE_1, ROUNDS));
            }
            assertThat(receiver.datagrams()).as("%s: every datagram from the relay's address", join.getKey())
                .allSatisfy(line -> assertThat(line.split(" ")[2]).isEqualTo(host(RELAY).address()));
        }
        assertThat(RECEIVERS.get(C4).datagrams()).as("c4 joined nothing").isEmpty();

        for (final String customer : CUSTOMERS) {
            final Set<String> onTheWire = relayedPackets(customer, PHASE_1).stream()
                .map(CapturedPacket::udpDestination).collect(Collectors.toCollection(TreeSet::new));
            final Set<String> joinedAndSent = new TreeSet<>(JOINS.get(customer));
            joinedAndSent.retainAll(RELAYED.values());
            assertThat(onTheWire).as("groups the bridge forwarded to %s's port", customer).isEqualTo(joinedAndSent);
            for (final String destination : joinedAndSent) {
                assertThat(relayedPackets(customer, PHASE_1)).as("%s's port, %s", customer, destination)
                    .filteredOn(packet -> packet.udpDestination().equals(destination)).hasSize(ROUNDS);
            }
        }
        assertThat(CAPTURES.get(C4).packets()).as("c4's port after the querier's flooding ended")
            .filteredOn(packet -> packet.isUdp() && packet.timestampMicros() / 1000 > floodEndedMillis).isEmpty();
        assertThat(floodProbesSeen).as("the capture on c4's port did see flooded probes before").isPositive();

        assertThat(mdbAfterJoins).as("bridge mdb show:%n%s", mdbShowAfterJoins).isEqualTo(expectedMdb(JOINS));
        assertThat(mdbAfterJoins.values()).as("c4 is on no group").noneSatisfy(ports -> assertThat(ports)
            .contains(C4));
        System.out.printf("[MulticastNetworkIT] bridge mdb show after the joins:%n%s", mdbShowAfterJoins);
    }

    @Test
    @Order(3)
    void shouldJoinWithIgmpV2ReportsOnly() throws Exception {
        for (final Map.Entry<String, List<String>> join : JOINS.entrySet()) {
            final Host host = host(join.getKey());
            assertThat(network.exec(host.namespace(), "cat", "/proc/sys/net/ipv4/conf/all/force_igmp_version",
                "/proc/sys/net/ipv4/conf/" + MulticastNetwork.INTERFACE + "/force_igmp_version"))
                .as("%s forces IGMPv2 as the ECS hosts do", host.name()).isEqualTo("2\n2\n");
            final Matcher igmp = Pattern.compile(MulticastNetwork.INTERFACE + "\\s*:\\s*\\d+\\s+(V\\d)")
                .matcher(network.exec(host.namespace(), "cat", "/proc/net/igmp"));
            assertThat(igmp.find() ? igmp.group(1) : "none").as("%s's IGMP version on %s (/proc/net/igmp)",
                host.name(), MulticastNetwork.INTERFACE).isEqualTo("V2");
            final List<CapturedPacket> sent = CAPTURES.get(join.getKey()).packets().stream()
                .filter(packet -> packet.isIgmp() && packet.source().equals(host.address())).toList();
            assertThat(sent).as("IGMP from %s", host.name()).extracting(CapturedPacket::igmpType)
                .doesNotContain(CapturedPacket.IGMP_V3_REPORT)
                .isSubsetOf(CapturedPacket.IGMP_V2_REPORT, CapturedPacket.IGMP_LEAVE);
            final Set<String> reported = sent.stream().filter(packet ->
                packet.igmpType() == CapturedPacket.IGMP_V2_REPORT).map(CapturedPacket::igmpGroup).collect(
                Collectors.toCollection(TreeSet::new));
            assertThat(reported).as("groups %s reported with IGMPv2 (0x16): %s", host.name(), sent)
                .isEqualTo(groups(join.getValue()));
            assertThat(sent).as("IGMPv2 reports go to the group, with TTL 1")
                .filteredOn(packet -> packet.igmpType() == CapturedPacket.IGMP_V2_REPORT)
                .allSatisfy(packet -> assertThat(packet.destination()).isEqualTo(packet.igmpGroup()))
                .allSatisfy(packet -> assertThat(packet.ttl()).isEqualTo(1));
        }
    }

    @Test
    @Order(4)
    void shouldEmitWithTheConfiguredTtlFromTheEgressInterfaceAddressWithoutLoopback() throws Exception {
        final List<CapturedPacket> emitted = CAPTURES.get(RELAY).packets().stream()
            .filter(packet -> packet.isUdp() && startsWith(packet.payload(), PHASE_1)).toList();
        assertThat(emitted).as("what left the relay's interface").hasSize(RELAYED.size() * ROUNDS)
            .allSatisfy(packet -> assertThat(packet.ttl()).as("relay.egress.ttl").isEqualTo(TTL))
            .allSatisfy(packet -> assertThat(packet.source()).as("the address of relay.egress.network-interface")
                .isEqualTo(host(RELAY).address()));
        for (final String customer : List.of(C1, C2, C3)) {
            assertThat(relayedPackets(customer, PHASE_1)).as("as %s's port saw them", customer).isNotEmpty()
                .allSatisfy(packet -> assertThat(packet.ttl()).isEqualTo(TTL));
        }
        assertThat(RECEIVERS.get(C2).payloads(ALPHA_2, PHASE_1)).hasSize(ROUNDS);
        assertThat(RECEIVERS.get(RELAY).datagrams()).as("relay.egress.loopback=false: a listener on the relay's "
            + "own host, joined to %s, gets nothing", ALPHA_2).isEmpty();
        System.out.printf("[MulticastNetworkIT] %d datagrams left the relay's %s from %s with TTL %d%n",
            emitted.size(), MulticastNetwork.INTERFACE, host(RELAY).address(), TTL);
    }

    @Test
    @Order(5)
    void shouldRelayTwoFeedsAsConfiguredWithOneDestinationRemapped() throws Exception {
        final Map<String, List<String>> emitted = new TreeMap<>();
        for (final CapturedPacket packet : CAPTURES.get(RELAY).packets()) {
            if (packet.isUdp() && startsWith(packet.payload(), PHASE_1)) {
                emitted.computeIfAbsent(packet.udpDestination(), destination -> new ArrayList<>())
                    .add(HexFormat.of().formatHex(packet.payload()));
            }
        }
        assertThat(emitted.keySet()).as("VPC-side destinations on the wire")
            .containsExactlyInAnyOrderElementsOf(RELAYED.values()).doesNotContain(ALPHA_3_DC, BRAVO_UNLISTED);
        for (final Map.Entry<String, String> destination : RELAYED.entrySet()) {
            assertSamePayloads("on the wire, " + destination.getKey() + " -> " + destination.getValue(),
                emitted.get(destination.getValue()), payloads(destination.getKey(), PHASE_1, ROUNDS));
        }
        assertThat(RECEIVERS.get(C1).payloads(ALPHA_3_VPC, PHASE_1)).as("c1 on the remapped group").hasSize(ROUNDS);
        assertThat(RECEIVERS.get(C2).payloads(ALPHA_3_DC, PHASE_1)).as("c2 on the datacenter-side group").isEmpty();

        assertThat(METRICS_AFTER_PHASE_1)
            .containsEntry("relay_ingress_frames_total{feed=\"alpha\"}", (double)ALPHA_SENT.size() * ROUNDS)
            .containsEntry("relay_ingress_frames_total{feed=\"bravo\"}", (double)BRAVO_SENT.size() * ROUNDS)
            .containsEntry("relay_ingress_drops_total{feed=\"bravo\",reason=\"destination-not-allowed\"}",
                (double)ROUNDS);
        for (final String destination : RELAYED.values()) {
            assertThat(METRICS_AFTER_PHASE_1)
                .containsEntry("relay_egress_datagrams_total{" + egressLabels(destination) + "}", (double)ROUNDS);
        }
        System.out.printf("[MulticastNetworkIT] after the first batch: %s%n", METRICS_AFTER_PHASE_1);
    }

    @Test
    @Order(6)
    void shouldStopDeliveryToACustomerThatLeavesAndOnlyToThatCustomer() throws Exception {
        final String group = groups(List.of(ALPHA_1)).first();
        final long leftMillis = System.currentTimeMillis();
        RECEIVERS.get(C3).command("leave", ALPHA_1);
        final List<CapturedPacket> leaves = CAPTURES.get(C3).await(packets -> packets.stream().anyMatch(packet ->
            isLeave(packet, C3, group)), 5_000).stream().filter(packet -> isLeave(packet, C3, group)).toList();
        assertThat(leaves).as("an IGMPv2 leave (0x17) from c3 for %s, to all routers", group).isNotEmpty()
            .allSatisfy(packet -> assertThat(packet.destination()).isEqualTo("224.0.0.2"));
        final boolean pruned = ReceiverProcess.await(() -> Set.of(C1).equals(mdbOrEmpty().get(group)), 10_000);
        final long prunedMillis = System.currentTimeMillis() - leftMillis;
        assertThat(pruned).as("c3 off %s; bridge mdb show:%n%s", group, network.mdbShow()).isTrue();

        final Map<String, List<String>> joins = new LinkedHashMap<>(JOINS);
        joins.put(C3, List.of(BRAVO_3));
        send(PHASE_2, ROUNDS / 2);
        awaitDelivery(joins, PHASE_2, ROUNDS / 2);
        assertSamePayloads("c1 still on " + ALPHA_1, RECEIVERS.get(C1).payloads(ALPHA_1, PHASE_2),
            payloads(ALPHA_1, PHASE_2, ROUNDS / 2));
        assertSamePayloads("c3 still on " + BRAVO_3, RECEIVERS.get(C3).payloads(BRAVO_3, PHASE_2),
            payloads(BRAVO_3, PHASE_2, ROUNDS / 2));
        assertThat(RECEIVERS.get(C3).payloads(ALPHA_1, PHASE_2)).as("c3 after leaving %s", ALPHA_1).isEmpty();
        assertThat(relayedPackets(C3, PHASE_2)).as("what reached c3's port after its leave")
            .extracting(CapturedPacket::udpDestination).containsOnly(BRAVO_3).hasSize(ROUNDS / 2);
        System.out.printf("[MulticastNetworkIT] c3 left %s: leave on the wire, port pruned from the mdb after %d ms"
            + "%n", ALPHA_1, prunedMillis);
    }

    private static boolean isLeave(final CapturedPacket packet, final String host, final String group) {
        return packet.isIgmp() && packet.igmpType() == CapturedPacket.IGMP_LEAVE
            && packet.source().equals(host(host).address()) && group.equals(packet.igmpGroup());
    }

    /**
     * Waits until the bridge stops flooding multicast nobody joined: the probes the datacenter host sends every
     * 200 ms to {@link #PROBE} reach c4's port while the querier waits for other queriers (about 10 s), then stop.
     */
    private static void awaitFloodOver(final Process prober) throws IOException, InterruptedException {
        final long started = network.querierStartedMillis();
        while (true) {
            assertThat(prober.isAlive()).as("the probe sender runs").isTrue();
            final List<CapturedPacket> probes = CAPTURES.get(C4).packets().stream()
                .filter(packet -> packet.isUdp() && packet.udpDestination().equals(PROBE)).toList();
            final long now = System.currentTimeMillis();
            final long lastMillis = probes.isEmpty() ? 0 : probes.get(probes.size() - 1).timestampMicros() / 1000;
            // a probe is due every 200 ms and reaches the pcap file within about 1 s of crossing the port
            if (!probes.isEmpty() && now - lastMillis > 2500) {
                floodEndedMillis = lastMillis;
                floodProbesSeen = probes.size();
                System.out.printf("[MulticastNetworkIT] the bridge flooded %d probes to c4 until %d ms after the "
                    + "querier came up%n", probes.size(), lastMillis - started);
                return;
            }
            if (probes.isEmpty() && now - started > 15_000) {
                fail("no probe to " + PROBE + " was flooded to c4's port in the querier's first 15 s: the capture "
                    + "or the bridge does not work as docs/network-tests.md says");
            }
            if (now - started > 40_000) {
                fail("the bridge still floods " + PROBE + " (joined by nobody) 40 s after its querier came up");
            }
            Thread.sleep(100);
        }
    }

    /** Runs the datacenter's sender to its end: ROUNDS rounds of one frame to every destination of both feeds. */
    private static void send(final String phase, final int rounds) throws IOException, InterruptedException {
        final Path log = network.directory().resolve("sender-" + phase + ".log");
        final Process sender = network.start(host(DC).namespace(), List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            NamespaceSender.class.getName(), host(RELAY).address(), phase, Integer.toString(rounds),
            Integer.toString(ROUNDS_PER_SECOND), senderFeeds().get(0), senderFeeds().get(1)), log);
        assertThat(sender.waitFor(60, TimeUnit.SECONDS)).as("sender done").isTrue();
        final String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(sender.exitValue()).as("sender: %s; relay log:%n%s", output, relay.output()).isZero();
        assertThat(output).contains("sent " + rounds * framesPerRound());
    }

    /**
     * Waits until every receiver has as many datagrams of the phase as it should, then a little for extras, and
     * until each capture holds the relay's datagrams that should have crossed its port.
     */
    private static void awaitDelivery(final Map<String, List<String>> joins, final String phase, final int rounds)
        throws InterruptedException {
        final boolean arrived = ReceiverProcess.await(() -> joins.entrySet().stream().allMatch(join ->
            join.getValue().stream().allMatch(destination -> RECEIVERS.get(join.getKey())
                .payloads(destination, phase).size() >= expected(join.getKey(), destination, phase, rounds).size())),
            20_000);
        Thread.sleep(300);
        final StringBuilder counts = new StringBuilder();
        joins.forEach((host, destinations) -> destinations.forEach(destination -> counts.append(String.format(
            "%n%s %s: %d of %d", host, destination, RECEIVERS.get(host).payloads(destination, phase).size(),
            expected(host, destination, phase, rounds).size()))));
        assertThat(arrived).as("everything of %s arrived in 20 s:%s", phase, counts).isTrue();

        final Map<String, Integer> toCapture = new LinkedHashMap<>();
        toCapture.put(RELAY, RELAYED.size() * rounds);
        for (final String customer : CUSTOMERS) {
            toCapture.put(customer, relayedPerRound(joins.get(customer)) * rounds);
        }
        final boolean captured = ReceiverProcess.await(() -> toCapture.entrySet().stream().allMatch(expected ->
            relayedPacketsOrEmpty(expected.getKey(), phase).size() >= expected.getValue()), 10_000);
        final StringBuilder capturedCounts = new StringBuilder();
        toCapture.forEach((host, expected) -> capturedCounts.append(String.format("%n%s's port: %d of %d %s", host,
            relayedPacketsOrEmpty(host, phase).size(), expected, relayedPacketsOrEmpty(host, phase).stream()
                .collect(Collectors.groupingBy(CapturedPacket::udpDestination, TreeMap::new, Collectors.counting())))));
        assertThat(captured).as("tcpdump captured the relay's datagrams of %s:%s", phase, capturedCounts).isTrue();
    }

    private static List<CapturedPacket> relayedPacketsOrEmpty(final String host, final String phase) {
        try {
            return relayedPackets(host, phase);
        } catch (final IOException ex) {
            return List.of();
        }
    }

    /** Compares payloads (hex) one by one; on a difference says where, rather than printing them all. */
    private static void assertSamePayloads(final String what, final List<String> actual, final List<String> expected) {
        final List<String> got = actual == null ? List.of() : actual;
        for (int i = 0; i < Math.min(got.size(), expected.size()); i++) {
            if (!got.get(i).equals(expected.get(i))) {
                final int index = i;
                final int expectedAt = expected.indexOf(got.get(i));
                fail(String.format("%s: datagram %d of %d differs: got %.80s... (%s), expected %.80s...", what,
                    index, expected.size(), got.get(i), expectedAt < 0 ? "sent nowhere here"
                        : "sent as number " + expectedAt, expected.get(i)));
            }
        }
        assertThat(got.size()).as("%s: datagrams received, in order and identical so far", what)
            .isEqualTo(expected.size());
    }

    /** UDP datagrams from the relay, of one phase, that crossed a host's bridge port. */
    private static List<CapturedPacket> relayedPackets(final String host, final String phase) throws IOException {
        return CAPTURES.get(host).packets().stream().filter(packet -> packet.isUdp()
            && packet.source().equals(host(RELAY).address()) && startsWith(packet.payload(), phase)).toList();
    }

    private static boolean startsWith(final byte[] payload, final String phase) {
        final byte[] prefix = (phase + " ").getBytes(StandardCharsets.US_ASCII);
        return payload.length >= prefix.length && Arrays.equals(payload, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static Map<String, Set<String>> mdbOrEmpty() {
        try {
            return network.mdb();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (final IOException | IllegalStateException ex) {
            return Map.of();
        }
    }

    private static void snapshot(final String name, final String labels) throws IOException, InterruptedException {
        METRICS_AFTER_PHASE_1.put(name + "{" + labels + "}", relay.metric(name, labels));
    }

    private static Host host(final String name) {
        return network.host(name);
    }
}
