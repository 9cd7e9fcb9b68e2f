package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults of the network around the packaged relay, each in network namespaces of the test's own (docs/faults.md):
 * the egress interface going down and up under traffic, and a sender that vanishes without closing its connection.
 * Sender and receiver are processes of their own: the sender ({@link ScriptedSender}) over TCP on the relay
 * namespace's {@code lo} or from a namespace of its own over a veth pair, the receiver ({@link NamespaceReceiver})
 * in the relay's namespace, joined on the egress interface, which gets the relay's datagrams through
 * IP_MULTICAST_LOOP.
 */
@Tag("network")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NetworkFaultsIT {
    private static final String GROUP = "239.255.70.1";
    private static final int UDP_PORT = 6201;
    private static final int FEED_PORT = 6667;
    private static final String FEED = "faults";
    private static final String DESTINATION = GROUP + ":" + UDP_PORT;

    private final Cleanup cleanup = new Cleanup();
    private JavaProcess receiver;

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.closeAll();
    }

    @Test
    void shouldHoldEveryFrameWhileTheEgressInterfaceIsDownAndSendThemAllInOrderWhenItIsBack() throws Exception {
        final NetworkNamespace namespace = NetworkNamespace.createOrSkip();
        cleanup.add(namespace);
        final RelayProcess relay = startRelayWithReceiver(namespace, "relay.ingress.receive-buffer=16KB");
        final JavaProcess sender = JavaProcess.start(namespace.name(), ScriptedSender.class,
            "127.0.0.1", String.valueOf(FEED_PORT), GROUP, String.valueOf(UDP_PORT), String.valueOf(16 * 1024));
        cleanup.add(sender);
        sender.awaitLine("connected", 30_000);

        sender.command("send before 100 500");
        sender.awaitLine("sent before 100", 30_000);
        awaitDatagrams(receiver, 100, 30_000);

        final long down = System.nanoTime();
        namespace.ip("link", "set", NetworkNamespace.INTERFACE, "down");
        awaitReadiness(relay, 503, 5_000);
        final long notReadyMs = millisSince(down);
        sender.command("send during 1000 500");
        Thread.sleep(3_000);
        assertThat(sender.hasLine("sent during 1000"))
            .as("TCP back-pressure holds the sender: 500 KB cannot all be written while egress cannot send").isFalse();
        assertThat(datagrams(receiver)).as("nothing leaves while the interface is down").hasSize(100);
        assertThat(relay.metric("relay_ingress_backpressure_episodes_total", "feed=\"" + FEED + "\""))
            .as("ingress back-pressured").isPositive();
        assertThat(relay.readiness().status()).as("still not ready while down").isEqualTo(503);

        final long up = System.nanoTime();
        namespace.ip("link", "set", NetworkNamespace.INTERFACE, "up");
        awaitReadiness(relay, 200, 10_000);
        final long readyMs = millisSince(up);
        sender.awaitLine("sent during 1000", 60_000);
        final List<String> received = awaitDatagrams(receiver, 1100, 60_000);
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(HexFormat.of().formatHex(ScriptedSender.payload("before", i, 500)));
        }
        for (int i = 0; i < 1000; i++) {
            expected.add(HexFormat.of().formatHex(ScriptedSender.payload("during", i, 500)));
        }
        assertThat(received).as("every frame, once, in order").isEqualTo(expected);

        double refusals = 0;
        for (final String reason : List.of("network-unreachable", "network-down", "interface-unavailable")) {
            refusals += relay.metric("relay_egress_send_errors_total", "reason=\"" + reason + "\"");
        }
        assertThat(refusals).as("the outage is counted per episode (and reason), not per retry").isBetween(1.0, 3.0);
        assertThat(relay.output()).contains("sending again after").contains("nothing was dropped");
        System.out.printf("[NetworkFaultsIT] egress interface down: 503 after %d ms, 1000 frames held; up: 200 "
            + "after %d ms, all 1100 delivered in order; send errors counted %.0f%n", notReadyMs, readyMs, refusals);
    }

    @Test
    void shouldCloseAHalfOpenConnectionWithinTheIdleTimeoutAndAcceptTheSendersNewOne() throws Exception {
        final NetworkNamespace relayHost = NetworkNamespace.createOrSkip();
        cleanup.add(relayHost);
        final NetworkNamespace senderHost = NetworkNamespace.createOrSkip();
        cleanup.add(senderHost);
        final String subnet = "10.249." + (1 + (int)(ProcessHandle.current().pid() % 250)) + ".";
        relayHost.linkTo(senderHost, "v0", subnet + "1", subnet + "2");
        final RelayProcess relay = startRelayWithReceiver(relayHost, "relay.feeds[0].idle-timeout=3s");
        final JavaProcess vanishing = JavaProcess.start(senderHost.name(), ScriptedSender.class,
            subnet + "1", String.valueOf(FEED_PORT), GROUP, String.valueOf(UDP_PORT));
        cleanup.add(vanishing);
        vanishing.awaitLine("connected", 30_000);
        vanishing.command("send before 50 200");
        awaitDatagrams(receiver, 50, 30_000);
        assertThat(relay.metric("relay_ingress_connections_current", "feed=\"" + FEED + "\"")).isEqualTo(1.0);

        final long vanished = System.nanoTime();
        senderHost.ip("link", "set", "v0p", "down");
        final long deadline = vanished + TimeUnit.SECONDS.toNanos(15);
        while (relay.metric("relay_ingress_connections_current", "feed=\"" + FEED + "\"") > 0
            && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
        final long detectedMs = millisSince(vanished);
        assertThat(relay.metric("relay_ingress_connections_current", "feed=\"" + FEED + "\""))
            .as("the half-open connection is closed").isZero();
        assertThat(detectedMs).as("within the 3 s idle timeout (counted from the last frame) and a little")
            .isLessThan(6_000L);
        assertThat(relay.metric("relay_ingress_idle_timeouts_total", "feed=\"" + FEED + "\""))
            .as("closed for idleness, counted").isEqualTo(1.0);
        assertThat(relay.output()).contains("closing: idle-timeout");
        assertThat(relay.readiness().status()).as("the relay itself is fine").isEqualTo(200);

        senderHost.ip("link", "set", "v0p", "up");
        final JavaProcess returning = JavaProcess.start(senderHost.name(), ScriptedSender.class,
            subnet + "1", String.valueOf(FEED_PORT), GROUP, String.valueOf(UDP_PORT));
        cleanup.add(returning);
        returning.awaitLine("connected", 30_000);
        returning.command("send after 50 200");
        final List<String> received = awaitDatagrams(receiver, 100, 30_000);
        final List<String> expected = new ArrayList<>();
        for (final String phase : List.of("before", "after")) {
            for (int i = 0; i < 50; i++) {
                expected.add(HexFormat.of().formatHex(ScriptedSender.payload(phase, i, 200)));
            }
        }
        assertThat(received).as("the new connection relays like the first").isEqualTo(expected);
        assertThat(relay.metric("relay_ingress_connections_accepted_total", "feed=\"" + FEED + "\""))
            .isEqualTo(2.0);
        System.out.printf("[NetworkFaultsIT] sender's link down mid-connection: half-open connection closed after "
            + "%d ms (idle-timeout 3 s), counted; the sender's new connection relays%n", detectedMs);
    }

    /**
     * Starts the packaged relay in the namespace, egress on its interface with IP_MULTICAST_LOOP, and a receiver
     * joined there ({@link #receiver}); waits until both are ready.
     */
    private RelayProcess startRelayWithReceiver(final NetworkNamespace namespace, final String... more)
        throws IOException, InterruptedException {
        final List<String> properties = new ArrayList<>(List.of(
            "relay.feeds[0].name=" + FEED, "relay.feeds[0].port=" + FEED_PORT, "relay.feeds[0].max-payload=1400B",
            "relay.feeds[0].destinations[0]=" + DESTINATION,
            "relay.egress.network-interface=" + NetworkNamespace.INTERFACE, "relay.egress.loopback=true",
            "relay.aeron.term-length=64KB"));
        properties.addAll(List.of(more));
        final RelayProcess relay = cleanup.add(
            RelayProcess.inNamespace(namespace.name(), properties.toArray(String[]::new)));
        receiver = cleanup.add(JavaProcess.start(namespace.name(), NamespaceReceiver.class,
            NetworkNamespace.INTERFACE, DESTINATION));
        assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
        receiver.awaitLine("ready", 30_000);
        return relay;
    }

    private static List<String> datagrams(final JavaProcess receiver) {
        final String prefix = "datagram " + DESTINATION + " ";
        final List<String> payloads = new ArrayList<>();
        for (final String line : receiver.lines()) {
            if (line.startsWith(prefix)) {
                payloads.add(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return payloads;
    }

    private static List<String> awaitDatagrams(final JavaProcess receiver, final int count, final long timeoutMs)
        throws InterruptedException {
        ReceiverProcess.await(() -> datagrams(receiver).size() >= count, timeoutMs);
        final List<String> received = datagrams(receiver);
        assertThat(received).as("datagrams received; receiver's last lines: %s", receiver.tail()).hasSize(count);
        return received;
    }

    private static void awaitReadiness(final RelayProcess relay, final int status, final long timeoutMs)
        throws InterruptedException {
        Object last = null;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadline < 0) {
            try {
                final RelayProcess.Response response = relay.readiness();
                if (response.status() == status) {
                    return;
                }
                last = response;
            } catch (final IOException ex) {
                last = ex;
            }
            Thread.sleep(50);
        }
        fail("readiness never " + status + " in " + timeoutMs + " ms; last: " + last);
    }

    private static long millisSince(final long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
