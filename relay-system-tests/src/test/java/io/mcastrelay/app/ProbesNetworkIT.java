package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mcastrelay.tools.RelaySender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Probes and the canary on the Transit Gateway stand-in (a snooping bridge, IGMPv2, docs/network-tests.md): the relay
 * sends probes for its feed from the feed's socket; the shipped {@code relay-canary}, in a customer's namespace
 * behind the bridge, joins the probe group and the feed's group. Cutting the canary's bridge port turns its health
 * DOWN, naming the relay and the path, within the stale-after (2 s here) plus a second, while the relay stays ready
 * and keeps counting probes sent; bringing the port back turns it UP again and counts the probes lost meanwhile.
 * Dropping only the feed's group on the bridge (an nftables rule in the {@code bridge} family) is told apart: the
 * canary turns DOWN within the same bound naming that group as silent while the relay says it sends N/s, its probe
 * path stays up and the relay stays green; with the rule gone it is UP again within a second.
 */
@Tag("network")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProbesNetworkIT {
    private static final String DC = "dc";
    private static final String RELAY = "relay";
    private static final String CANARY = "canary";
    private static final String GROUP = "239.192.12.1";
    private static final int UDP_PORT = 5921;
    private static final String PROBES = "239.192.12.99:6999";
    private static final int FEED_PORT = 7012;
    private static final int CANARY_PORT = 8090;
    private static final long STALE_AFTER_MS = 2000;
    private static final String FEED_GROUP = GROUP + ":" + UDP_PORT;
    /** The key of the feed group's entry in the canary's health details, with the opening quote of its value. */
    private static final String FEED_GROUP_DETAIL = "\"md@" + FEED_GROUP + "\":\"";
    private static final Pattern RELAY_SENDS = Pattern.compile("while the relays say they send (\\d+)/s");
    private static final Pattern DROPPED = Pattern.compile("counter packets (\\d+)");

    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.closeAll();
    }

    @Test
    void shouldTurnTheCanaryDownWhenItsPathIsCutWhileTheRelayStaysGreenAndUpAgainWhenRestored() throws Exception {
        final Scene scene = start();
        final MulticastNetwork network = scene.network();
        final MulticastNetwork.Host canaryHost = scene.canaryHost();
        final RelayProcess relay = scene.relay();
        final double sentBefore = relay.metric("relay_probes_sent_total", "feed=\"md\"");

        // cut the canary's path: its port on the Transit Gateway stand-in goes down
        final long cutNs = System.nanoTime();
        network.exec(network.bridgeNamespace(), RelayProcess.executable("ip"), "link", "set", canaryHost.port(),
            "down");
        assertThat(ReceiverProcess.await(() -> health(canaryHost).status() == 503, 10_000))
            .as("the canary goes DOWN").isTrue();
        final long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutNs);
        final String down = health(canaryHost).body();
        assertThat(down).contains("\"relay-a/md\":\"down: no probe for")
            .contains("if relay.probes.sent still rises on relay-a the path drops them");
        assertThat(downMs).as("down within stale-after plus a second").isLessThan(STALE_AFTER_MS + 1000);
        assertThat(metric(canaryHost, "canary_path_up", "relay=\"relay-a\"")).isZero();
        // ... while every relay signal stays green: ready, probes and datagrams still sent, no probe error
        Thread.sleep(1000);
        assertThat(relay.readiness().status()).isEqualTo(200);
        assertThat(relay.metric("relay_probes_sent_total", "feed=\"md\"")).isGreaterThan(sentBefore + 10);
        assertThat(relay.metric("relay_probes_errors_total", "feed=\"md\"")).isZero();

        // restore it
        final long restoreNs = System.nanoTime();
        network.exec(network.bridgeNamespace(), RelayProcess.executable("ip"), "link", "set", canaryHost.port(),
            "up");
        assertThat(ReceiverProcess.await(() -> health(canaryHost).status() == 200, 30_000))
            .as("the canary comes back UP; %s", health(canaryHost).body()).isTrue();
        final long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoreNs);
        final double lost = metric(canaryHost, "canary_probes_lost_total", "relay=\"relay-a\"");
        assertThat(lost).as("the probes sent while the path was cut are counted lost").isGreaterThan(10);
        assertThat(metric(canaryHost, "canary_path_up", "relay=\"relay-a\"")).isEqualTo(1.0);
        System.out.printf("[ProbesNetworkIT] path cut: canary DOWN after %d ms (stale-after %d ms), relay ready and "
            + "sending probes throughout; restored: UP after %d ms, %.0f probes counted lost%n", downMs, STALE_AFTER_MS,
            upMs, lost);
    }

    @Test
    void shouldTellAFeedGroupDroppedOnThePathWhileItsProbesStillArriveAndRecoverWhenTheDropEnds() throws Exception {
        final String nft = RelayProcess.executable("nft");
        NetworkNamespace.require(nft != null, "nftables' nft is not installed (apt-get install nftables)");
        final Scene scene = start();
        final MulticastNetwork network = scene.network();
        final MulticastNetwork.Host canaryHost = scene.canaryHost();
        final RelayProcess relay = scene.relay();
        final double probesSentBefore = relay.metric("relay_probes_sent_total", "feed=\"md\"");
        final double datagramsSentBefore = relay.metric("relay_egress_datagrams_total", "feed=\"md\"");

        // the Transit Gateway stand-in drops the feed's group, and only it: UDP to GROUP:UDP_PORT, on every frame the
        // bridge forwards. The probes (another group, from the same socket) and IGMP still pass
        final String bridge = network.bridgeNamespace();
        final long dropNs = System.nanoTime();
        network.exec(bridge, nft, "add", "table", "bridge", "tgw");
        network.exec(bridge, nft, "add", "chain", "bridge", "tgw", "forward",
            "{ type filter hook forward priority 0; }");
        network.exec(bridge, nft, "add", "rule", "bridge", "tgw", "forward", "ip", "daddr", GROUP, "udp", "dport",
            String.valueOf(UDP_PORT), "counter", "drop");
        assertThat(ReceiverProcess.await(() -> health(canaryHost).status() == 503, 10_000))
            .as("the canary goes DOWN; %s", health(canaryHost).body()).isTrue();
        final long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropNs);
        final String down = health(canaryHost).body();
        assertThat(downMs).as("the group down within stale-after plus a second").isLessThan(STALE_AFTER_MS + 1000);
        assertThat(down).as("the group is silent while its relay sends, the probe path is up")
            .contains(FEED_GROUP_DETAIL + "down: nothing for").contains("the path drops this group")
            .contains("\"relay-a/md\":\"up: received");
        final Matcher says = RELAY_SENDS.matcher(down);
        assertThat(says.find()).as(down).isTrue();
        final long relaySays = Long.parseLong(says.group(1));
        assertThat(relaySays).as("what relay-a's probes say it sends (the sender's 500/s)").isGreaterThan(250);

        // the canary's meters tell the same: the probe path up, the relay sending, the group's datagrams stopped
        final double received = metric(canaryHost, "canary_group_datagrams_total", "feed=\"md\"");
        final double probes = metric(canaryHost, "canary_probes_received_total", "relay=\"relay-a\"");
        Thread.sleep(1000);
        assertThat(metric(canaryHost, "canary_group_datagrams_total", "feed=\"md\"")).isEqualTo(received);
        assertThat(metric(canaryHost, "canary_group_age_seconds", "feed=\"md\""))
            .isGreaterThan(STALE_AFTER_MS / 1000.0);
        assertThat(metric(canaryHost, "canary_probes_received_total", "relay=\"relay-a\""))
            .as("probes still arrive").isGreaterThan(probes + 5);
        assertThat(metric(canaryHost, "canary_path_up", "relay=\"relay-a\"")).isEqualTo(1.0);
        assertThat(metric(canaryHost, "canary_feed_paths_up", "feed=\"md\"")).isEqualTo(1.0);
        assertThat(metric(canaryHost, "canary_relay_frames", "relay=\"relay-a\"")).isGreaterThan(250);
        // ... the relay's own signals stay green: ready, the group's datagrams and the probes sent, no probe error
        assertThat(relay.readiness().status()).isEqualTo(200);
        assertThat(relay.metric("relay_egress_datagrams_total", "feed=\"md\""))
            .isGreaterThan(datagramsSentBefore + 500);
        assertThat(relay.metric("relay_probes_sent_total", "feed=\"md\"")).isGreaterThan(probesSentBefore + 10);
        assertThat(relay.metric("relay_probes_errors_total", "feed=\"md\"")).isZero();
        // ... and the bridge did drop them, with the canary's membership of the group in place
        final Matcher counter = DROPPED.matcher(network.exec(bridge, nft, "list", "chain", "bridge", "tgw",
            "forward"));
        assertThat(counter.find()).isTrue();
        final long dropped = Long.parseLong(counter.group(1));
        assertThat(dropped).isGreaterThan(500);
        assertThat(network.mdb().get(GROUP)).contains(canaryHost.port());

        // the drop ends
        final long restoreNs = System.nanoTime();
        network.exec(bridge, nft, "delete", "table", "bridge", "tgw");
        assertThat(ReceiverProcess.await(() -> health(canaryHost).status() == 200, 10_000))
            .as("the canary comes back UP; %s", health(canaryHost).body()).isTrue();
        final long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoreNs);
        assertThat(upMs).as("up within a second: the next datagram is 2 ms away").isLessThan(1000);
        assertThat(health(canaryHost).body()).contains(FEED_GROUP_DETAIL + "up:");
        assertThat(metric(canaryHost, "canary_group_datagrams_total", "feed=\"md\""))
            .isGreaterThan(received);
        System.out.printf("[ProbesNetworkIT] feed group %s dropped on the bridge: canary DOWN after %d ms (stale-after "
            + "%d ms) naming the group while relay-a says it sends %d/s and its probes arrive; the bridge dropped %d "
            + "datagrams; rule removed: UP after %d ms%n", FEED_GROUP, downMs, STALE_AFTER_MS, relaySays, dropped,
            upMs);
    }

    /**
     * The relay sending probes, the canary behind the bridge hearing them and the feed's group, a sender streaming
     * 500 frames/s into the feed: returns once the canary is UP with both.
     */
    private Scene start() throws Exception {
        final MulticastNetwork network = MulticastNetwork.createOrSkip(List.of(DC, RELAY, CANARY));
        cleanup.add(network);
        final MulticastNetwork.Host relayHost = network.host(RELAY);
        final MulticastNetwork.Host canaryHost = network.host(CANARY);
        final RelayProcess relay = RelayProcess.inNamespace(relayHost.namespace(),
            "relay.egress.network-interface=" + MulticastNetwork.INTERFACE,
            "relay.egress.loopback=false",
            "relay.ingress.bind-address=" + relayHost.address(),
            "relay.aeron.term-length=1MB",
            "relay.aeron.directory=" + network.directory().resolve("aeron"),
            "relay.probes.group=" + PROBES,
            "relay.probes.rate=10",
            "relay.probes.relay-id=relay-a",
            "relay.feeds[0].name=md",
            "relay.feeds[0].port=" + FEED_PORT,
            "relay.feeds[0].allowed-sources[0]=" + network.host(DC).address() + "/32",
            "relay.feeds[0].destinations[0]=" + FEED_GROUP);
        cleanup.add(relay);

        final Path canaryLog = Files.createTempFile(network.directory(), "canary", ".log");
        // the shipped script, as an operator runs it, started beside the relay; the network stops it on close
        network.start(canaryHost.namespace(), List.of("env", "RELAY_JAR=" + RelayProcess.JAR,
            "RELAY_JAVA=" + Path.of(System.getProperty("java.home"), "bin", "java"), "JAVA_OPTS=-Xmx128m",
            Path.of("..", "bin", "relay-canary").toAbsolutePath().normalize().toString(),
            "--canary.network-interface=" + MulticastNetwork.INTERFACE,
            "--canary.probe-groups[0]=" + PROBES,
            "--canary.feed-groups[0].feed=md",
            "--canary.feed-groups[0].group=" + FEED_GROUP,
            "--canary.stale-after=" + STALE_AFTER_MS + "ms",
            "--server.port=" + CANARY_PORT), canaryLog);
        assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("relay ready; log:%n%s", relay.output()).isTrue();

        final JavaProcess sender = JavaProcess.start(network.host(DC).namespace(), RelaySender.class,
            "--host", relayHost.address(), "--port", String.valueOf(FEED_PORT), "--dest", FEED_GROUP,
            "--rate", "500", "--duration-seconds", "120", "--payload-bytes", "100");
        cleanup.add(sender);

        assertThat(ReceiverProcess.await(() -> health(canaryHost).status() == 200 &&
            health(canaryHost).body().contains("\"relay-a/md\":\"up"), 60_000))
            .as("the canary hears relay-a's probes; canary log:%n%s", log(canaryLog)).isTrue();
        assertThat(health(canaryHost).body()).contains(FEED_GROUP_DETAIL + "up");
        return new Scene(network, relay, canaryHost);
    }

    /** The canary's {@code /actuator/health}, or status -1 while it does not answer. */
    private static RelayProcess.Response health(final MulticastNetwork.Host host) {
        try {
            return RelayProcess.getInNamespace(host.namespace(), CANARY_PORT, "/actuator/health");
        } catch (final IOException | InterruptedException | RuntimeException ex) {
            return new RelayProcess.Response(-1, ex.toString());
        }
    }

    private static double metric(final MulticastNetwork.Host host, final String name, final String labels)
        throws IOException, InterruptedException {
        return RelayProcess.getInNamespace(host.namespace(), CANARY_PORT, "/actuator/prometheus").sample(name, labels);
    }

    private static String log(final Path file) {
        try {
            return Files.readString(file);
        } catch (final IOException ex) {
            return ex.toString();
        }
    }

    /**
     * What each test starts with.
     *
     * @param network    the namespaces and the bridge.
     * @param relay      the relay, sending the feed and its probes.
     * @param canaryHost the canary's host behind the bridge.
     */
    private record Scene(MulticastNetwork network, RelayProcess relay, MulticastNetwork.Host canaryHost) {
    }
}
