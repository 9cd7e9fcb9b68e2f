package io.mcastrelay.ingress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.mcastrelay.testing.TestCertificates;
import io.mcastrelay.testing.TestCertificates.Authority;
import io.mcastrelay.testing.TestCertificates.Issued;
import io.mcastrelay.wire.Framing;
import io.netty.handler.ssl.ClientAuth;

/**
 * The certificates of the TLS tests, made once per test class in a temporary directory: the relay's CA and server
 * certificate, a good client, a client of another CA, an expired client and a second good client with another name.
 */
final class TestTls {
    final Path directory;
    final Authority relayCa = Authority.create("relay-ca");
    final Authority rogueCa = Authority.create("rogue-ca");
    final Issued server = relayCa.issue("relay", "127.0.0.1", "localhost");
    final Issued exchange = relayCa.issue("exchange", "exchange.example");
    final Issued other = relayCa.issue("other", "other.example");
    final Issued rogue = rogueCa.issue("exchange", "exchange.example");
    final Issued expired = relayCa.issue("exchange", Instant.now().minusSeconds(7200),
        Instant.now().minusSeconds(3600), "exchange.example");
    final Path certificateFile;
    final Path keyFile;
    final Path caFile;

    TestTls(final Path directory) {
        this.directory = directory;
        certificateFile = server.writeCertificate(directory.resolve("relay.crt"));
        keyFile = server.writeKey(directory.resolve("relay.key"));
        caFile = relayCa.certificate().writeCertificate(directory.resolve("clients-ca.crt"));
    }

    TlsSettings settings(final List<String> allowedClients, final long reloadIntervalNs) {
        return new TlsSettings(certificateFile, keyFile, List.of(caFile), ClientAuth.REQUIRE,
            List.of("TLSv1.3", "TLSv1.2"), allowedClients, reloadIntervalNs);
    }

    static FeedSettings feed(
        final String name, final String allowed, final TlsSettings tls, final boolean proxyProtocol,
        final List<String> proxySources) {
        final FeedSettings plain = TestIngress.feed(name);
        return new FeedSettings(name, "127.0.0.1", 0, Framing.RELAY_V1, plain.destinations(),
            plain.maxPayloadBytes(), List.of(allowed), 4, TimeUnit.SECONDS.toNanos(10), "aeron:ipc",
            plain.streamId(), tls, proxyProtocol, proxySources);
    }

    SSLContext client(final Issued certificate) {
        return TestCertificates.clientContext(relayCa, certificate);
    }

    /**
     * Connects and completes the client's side of the handshake (under TLS 1.3 the server may still refuse after).
     *
     * @param port    the feed's port.
     * @param context the client's TLS context.
     * @param before  bytes to send in clear before the handshake (a PROXY header), or null.
     * @return the TLS socket.
     */
    static SSLSocket connect(final int port, final SSLContext context, final byte[] before) throws IOException {
        final Socket plain = connectPlain(port);
        if (before != null) {
            plain.getOutputStream().write(before);
            plain.getOutputStream().flush();
        }
        final SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        socket.startHandshake();
        return socket;
    }

    static Socket connectPlain(final int port) throws IOException {
        final Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        plain.setTcpNoDelay(true);
        plain.setSoTimeout(5000);
        return plain;
    }

    static X509Certificate serverCertificate(final SSLSocket socket) throws IOException {
        return (X509Certificate)socket.getSession().getPeerCertificates()[0];
    }
}
