package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.testing.TestCertificates.Authority;
import io.mcastrelay.testing.TestCertificates.Issued;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.mock.env.MockEnvironment;

/**
 * One failing context per bad TLS or PROXY protocol setting, in the manner of {@link RelayStartupErrorsTest}: the
 * settings start from a valid feed with mutual TLS and the PROXY protocol on, with certificate files made here.
 */
@Timeout(30)
class FeedSecurityStartupErrorsTest {
    @TempDir
    static Path directory;
    private static String certificate;
    private static String key;
    private static String ca;
    private static String otherKey;
    private static String garbage;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
        .withUserConfiguration(RelayConfiguration.class);

    @BeforeAll
    static void makeCertificates() throws IOException {
        final Authority relayCa = Authority.create("relay-ca");
        final Issued server = relayCa.issue("relay", "127.0.0.1");
        certificate = server.writeCertificate(directory.resolve("relay.crt")).toString();
        key = server.writeKey(directory.resolve("relay.key")).toString();
        ca = relayCa.certificate().writeCertificate(directory.resolve("ca.crt")).toString();
        otherKey = relayCa.issue("other").writeKey(directory.resolve("other.key")).toString();
        garbage = Files.writeString(directory.resolve("garbage.pem"), "not a PEM file\n").toString();
    }

    private static Map<String, String> valid() {
        final Map<String, String> values = new HashMap<>();
        values.put("relay.aeron.directory", "/tmp/relay-startup-errors-unused");
        values.put("relay.feeds[0].name", "secure");
        values.put("relay.feeds[0].port", "16668");
        values.put("relay.feeds[0].destinations[0]", "239.255.6.1:6200");
        values.put("relay.feeds[0].tls.enabled", "true");
        values.put("relay.feeds[0].tls.certificate-chain-file", certificate);
        values.put("relay.feeds[0].tls.private-key-file", key);
        values.put("relay.feeds[0].tls.trusted-ca-files[0]", ca);
        values.put("relay.feeds[0].proxy-protocol", "true");
        values.put("relay.feeds[0].proxy-sources[0]", "10.0.1.0/24");
        return values;
    }

    private static String[] with(final String property, final String value) {
        final Map<String, String> values = valid();
        values.remove(property);
        if (value != null) {
            values.put(property, value.replace("$KEY_OF_ANOTHER", otherKey).replace("$GARBAGE", garbage)
                .replace("$DIR", directory.toString()));
        }
        final List<String> properties = new ArrayList<>();
        values.forEach((name, text) -> properties.add(name + "=" + text));
        return properties.toArray(new String[0]);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "<unset>", value = {
        "relay.feeds[0].tls.certificate-chain-file | <unset>         | must be set when TLS is enabled",
        "relay.feeds[0].tls.private-key-file       | ' '             | must be set when TLS is enabled",
        "relay.feeds[0].tls.certificate-chain-file | $DIR/none.crt   | cannot be read",
        "relay.feeds[0].tls.certificate-chain-file | $GARBAGE        | holds no readable PEM certificate",
        "relay.feeds[0].tls.private-key-file       | $GARBAGE        | holds no unencrypted PKCS#8 key",
        "relay.feeds[0].tls.private-key-file       | $KEY_OF_ANOTHER | does not match the certificate CN=relay",
        "relay.feeds[0].tls.trusted-ca-files[0]    | $GARBAGE        | holds no readable PEM certificate",
        "relay.feeds[0].tls.trusted-ca-files[0]    | $DIR/none.crt   | cannot be read",
        "relay.feeds[0].tls.trusted-ca-files       | <unset>         | list the CA files",
        "relay.feeds[0].tls.client-auth            | maybe           | must be require, optional or none",
        "relay.feeds[0].tls.protocols[0]           | TLSv1.1         | must be TLSv1.3 or TLSv1.2",
        "relay.feeds[0].tls.allowed-clients[0]     | 'CN=a,=b'       | is not a distinguished name",
        "relay.feeds[0].tls.reload-interval        | 0s              | must be positive",
        "relay.feeds[0].proxy-sources              | <unset>         | list the load balancer's subnets",
        "relay.feeds[0].proxy-sources[0]           | 10.0.1.0/33     | proxy source '10.0.1.0/33' is not a CIDR",
    })
    void shouldStopStartUpNamingTheBadSetting(final String property, final String value, final String reason) {
        final String[] properties = with(property.endsWith("s") && value == null
            ? property + "[0]" : property, value);
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            Throwable cause = context.getStartupFailure();
            while (cause != null && !(cause instanceof InvalidConfigurationPropertyValueException)) {
                cause = cause.getCause();
            }
            assertThat(cause).as("failure names the property").isNotNull();
            final var invalid = (InvalidConfigurationPropertyValueException)cause;
            assertThat(invalid.getName()).isEqualTo(property);
            assertThat(invalid.getReason()).contains(reason);
        });
    }

    @Test
    void shouldStopStartUpOnAllowedClientsWithoutClientAuth() {
        final String[] properties = with("relay.feeds[0].tls.client-auth", "none");
        final String[] more = new String[properties.length + 1];
        System.arraycopy(properties, 0, more, 0, properties.length);
        more[properties.length] = "relay.feeds[0].tls.allowed-clients[0]=exchange.example";
        runner.withPropertyValues(more).run(context -> {
            Throwable cause = context.getStartupFailure();
            while (cause != null && !(cause instanceof InvalidConfigurationPropertyValueException)) {
                cause = cause.getCause();
            }
            assertThat(((InvalidConfigurationPropertyValueException)cause).getName())
                .isEqualTo("relay.feeds[0].tls.allowed-clients[0]");
        });
    }

    @Test
    void shouldMapValidSettingsOntoTheFeed() {
        final Map<String, String> values = valid();
        values.put("relay.feeds[0].tls.allowed-clients[0]", "CN=exchange,O=Example");
        final RelayProperties properties = new Binder(new MapConfigurationPropertySource(values))
            .bind("relay", RelayProperties.class).get();

        final FeedSettings feed = RelaySettings.from(properties, new MockEnvironment()).feeds().get(0);

        assertThat(feed.proxyProtocol()).isTrue();
        assertThat(feed.proxySources()).containsExactly("10.0.1.0/24");
        assertThat(feed.tls().clientAuth()).isEqualTo(ClientAuth.REQUIRE);
        assertThat(feed.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(feed.tls().reloadIntervalNs()).isEqualTo(10_000_000_000L);
        assertThat(feed.tls().trustedCaFiles()).containsExactly(Path.of(ca));
        assertThat(feed.tls().allowedClients()).containsExactly("CN=exchange,O=Example");
    }

    @Test
    void shouldLeaveTlsAndTheProxyProtocolOffByDefault() {
        final Map<String, String> values = valid();
        values.keySet().removeIf(name -> name.contains(".tls.") || name.contains(".proxy-"));
        final RelayProperties properties = new Binder(new MapConfigurationPropertySource(values))
            .bind("relay", RelayProperties.class).get();

        final FeedSettings feed = RelaySettings.from(properties, new MockEnvironment()).feeds().get(0);

        assertThat(feed.tls()).isNull();
        assertThat(feed.proxyProtocol()).isFalse();
    }
}
