package io.mcastrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.testing.TestCertificates.Authority;
import io.mcastrelay.testing.TestCertificates.Issued;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class TlsSettingsTest {
    private static final Path CERT = Path.of("relay.crt");
    private static final Path KEY = Path.of("relay.key");
    private static final List<Path> CA = List.of(Path.of("ca.crt"));
    private static final List<String> BOTH = List.of("TLSv1.3", "TLSv1.2");
    private static final long RELOAD_NS = TimeUnit.SECONDS.toNanos(10);

    private static TlsSettings allowing(final String... clients) {
        return new TlsSettings(CERT, KEY, CA, ClientAuth.REQUIRE, BOTH, List.of(clients), RELOAD_NS);
    }

    @Test
    void shouldRejectEachBadField() {
        assertThatThrownBy(() -> new TlsSettings(null, KEY, CA, ClientAuth.REQUIRE, BOTH, List.of(), RELOAD_NS))
            .hasMessageContaining("certificate chain file and a private key file");
        assertThatThrownBy(() -> new TlsSettings(CERT, KEY, List.of(), ClientAuth.REQUIRE, BOTH, List.of(),
            RELOAD_NS)).hasMessageContaining("client auth require needs trusted CA files");
        assertThatThrownBy(() -> new TlsSettings(CERT, KEY, CA, ClientAuth.REQUIRE, List.of("TLSv1.1"), List.of(),
            RELOAD_NS)).hasMessageContaining("TLS protocols [TLSv1.1] must be one or both of");
        assertThatThrownBy(() -> new TlsSettings(CERT, KEY, CA, ClientAuth.REQUIRE, List.of(), List.of(),
            RELOAD_NS)).hasMessageContaining("TLS protocols [] must be");
        assertThatThrownBy(() -> new TlsSettings(CERT, KEY, List.of(), ClientAuth.NONE, BOTH, List.of("a.example"),
            RELOAD_NS)).hasMessageContaining("allowed clients need client auth require or optional");
        assertThatThrownBy(() -> allowing("CN=a,=b")).hasMessageContaining("is not a distinguished name");
        assertThatThrownBy(() -> allowing(" ")).hasMessageContaining("allowed client must not be blank");
        assertThatThrownBy(() -> new TlsSettings(CERT, KEY, CA, ClientAuth.REQUIRE, BOTH, List.of(), 0))
            .hasMessageContaining("reload interval must be positive");
    }

    @Test
    void shouldAcceptPlainTlsWithoutClientCertificates() {
        final TlsSettings settings = new TlsSettings(CERT, KEY, null, ClientAuth.NONE, List.of("TLSv1.3"), null,
            RELOAD_NS);

        assertThat(settings.trustedCaFiles()).isEmpty();
        assertThat(settings.allowsClient(null)).isTrue();
    }

    @Test
    void shouldAllowClientsBySubjectOrAlternativeName() {
        final Authority ca = Authority.create("ca");
        final Issued exchange = ca.issue("exchange", "feed.exchange.example", "192.0.2.10");
        final Issued backup = ca.issue("backup", "backup.exchange.example");

        assertThat(allowing("cn=exchange, o=mcast-relay tests").allowsClient(exchange.certificate())).isTrue();
        assertThat(allowing("FEED.exchange.example").allowsClient(exchange.certificate())).isTrue();
        assertThat(allowing("192.0.2.10").allowsClient(exchange.certificate())).isTrue();
        assertThat(allowing("CN=exchange,O=mcast-relay tests").allowsClient(backup.certificate())).isFalse();
        assertThat(allowing("feed.exchange.example", "192.0.2.10").allowsClient(backup.certificate())).isFalse();
        assertThat(allowing("exchange").allowsClient(exchange.certificate()))
            .as("a bare CN is no alternative name").isFalse();
        assertThat(allowing("feed.exchange.example").allowsClient(null)).isFalse();
        assertThat(allowing().allowsClient(backup.certificate())).isTrue();
    }

    @Test
    void shouldNeedProxySourcesWithTheProxyProtocolAndCheckThem() {
        final List<Destination> destinations = List.of(Destination.parse("239.1.1.1:5000"));

        assertThatThrownBy(() -> new FeedSettings("nlb", "0.0.0.0", 0, Framing.RELAY_V1, destinations, 1328,
            List.of("0.0.0.0/0"), 4, RELOAD_NS, "aeron:ipc", 1, null, true, List.of()))
            .hasMessage("feed 'nlb': proxy sources must not be empty with the PROXY protocol on (list the load "
                + "balancer's subnets)");
        assertThatThrownBy(() -> new FeedSettings("nlb", "0.0.0.0", 0, Framing.RELAY_V1, destinations, 1328,
            List.of("0.0.0.0/0"), 4, RELOAD_NS, "aeron:ipc", 1, null, true, List.of("10.0.0.0/33")))
            .hasMessageContaining("feed 'nlb': proxy source '10.0.0.0/33' is not a CIDR");
        final FeedSettings off = new FeedSettings("nlb", "0.0.0.0", 0, Framing.RELAY_V1, destinations, 1328,
            List.of("0.0.0.0/0"), 4, RELOAD_NS, "aeron:ipc", 1);
        assertThat(off.proxyProtocol()).isFalse();
        assertThat(off.tls()).isNull();
        assertThat(off.proxySourceRules()).isEmpty();
    }
}
