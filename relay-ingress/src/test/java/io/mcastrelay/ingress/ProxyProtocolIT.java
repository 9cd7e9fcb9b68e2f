package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.Frames.concat;
import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.payload;
import static io.mcastrelay.ingress.TestIngress.assertClosedByRelay;
import static io.mcastrelay.ingress.TestIngress.await;
import static io.mcastrelay.ingress.TestIngress.poll;
import static io.mcastrelay.ingress.TestIngress.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.aeron.Subscription;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PROXY protocol v2 header a Network Load Balancer puts before the exchange's bytes, over real loopback sockets:
 * the test plays the load balancer (a peer on 127.0.0.1) and writes the header itself.
 */
@Timeout(30)
class ProxyProtocolIT {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int PROXY = 0x21;
    private static final int LOCAL = 0x20;

    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();
    @RegisterExtension
    final TestIngress ingress = new TestIngress(aeron.aeron());

    /** A version 2 header for TCP over IPv4 from {@code source} to {@code 10.0.9.9:4000}. */
    static byte[] header(final int command, final String source, final int sourcePort) {
        return header(command, source, sourcePort, new byte[0]);
    }

    /** The same with type-length-value fields after the addresses, as an NLB adds them. */
    static byte[] header(final int command, final String source, final int sourcePort, final byte[] tlvs) {
        final ByteBuffer buffer = ByteBuffer.allocate(16 + 12 + tlvs.length);
        buffer.put(SIGNATURE).put((byte)command).put((byte)0x11).putShort((short)(12 + tlvs.length));
        buffer.putInt(Ipv4.parse(source)).putInt(Ipv4.parse("10.0.9.9"));
        buffer.putShort((short)sourcePort).putShort((short)4000);
        return buffer.put(tlvs).array();
    }

    /** AWS's TLV (type 0xEA, subtype 1): the VPC endpoint id a connection came through. */
    private static byte[] awsVpcEndpointTlv() {
        final byte[] id = "vpce-08d2bf15fac5001c9".getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(3 + 1 + id.length).put((byte)0xEA).putShort((short)(1 + id.length))
            .put((byte)0x01).put(id).array();
    }

    private IngressServer start(final FeedSettings feed) {
        return ingress.start(feed);
    }

    private static FeedSettings feed(final String allowed, final String proxySource) {
        return TestTls.feed("nlb", allowed, null, true, List.of(proxySource));
    }

    @Test
    void shouldRelayFramesBehindAHeaderWhoseSourceIsAllowed() throws IOException {
        final FeedSettings feed = feed("203.0.113.0/24", "127.0.0.0/8");
        final Subscription subscription = ingress.subscribe(feed);
        final IngressServer server = start(feed);
        final Socket socket = ingress.connect("nlb");

        send(socket, concat(header(PROXY, "203.0.113.7", 51000), data("239.1.1.1", 5000, 1, payload(100, 1))));
        send(socket, data("239.1.1.1", 5000, 2, payload(100, 2)));

        assertThat(poll(subscription, 2)).extracting(IpcMessage::payload)
            .containsExactly(payload(100, 1), payload(100, 2));
        final IngressCounters counters = server.counters("nlb");
        assertThat(counters.connectionsAccepted().get()).isEqualTo(1);
        assertThat(counters.connectionsCurrent().get()).isEqualTo(1);
    }

    @Test
    void shouldRelayBehindAHeaderThatCarriesTheNlbsTlvs() throws IOException {
        final FeedSettings feed = feed("203.0.113.0/24", "127.0.0.0/8");
        final Subscription subscription = ingress.subscribe(feed);
        start(feed);
        final Socket socket = ingress.connect("nlb");

        send(socket, concat(header(PROXY, "203.0.113.9", 52000, awsVpcEndpointTlv()),
            data("239.1.1.1", 5000, 1, payload(40, 9))));

        assertThat(poll(subscription, 1).get(0).payload()).isEqualTo(payload(40, 9));
    }

    @Test
    void shouldWaitForAHeaderThatArrivesInPieces() throws IOException, InterruptedException {
        final FeedSettings feed = feed("203.0.113.0/24", "127.0.0.0/8");
        final Subscription subscription = ingress.subscribe(feed);
        start(feed);
        final Socket socket = ingress.connect("nlb");
        final byte[] header = header(PROXY, "203.0.113.7", 51000);

        send(socket, Arrays.copyOfRange(header, 0, 5));
        Thread.sleep(50);
        send(socket, Arrays.copyOfRange(header, 5, 20));
        Thread.sleep(50);
        send(socket, concat(Arrays.copyOfRange(header, 20, header.length), data("239.1.1.1", 5000, 1,
            payload(30, 3))));

        assertThat(poll(subscription, 1).get(0).payload()).isEqualTo(payload(30, 3));
    }

    @Test
    void shouldRefuseAHeaderWhoseSourceIsNotAllowed() throws IOException {
        final IngressServer server = start(feed("203.0.113.0/24", "127.0.0.0/8"));
        final Socket socket = ingress.connect("nlb");

        send(socket, concat(header(PROXY, "198.51.100.1", 51000), data("239.1.1.1", 5000, 1, payload(10, 4))));

        assertRefused(server, socket, RefusalReason.SOURCE_NOT_ALLOWED);
    }

    @Test
    void shouldRefuseAPeerOutsideTheProxySourcesWhateverItsHeaderSays() throws IOException {
        final IngressServer server = start(feed("0.0.0.0/0", "10.0.0.0/8"));
        final Socket socket = ingress.connect("nlb");

        assertRefused(server, socket, RefusalReason.PROXY_PEER_NOT_ALLOWED);
    }

    @Test
    void shouldRefuseAConnectionWithoutAHeader() throws IOException {
        final IngressServer server = start(feed("0.0.0.0/0", "127.0.0.0/8"));
        final Socket socket = ingress.connect("nlb");

        send(socket, data("239.1.1.1", 5000, 1, payload(10, 5)));

        assertRefused(server, socket, RefusalReason.PROXY_HEADER_INVALID);
    }

    @Test
    void shouldRefuseAVersionOneHeader() throws IOException {
        final IngressServer server = start(feed("0.0.0.0/0", "127.0.0.0/8"));
        final Socket socket = ingress.connect("nlb");

        send(socket, "PROXY TCP4 203.0.113.7 10.0.9.9 51000 4000\r\n".getBytes(StandardCharsets.US_ASCII));

        assertRefused(server, socket, RefusalReason.PROXY_HEADER_INVALID);
    }

    @Test
    void shouldRefuseAHeaderWithAGarbledBody() throws IOException {
        final IngressServer server = start(feed("0.0.0.0/0", "127.0.0.0/8"));
        final Socket socket = ingress.connect("nlb");
        final byte[] header = header(PROXY, "203.0.113.7", 51000);
        header[13] = 0x7F;

        send(socket, header);

        assertRefused(server, socket, RefusalReason.PROXY_HEADER_INVALID);
    }

    @Test
    void shouldRefuseAConnectionThatSendsNoHeaderWithinTheIdleTimeout() throws IOException {
        final FeedSettings quick = TestTls.feed("nlb", "0.0.0.0/0", null, true, List.of("127.0.0.0/8"));
        final FeedSettings feed = new FeedSettings(quick.name(), quick.bindAddress(), 0, quick.framing(),
            quick.destinations(), quick.maxPayloadBytes(), quick.allowedSources(), 4,
            TimeUnit.MILLISECONDS.toNanos(300), quick.channel(), quick.streamId(), null, true, List.of("127.0.0.0/8"));
        final IngressServer server = start(feed);
        final Socket socket = ingress.connect("nlb");

        assertRefused(server, socket, RefusalReason.PROXY_HEADER_INVALID);
    }

    @Test
    void shouldCloseALocalHeaderWithoutRelayingOrAdmitting() throws IOException {
        final IngressServer server = start(feed("0.0.0.0/0", "127.0.0.0/8"));
        final Socket socket = ingress.connect("nlb");

        send(socket, header(LOCAL, "0.0.0.0", 0));

        assertRefused(server, socket, RefusalReason.PROXY_LOCAL);
        assertThat(server.counters("nlb").refusals(RefusalReason.PROXY_HEADER_INVALID).get()).isZero();
    }

    @Test
    void shouldReadTheHeaderBeforeTheTlsHandshake(@TempDir final Path directory) throws IOException {
        final TestTls tls = new TestTls(directory);
        final FeedSettings feed = TestTls.feed("nlb", "203.0.113.0/24",
            tls.settings(List.of(), TimeUnit.SECONDS.toNanos(10)), true, List.of("127.0.0.0/8"));
        final Subscription subscription = ingress.subscribe(feed);
        final IngressServer server = start(feed);

        final SSLSocket socket = ingress.track(TestTls.connect(server.boundPort("nlb"), tls.client(tls.exchange),
            header(PROXY, "203.0.113.7", 51000)));
        send(socket, data("239.1.1.1", 5000, 1, payload(500, 6)));

        assertThat(poll(subscription, 1).get(0).payload()).isEqualTo(payload(500, 6));
        assertThat(server.counters("nlb").connectionsAccepted().get()).isEqualTo(1);

        final Socket outsider = ingress.track(TestTls.connectPlain(server.boundPort("nlb")));
        send(outsider, header(PROXY, "198.51.100.1", 51000));
        assertClosedByRelay(outsider);
        final IngressCounters counters = server.counters("nlb");
        await("refusal counted", () -> counters.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get() == 1);
        assertThat(counters.refusals(RefusalReason.TLS_HANDSHAKE).get()).as("refused once, by the gate").isZero();
        assertThat(counters.connectionsAccepted().get()).isEqualTo(1);
    }

    private static void assertRefused(final IngressServer server, final Socket socket, final RefusalReason reason)
        throws IOException {
        assertClosedByRelay(socket);
        final IngressCounters counters = server.counters("nlb");
        await(reason.reason() + " counted", () -> counters.refusals(reason).get() == 1);
        assertThat(counters.connectionsAccepted().get()).isZero();
        await("connection gone", () -> counters.connectionsCurrent().get() == 0);
    }
}
