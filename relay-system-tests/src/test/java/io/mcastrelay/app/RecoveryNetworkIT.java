package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mcastrelay.tools.RelaySender;
import io.mcastrelay.tools.RelaySubscriber;
import io.mcastrelay.wire.ProbePayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Recovery on the Transit Gateway stand-in (a snooping bridge, IGMPv2, docs/network-tests.md): a customer whose
 * host drops 1 % of the feed's datagrams at random (an nftables rule in its namespace: this kernel has no netem) runs
 * the shipped {@code relay-subscriber} twice side by side, plainly and with {@code --recover}. 100,000 datagrams from
 * the shipped {@code relay-sender} in the datacenter's namespace later, the plain one has missed about 1 % and the
 * recovering one has every datagram, in the exchange's order, each probe payload intact. The exchange sequence is
 * the probe header's per-group sequence (offset 16, 8 bytes, big-endian), configured on the relay and the subscriber
 * alike.
 */
@Tag("network")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RecoveryNetworkIT {
    private static final String DC = "dc";
    private static final String RELAY = "relay";
    private static final String CUSTOMER = "c1";
    private static final String GROUP = "239.192.9.1";
    private static final int UDP_PORT = 5901;
    private static final int FEED_PORT = 7010;
    private static final int REPLAY_PORT = 6800;
    private static final int DATAGRAMS = 100_000;
    private static final String SEQUENCE = ProbePayload.SEQUENCE_OFFSET + ":8:big-endian";
    private static final Pattern TOTAL = Pattern.compile("RelaySubscriber: total datagrams=(\\d+)");
    private static final Pattern RECOVER = Pattern.compile(
        "recover \\S+ first=\\d+ next=(\\d+) multicast=(\\d+) recovered=(\\d+) missing=(\\d+) duplicates=(\\d+) "
            + "recovery-us p50=(\\d+) p99=(\\d+) max=(\\d+)");

    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.closeAll();
    }

    @Test
    void shouldGiveTheRecoveringSubscriberEveryDatagramInOrderWhileThePlainOneMissesAboutOnePercent()
        throws Exception {
        final MulticastNetwork network = MulticastNetwork.createOrSkip(List.of(DC, RELAY, CUSTOMER));
        cleanup.add(network);
        final MulticastNetwork.Host relayHost = network.host(RELAY);
        final MulticastNetwork.Host customer = network.host(CUSTOMER);
        final Path archive = Files.createDirectories(network.directory().resolve("archive"));
        final RelayProcess relay = RelayProcess.inNamespace(relayHost.namespace(),
            "relay.egress.network-interface=" + MulticastNetwork.INTERFACE,
            "relay.egress.loopback=false",
            "relay.ingress.bind-address=" + relayHost.address(),
            "relay.aeron.term-length=1MB",
            "relay.aeron.directory=" + network.directory().resolve("aeron"),
            "relay.recovery.enabled=true",
            "relay.recovery.archive-directory=" + archive,
            "relay.recovery.segment-size=2MB",
            "relay.recovery.max-bytes=256MB",
            "relay.recovery.bind-address=" + relayHost.address(),
            "relay.recovery.port=" + REPLAY_PORT,
            "relay.recovery.allowed-sources[0]=" + customer.address() + "/32",
            "relay.feeds[0].name=lossy",
            "relay.feeds[0].port=" + FEED_PORT,
            "relay.feeds[0].allowed-sources[0]=" + network.host(DC).address() + "/32",
            "relay.feeds[0].destinations[0]=" + GROUP + ":" + UDP_PORT,
            "relay.feeds[0].sequence.offset=" + ProbePayload.SEQUENCE_OFFSET,
            "relay.feeds[0].sequence.width=8",
            "relay.feeds[0].sequence.byte-order=big-endian");
        cleanup.add(relay);
        assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("relay ready; log:%n%s", relay.output()).isTrue();

        final String join = GROUP + ":" + UDP_PORT;
        final JavaProcess plain = JavaProcess.start(customer.namespace(), RelaySubscriber.class,
            "--interface", MulticastNetwork.INTERFACE, "--join", join, "--quiet", "--duration-seconds", "30");
        cleanup.add(plain);
        final JavaProcess recovering = JavaProcess.start(customer.namespace(), RelaySubscriber.class,
            "--interface", MulticastNetwork.INTERFACE, "--join", join, "--quiet", "--duration-seconds", "90",
            "--expect", String.valueOf(DATAGRAMS),
            "--recover", relayHost.address() + ":" + REPLAY_PORT, "--feed", "lossy", "--sequence", SEQUENCE);
        cleanup.add(recovering);
        plain.awaitLine(line -> line.startsWith("RelaySubscriber: joined"), 30_000);
        recovering.awaitLine(line -> line.startsWith("RelaySubscriber: joined"), 30_000);
        assertThat(ReceiverProcess.await(() -> Set.of(CUSTOMER).equals(mdbOf(network).get(GROUP)), 10_000))
            .as("the bridge snooped the customer's join; %s", network.mdbShow()).isTrue();
        network.exec(customer.namespace(), "nft", "add", "table", "inet", "loss");
        network.exec(customer.namespace(), "nft", "add", "chain", "inet", "loss", "in",
            "{ type filter hook input priority 0; }");
        network.exec(customer.namespace(), "nft", "add", "rule", "inet", "loss", "in", "udp", "dport",
            String.valueOf(UDP_PORT), "numgen", "random", "mod", "100", "<", "1", "drop");

        final JavaProcess sender = JavaProcess.start(network.host(DC).namespace(), RelaySender.class,
            "--host", relayHost.address(), "--port", String.valueOf(FEED_PORT), "--dest", join,
            "--rate", "20000", "--count", String.valueOf(DATAGRAMS), "--payload-bytes", "100");
        cleanup.add(sender);
        sender.awaitLine(line -> line.startsWith("RelaySender: total frames=" + DATAGRAMS), 60_000);

        recovering.awaitLine(line -> line.startsWith("RelaySubscriber: delivered="), 90_000);
        final List<String> out = recovering.lines();
        final Matcher recover = find(RECOVER, out);
        final long multicast = Long.parseLong(recover.group(2));
        final long recovered = Long.parseLong(recover.group(3));
        final long missing = Long.parseLong(recover.group(4));
        assertThat(out).as("every datagram delivered, each probe intact").contains(
            "RelaySubscriber: delivered=" + DATAGRAMS + " probes=" + DATAGRAMS + " probe-errors=0");
        assertThat(missing).as("nothing missing").isZero();
        assertThat(recover.group(1)).as("next expected: after the last").isEqualTo(String.valueOf(DATAGRAMS + 1));
        assertThat(recovered).as("what multicast lost came over TCP").isEqualTo(DATAGRAMS - multicast);
        assertThat(recovered).as("about 1 %% lost on the customer's host").isBetween(300L, 3_000L);

        plain.awaitLine(line -> line.startsWith("total "), 60_000);
        final long plainTotal = Long.parseLong(find(TOTAL, plain.lines()).group(1));
        assertThat(plainTotal).as("the plain subscriber misses about 1 %%").isBetween(97_000L, 99_700L);
        assertThat(relay.metric("relay_recovery_replayed_total", "feed=\"lossy\"")).isEqualTo((double)recovered);
        assertThat(relay.metric("relay_egress_exchange_gaps_total", "feed=\"lossy\""))
            .as("nothing lost before the relay").isZero();
        System.out.printf("[RecoveryNetworkIT] %d datagrams, 1 %% dropped on the customer's host: plain subscriber "
            + "received %d (missed %d); recovering subscriber delivered %d (%d by multicast, %d recovered over TCP, "
            + "0 missing), recovery latency p50 %s us, p99 %s us, max %s us%n", DATAGRAMS, plainTotal,
            DATAGRAMS - plainTotal, DATAGRAMS, multicast, recovered, recover.group(6), recover.group(7),
            recover.group(8));
    }

    private static Map<String, Set<String>> mdbOf(final MulticastNetwork network) {
        try {
            return network.mdb();
        } catch (final Exception ex) {
            return Map.of();
        }
    }

    private static Matcher find(final Pattern pattern, final List<String> lines) {
        for (final String line : lines) {
            final Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        throw new AssertionError("no line matches " + pattern + " in " + lines);
    }
}
