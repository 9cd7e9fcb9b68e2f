package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.mcastrelay.ingress.IngressCounters;
import io.mcastrelay.ingress.RefusalReason;
import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.testing.TestCertificates;
import io.mcastrelay.testing.TestCertificates.Authority;
import io.mcastrelay.testing.TestCertificates.Issued;
import io.mcastrelay.wire.Ipv4;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay as one application with a feed as it runs behind an NLB with mutual TLS: PROXY v2 header, then the TLS
 * handshake with a client certificate, then relay-v1 frames, out as multicast on loopback. Certificates are made
 * here; the test plays both the load balancer and the exchange.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecureFeedIT {
    private static final String GROUP = "239.255.65.1";

    @TempDir
    static Path directory;
    private static TestRelay relay;
    private static Authority relayCa;
    private static Issued exchange;
    private static int feedPort;
    private static int udpPort;

    @BeforeAll
    static void startRelay() throws Exception {
        relayCa = Authority.create("relay-ca");
        final Issued server = relayCa.issue("relay", "127.0.0.1");
        exchange = relayCa.issue("exchange", "feed.exchange.example");
        feedPort = TestRelay.freePort();
        udpPort = TestRelay.freePort();
        relay = new TestRelay(
            "relay.feeds[0].name=secure",
            "relay.feeds[0].port=" + feedPort,
            "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort,
            "relay.feeds[0].allowed-sources[0]=203.0.113.0/24",
            "relay.feeds[0].proxy-protocol=true",
            "relay.feeds[0].proxy-sources[0]=127.0.0.0/8",
            "relay.feeds[0].tls.enabled=true",
            "relay.feeds[0].tls.certificate-chain-file=" + server.writeCertificate(directory.resolve("relay.crt")),
            "relay.feeds[0].tls.private-key-file=" + server.writeKey(directory.resolve("relay.key")),
            "relay.feeds[0].tls.trusted-ca-files[0]="
                + relayCa.certificate().writeCertificate(directory.resolve("ca.crt")),
            "relay.feeds[0].tls.allowed-clients[0]=feed.exchange.example");
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    private static byte[] proxyHeader(final String source) {
        final ByteBuffer header = ByteBuffer.allocate(28);
        header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        header.put((byte)0x21).put((byte)0x11).putShort((short)12);
        header.putInt(Ipv4.parse(source)).putInt(Ipv4.parse("10.0.9.9")).putShort((short)51000)
            .putShort((short)feedPort);
        return header.array();
    }

    private static SSLSocket connect(final String source, final SSLContext context) throws IOException {
        final Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", feedPort), 5000);
        plain.setTcpNoDelay(true);
        plain.setSoTimeout(5000);
        plain.getOutputStream().write(proxyHeader(source));
        final SSLSocket socket = (SSLSocket)context.getSocketFactory()
            .createSocket(plain, "127.0.0.1", feedPort, true);
        socket.startHandshake();
        return socket;
    }

    @Test
    void shouldRelayFramesBehindAProxyHeaderOverMutualTlsToMulticast() throws Exception {
        try (MulticastReceiver receiver = new MulticastReceiver(GROUP, udpPort);
             FeedClient sender = new FeedClient(connect("203.0.113.7",
                 TestCertificates.clientContext(relayCa, exchange)))) {
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                final byte[] payload = new byte[1 + (i * 53) % 1300];
                for (int j = 0; j < payload.length; j++) {
                    payload[j] = (byte)(i * 7 + j);
                }
                sender.send(GROUP, udpPort, payload);
                sent.add(payload);
            }
            assertThat(MulticastReceiver.samePayloads(sent, receiver.await(200, 10, TimeUnit.SECONDS)))
                .as("all 200 payloads through PROXY v2 and mutual TLS, byte-identical, in order").isTrue();
            assertThat(sender.closedByPeer(300)).isFalse();
        }
    }

    @Test
    void shouldRefuseAClientWithoutACertificateAndCountIt() throws Exception {
        final IngressCounters counters = relay.ingress().counters("secure");
        final long before = counters.refusals(RefusalReason.TLS_HANDSHAKE).get();
        try (FeedClient client = new FeedClient(connect("203.0.113.8",
            TestCertificates.clientContext(relayCa, null)))) {
            assertThat(client.closedByPeer(5000)).as("refused after the handshake").isTrue();
        } catch (final IOException refusedDuringTheHandshake) {
            // also a refusal
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (counters.refusals(RefusalReason.TLS_HANDSHAKE).get() == before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(counters.refusals(RefusalReason.TLS_HANDSHAKE).get()).isEqualTo(before + 1);
    }
}
