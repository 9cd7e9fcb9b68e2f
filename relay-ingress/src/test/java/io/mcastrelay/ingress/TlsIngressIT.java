package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.payload;
import static io.mcastrelay.ingress.TestIngress.assertClosedByRelay;
import static io.mcastrelay.ingress.TestIngress.await;
import static io.mcastrelay.ingress.TestIngress.poll;
import static io.mcastrelay.ingress.TestIngress.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.aeron.Subscription;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.testing.TestCertificates.Issued;
import io.netty.handler.ssl.ClientAuth;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TLS with client certificates on a feed's port, over real loopback sockets with certificates made here. */
@Timeout(30)
class TlsIngressIT {
    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();
    @RegisterExtension
    final TestIngress ingress = new TestIngress(aeron.aeron());
    @TempDir
    Path directory;
    private TestTls tls;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void makeCertificates() {
        tls = new TestTls(directory);
    }

    @AfterEach
    void closeSockets() {
        CloseHelper.quietCloseAll(sockets);
    }

    private SSLSocket connect(final IngressServer server, final SSLContext client) throws IOException {
        final SSLSocket socket = TestTls.connect(server.boundPort("tls"), client, null);
        sockets.add(socket);
        return socket;
    }

    private IngressServer start(final FeedSettings feed) {
        return ingress.start(feed);
    }

    private FeedSettings feed(final List<String> allowedClients, final long reloadIntervalNs) {
        return TestTls.feed("tls", "127.0.0.0/8", tls.settings(allowedClients, reloadIntervalNs), false, List.of());
    }

    @Test
    void shouldRelayFramesOverMutualTls() throws IOException {
        final FeedSettings feed = feed(List.of(), TimeUnit.SECONDS.toNanos(10));
        final Subscription subscription = ingress.subscribe(feed);
        final IngressServer server = start(feed);

        final SSLSocket socket = connect(server, tls.client(tls.exchange));
        send(socket, data("239.1.1.1", 5000, 1, payload(200, 1)));
        send(socket, data("239.1.1.1", 5000, 2, payload(1328, 2)));

        final List<IpcMessage> messages = poll(subscription, 2);
        assertThat(messages.get(0).payload()).isEqualTo(payload(200, 1));
        assertThat(messages.get(1).payload()).isEqualTo(payload(1328, 2));
        assertThat(TestTls.serverCertificate(socket)).isEqualTo(tls.server.certificate());
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        final IngressCounters counters = server.counters("tls");
        assertThat(counters.connectionsAccepted().get()).isEqualTo(1);
        assertThat(counters.refusals(RefusalReason.TLS_HANDSHAKE).get()).isZero();
        assertThat(counters.tlsCertificateNotAfter().get())
            .isEqualTo(tls.server.certificate().getNotAfter().toInstant().getEpochSecond());
    }

    @Test
    void shouldRefuseAClientWithoutACertificate() {
        final IngressServer server = start(feed(List.of(), TimeUnit.SECONDS.toNanos(10)));

        assertRefused(server, tls.client(null), RefusalReason.TLS_HANDSHAKE);
    }

    @Test
    void shouldRefuseAClientCertificateOfAnotherCa() {
        final IngressServer server = start(feed(List.of(), TimeUnit.SECONDS.toNanos(10)));

        assertRefused(server, tls.client(tls.rogue), RefusalReason.TLS_HANDSHAKE);
    }

    @Test
    void shouldRefuseAnExpiredClientCertificate() {
        final IngressServer server = start(feed(List.of(), TimeUnit.SECONDS.toNanos(10)));

        assertRefused(server, tls.client(tls.expired), RefusalReason.TLS_HANDSHAKE);
    }

    @Test
    void shouldRefuseATrustedClientWhoseNamesAreNotAllowed() throws IOException {
        final FeedSettings feed = feed(List.of("CN=exchange, O=mcast-relay tests", "backup.example"),
            TimeUnit.SECONDS.toNanos(10));
        final Subscription subscription = ingress.subscribe(feed);
        final IngressServer server = start(feed);

        assertRefused(server, tls.client(tls.other), RefusalReason.TLS_CLIENT_NOT_ALLOWED);
        final SSLSocket allowed = connect(server, tls.client(tls.exchange));
        send(allowed, data("239.1.1.1", 5000, 1, payload(20, 3)));
        assertThat(poll(subscription, 1).get(0).payload()).isEqualTo(payload(20, 3));
    }

    @Test
    void shouldRefuseAClientThatOnlySpeaksAProtocolTheFeedDoesNotAllow() throws IOException {
        final TlsSettings only13 = new TlsSettings(tls.certificateFile, tls.keyFile, List.of(tls.caFile),
            ClientAuth.REQUIRE, List.of("TLSv1.3"), List.of(), TimeUnit.SECONDS.toNanos(10));
        final IngressServer server = start(TestTls.feed("tls", "127.0.0.0/8", only13, false, List.of()));
        final Socket plain = ingress.connect("tls");
        final SSLSocket socket = (SSLSocket)tls.client(tls.exchange).getSocketFactory()
            .createSocket(plain, "127.0.0.1", server.boundPort("tls"), true);
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});

        assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);

        final IngressCounters counters = server.counters("tls");
        await("refusal counted", () -> counters.refusals(RefusalReason.TLS_HANDSHAKE).get() == 1);
        assertThat(counters.connectionsAccepted().get()).isZero();
    }

    @Test
    void shouldRefuseAndCountAPlainTcpClient() throws IOException {
        final IngressServer server = start(feed(List.of(), TimeUnit.SECONDS.toNanos(10)));
        final Socket plain = ingress.connect("tls");

        send(plain, data("239.1.1.1", 5000, 1, payload(300, 4)));

        assertClosedByRelay(plain);
        final IngressCounters counters = server.counters("tls");
        await("refusal counted", () -> counters.refusals(RefusalReason.TLS_HANDSHAKE).get() == 1);
        assertThat(counters.connectionsAccepted().get()).isZero();
        await("connection gone", () -> counters.connectionsCurrent().get() == 0);
    }

    @Test
    void shouldServeANewCertificateToNewConnectionsWhileAnOpenOneKeepsFlowing() throws IOException {
        final FeedSettings feed = feed(List.of(), TimeUnit.MILLISECONDS.toNanos(200));
        final Subscription subscription = ingress.subscribe(feed);
        final IngressServer server = start(feed);
        final SSLSocket before = connect(server, tls.client(tls.exchange));
        send(before, data("239.1.1.1", 5000, 1, payload(64, 5)));
        assertThat(poll(subscription, 1)).hasSize(1);
        assertThat(Issued.fingerprint(TestTls.serverCertificate(before))).isEqualTo(tls.server.fingerprint());

        final Issued renewed = tls.relayCa.issue("relay", "127.0.0.1", "localhost");
        renewed.writeKey(tls.keyFile);
        renewed.writeCertificate(tls.certificateFile);

        final IngressCounters counters = server.counters("tls");
        await("reloaded within the interval", () -> counters.tlsReloads().get() >= 1);
        assertThat(counters.tlsCertificateNotAfter().get())
            .isEqualTo(renewed.certificate().getNotAfter().toInstant().getEpochSecond());
        final SSLSocket after = connect(server, tls.client(tls.exchange));
        assertThat(Issued.fingerprint(TestTls.serverCertificate(after))).isEqualTo(renewed.fingerprint())
            .isNotEqualTo(tls.server.fingerprint());
        send(before, data("239.1.1.1", 5000, 2, payload(64, 6)));
        send(after, data("239.1.1.1", 5000, 1, payload(64, 7)));
        assertThat(poll(subscription, 2)).extracting(IpcMessage::payload)
            .containsExactlyInAnyOrder(payload(64, 6), payload(64, 7));
        assertThat(counters.connectionsCurrent().get()).isEqualTo(2);
    }

    @Test
    void shouldKeepTheOldCertificateWhenTheNewFileIsBad() throws IOException {
        final FeedSettings feed = feed(List.of(), TimeUnit.MILLISECONDS.toNanos(200));
        final Subscription subscription = ingress.subscribe(feed);
        final IngressServer server = start(feed);

        Files.writeString(tls.certificateFile, "-----BEGIN CERTIFICATE-----\nbroken\n", StandardCharsets.US_ASCII);

        final IngressCounters counters = server.counters("tls");
        await("bad file counted", () -> counters.tlsReloadFailures().get() == 1);
        final SSLSocket socket = connect(server, tls.client(tls.exchange));
        assertThat(Issued.fingerprint(TestTls.serverCertificate(socket))).isEqualTo(tls.server.fingerprint());
        send(socket, data("239.1.1.1", 5000, 1, payload(64, 8)));
        assertThat(poll(subscription, 1)).hasSize(1);
        assertThat(counters.tlsReloads().get()).isZero();
    }

    @Test
    void shouldCountAMissingFileOnceAndLoadItWhenItIsBack() throws IOException {
        final IngressServer server = start(feed(List.of(), TimeUnit.HOURS.toNanos(1)));
        final TlsContextSource source = server.tls("tls");
        final IngressCounters counters = server.counters("tls");
        assertThat(source.reloadIfChanged()).as("nothing changed").isFalse();

        Files.delete(tls.keyFile);
        assertThat(source.reloadIfChanged()).isFalse();
        assertThat(source.reloadIfChanged()).isFalse();
        assertThat(counters.tlsReloadFailures().get()).as("counted once while it stays missing").isEqualTo(1);

        final Issued renewed = tls.relayCa.issue("relay", "127.0.0.1");
        renewed.writeCertificate(tls.certificateFile);
        renewed.writeKey(tls.keyFile);
        assertThat(source.reloadIfChanged()).isTrue();
        assertThat(counters.tlsReloads().get()).isEqualTo(1);
        final SSLSocket socket = connect(server, tls.client(tls.exchange));
        assertThat(Issued.fingerprint(TestTls.serverCertificate(socket))).isEqualTo(renewed.fingerprint());
    }

    @Test
    void shouldNotStartWithAPrivateKeyThatDoesNotMatchTheCertificate() {
        tls.other.writeKey(tls.keyFile);
        final FeedSettings feed = feed(List.of(), TimeUnit.SECONDS.toNanos(10));

        assertThatThrownBy(() -> start(feed))
            .isInstanceOfSatisfying(TlsContextSource.TlsFileException.class,
                ex -> assertThat(ex.setting()).isEqualTo("private-key-file"))
            .hasMessageContaining("does not match the certificate CN=relay");
    }

    private void assertRefused(final IngressServer server, final SSLContext client, final RefusalReason reason) {
        final IngressCounters counters = server.counters("tls");
        try {
            final SSLSocket socket = connect(server, client);
            // Under TLS 1.3 the client is done before the server has checked its certificate: the refusal shows on
            // the first read.
            assertClosedByRelay(socket);
        } catch (final IOException expected) {
            // refused during the client's side of the handshake
        }
        await(reason.reason() + " counted", () -> counters.refusals(reason).get() == 1);
        assertThat(counters.connectionsAccepted().get()).isZero();
        await("connection gone", () -> counters.connectionsCurrent().get() == 0);
    }
}
