package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.mcastrelay.ingress.DropReason;
import io.mcastrelay.ingress.IngressCounters;
import io.mcastrelay.ingress.RefusalReason;
import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.wire.ProtocolError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay as one application over loopback: framed TCP in, multicast out. Three feeds: "alpha" with a remapped
 * destination, "beta", and "locked", which accepts connections only from 10.0.0.0/8.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayEndToEndIT {
    private static final String GROUP_A1 = "239.255.61.1";
    private static final String GROUP_A2 = "239.255.61.2";
    private static final String GROUP_A2_VPC = "239.255.62.2";
    private static final String GROUP_B = "239.255.63.1";

    private static TestRelay relay;
    private static int alphaPort;
    private static int betaPort;
    private static int lockedPort;
    private static int udpA1;
    private static int udpA2;
    private static int udpA2Vpc;
    private static int udpB;

    @BeforeAll
    static void startRelay() throws Exception {
        alphaPort = TestRelay.freePort();
        betaPort = TestRelay.freePort();
        lockedPort = TestRelay.freePort();
        udpA1 = TestRelay.freePort();
        udpA2 = TestRelay.freePort();
        udpA2Vpc = TestRelay.freePort();
        udpB = TestRelay.freePort();
        relay = new TestRelay(
            "relay.feeds[0].name=alpha",
            "relay.feeds[0].port=" + alphaPort,
            "relay.feeds[0].destinations[0]=" + GROUP_A1 + ":" + udpA1,
            "relay.feeds[0].destinations[1]=" + GROUP_A2 + ":" + udpA2 + "->" + GROUP_A2_VPC + ":" + udpA2Vpc,
            "relay.feeds[0].max-payload=1400B",
            "relay.feeds[1].name=beta",
            "relay.feeds[1].port=" + betaPort,
            "relay.feeds[1].destinations[0]=" + GROUP_B + ":" + udpB,
            "relay.feeds[2].name=locked",
            "relay.feeds[2].port=" + lockedPort,
            "relay.feeds[2].destinations[0]=239.255.64.1:" + TestRelay.freePort(),
            "relay.feeds[2].allowed-sources[0]=10.0.0.0/8");
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void shouldRunEachFeedOnAThreadOfItsOwnAndStartNoSharedEgressThread() throws Exception {
        try (MulticastReceiver a1 = new MulticastReceiver(GROUP_A1, udpA1);
             MulticastReceiver b = new MulticastReceiver(GROUP_B, udpB);
             FeedClient alpha = new FeedClient(alphaPort);
             FeedClient beta = new FeedClient(betaPort)) {
            alpha.send(GROUP_A1, udpA1, new byte[] {1});
            beta.send(GROUP_B, udpB, new byte[] {2});
            assertThat(a1.await(1, 5, TimeUnit.SECONDS)).hasSize(1);
            assertThat(b.await(1, 5, TimeUnit.SECONDS)).hasSize(1);
        }
        final Set<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
            .collect(Collectors.toSet());
        for (final String feed : List.of("alpha", "beta")) {
            assertThat(threads).as("threads").filteredOn(name -> name.startsWith("relay-ingress-" + feed + "-"))
                .hasSize(1);
        }
        assertThat(threads).as("threads").noneMatch(name -> name.startsWith("relay-egress"));
    }

    @Test
    void shouldRelayFramesByteForByteInOrderToTheRemappedGroups() throws Exception {
        try (MulticastReceiver a1 = new MulticastReceiver(GROUP_A1, udpA1);
             MulticastReceiver a2 = new MulticastReceiver(GROUP_A2_VPC, udpA2Vpc);
             FeedClient sender = new FeedClient(alphaPort)) {
            final List<byte[]> sentA1 = new ArrayList<>();
            final List<byte[]> sentA2 = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                final byte[] payload = new byte[1 + (i * 37) % 1400];
                for (int j = 0; j < payload.length; j++) {
                    payload[j] = (byte)(i * 31 + j);
                }
                if (i % 2 == 0) {
                    sender.send(GROUP_A1, udpA1, payload);
                    sentA1.add(payload);
                } else {
                    sender.send(GROUP_A2, udpA2, payload);
                    sentA2.add(payload);
                }
            }
            assertThat(MulticastReceiver.samePayloads(sentA1, a1.await(250, 10, TimeUnit.SECONDS)))
                .as("group %s: all 250 payloads, byte-identical, in order", GROUP_A1).isTrue();
            assertThat(MulticastReceiver.samePayloads(sentA2, a2.await(250, 10, TimeUnit.SECONDS)))
                .as("remapped group %s: all 250 payloads, byte-identical, in order", GROUP_A2_VPC).isTrue();
            assertThat(a1.sources()).allSatisfy(source ->
                assertThat(source.getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
        }
    }

    @Test
    void shouldDropADisallowedDestinationAndKeepTheConnection() throws Exception {
        final IngressCounters counters = relay.ingress().counters("alpha");
        final long dropsBefore = counters.drops(DropReason.DESTINATION_NOT_ALLOWED).get();
        final long oversizeBefore = counters.drops(DropReason.PAYLOAD_OVER_MAXIMUM).get();
        try (MulticastReceiver a1 = new MulticastReceiver(GROUP_A1, udpA1);
             FeedClient sender = new FeedClient(alphaPort)) {
            sender.send("239.255.61.99", udpA1, "not allowed");
            sender.send(GROUP_A1, udpA1, new byte[1401]);
            final byte[] after = sender.send(GROUP_A1, udpA1, "after the drops");

            final List<byte[]> received = a1.await(1, 10, TimeUnit.SECONDS);
            assertThat(received).hasSize(1);
            assertThat(received.get(0)).isEqualTo(after);
            assertThat(counters.drops(DropReason.DESTINATION_NOT_ALLOWED).get()).isEqualTo(dropsBefore + 1);
            assertThat(counters.drops(DropReason.PAYLOAD_OVER_MAXIMUM).get()).isEqualTo(oversizeBefore + 1);
            assertThat(sender.closedByPeer(300)).as("connection stays open").isFalse();
        }
    }

    @Test
    void shouldCloseOnlyTheOffendingConnectionOnProtocolError() throws Exception {
        final IngressCounters alpha = relay.ingress().counters("alpha");
        final long errorsBefore = alpha.protocolErrors(ProtocolError.NON_ZERO_FLAGS).get();
        try (MulticastReceiver b = new MulticastReceiver(GROUP_B, udpB);
             FeedClient good = new FeedClient(betaPort);
             FeedClient bad = new FeedClient(alphaPort)) {
            final byte[] before = good.send(GROUP_B, udpB, "before");
            assertThat(b.await(1, 10, TimeUnit.SECONDS)).hasSize(1);

            bad.sendRaw(new byte[] {0x00, 0x1c, 0x01, 0x7f});
            assertThat(bad.closedByPeer(5000)).as("offending connection closed").isTrue();

            final byte[] after = good.send(GROUP_B, udpB, "after");
            assertThat(MulticastReceiver.samePayloads(List.of(before, after), b.await(2, 10, TimeUnit.SECONDS)))
                .as("the other feed's connection keeps flowing").isTrue();
            assertThat(good.closedByPeer(300)).isFalse();
            assertThat(alpha.protocolErrors(ProtocolError.NON_ZERO_FLAGS).get()).isEqualTo(errorsBefore + 1);
        }
    }

    @Test
    void shouldRefuseASourceOutsideTheAllowedNetworks() throws Exception {
        final IngressCounters locked = relay.ingress().counters("locked");
        final long refusedBefore = locked.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get();
        try (FeedClient outsider = new FeedClient(lockedPort)) {
            assertThat(outsider.closedByPeer(5000)).as("refused at once").isTrue();
        }
        assertThat(locked.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get()).isEqualTo(refusedBefore + 1);
        assertThat(locked.connectionsAccepted().get()).isZero();
    }
}
