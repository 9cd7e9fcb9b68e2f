package io.mcastrelay.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.ingress.TlsContextSource;
import io.mcastrelay.ingress.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Maps a feed's TLS properties for {@link RelaySettings}: each bad one stops start-up naming it, including TLS files
 * that do not load (they are loaded here once, as ingress will). The PROXY protocol's rules are {@link FeedSettings}'.
 */
final class FeedSecuritySettings {
    private FeedSecuritySettings() {
    }

    /**
     * The feed's TLS settings.
     *
     * @param tls    what Spring bound.
     * @param prefix {@code relay.feeds[i].tls.}
     * @return the settings, or null if TLS is off.
     * @throws InvalidConfigurationPropertyValueException naming the first bad property.
     */
    static TlsSettings tls(final RelayProperties.Tls tls, final String prefix) {
        if (!tls.enabled()) {
            return null;
        }
        final Path certificate = requiredFile(tls.certificateChainFile(), prefix + "certificate-chain-file");
        final Path key = requiredFile(tls.privateKeyFile(), prefix + "private-key-file");
        final ClientAuth clientAuth = switch (tls.clientAuth().trim().toLowerCase(Locale.ROOT)) {
            case "require" -> ClientAuth.REQUIRE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "none" -> ClientAuth.NONE;
            default -> throw new InvalidConfigurationPropertyValueException(prefix + "client-auth", tls.clientAuth(),
                "must be require, optional or none");
        };
        final List<Path> trusted = new ArrayList<>();
        for (int j = 0; j < tls.trustedCaFiles().size(); j++) {
            trusted.add(requiredFile(tls.trustedCaFiles().get(j), prefix + "trusted-ca-files[" + j + "]"));
        }
        if (clientAuth != ClientAuth.NONE && trusted.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(prefix + "trusted-ca-files", tls.trustedCaFiles(),
                "list the CA files that sign the clients' certificates (client-auth is " + tls.clientAuth() + ")");
        }
        if (tls.protocols().isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(prefix + "protocols", tls.protocols(),
                "must name TLSv1.3, TLSv1.2 or both");
        }
        for (int j = 0; j < tls.protocols().size(); j++) {
            if (!TlsSettings.SUPPORTED_PROTOCOLS.contains(tls.protocols().get(j))) {
                throw new InvalidConfigurationPropertyValueException(prefix + "protocols[" + j + "]",
                    tls.protocols().get(j), "must be TLSv1.3 or TLSv1.2");
            }
        }
        checkAllowedClients(tls, prefix, clientAuth);
        if (tls.reloadInterval().isNegative() || tls.reloadInterval().isZero()) {
            throw new InvalidConfigurationPropertyValueException(prefix + "reload-interval", tls.reloadInterval(),
                "must be positive");
        }
        final TlsSettings settings = new TlsSettings(certificate, key, trusted, clientAuth, tls.protocols(),
            tls.allowedClients(), tls.reloadInterval().toNanos());
        try {
            TlsContextSource.load(settings);
        } catch (final TlsContextSource.TlsFileException ex) {
            throw new InvalidConfigurationPropertyValueException(prefix + ex.setting(), valueOf(tls, ex.setting()),
                ex.getMessage());
        }
        return settings;
    }

    private static void checkAllowedClients(
        final RelayProperties.Tls tls, final String prefix, final ClientAuth clientAuth) {
        for (int j = 0; j < tls.allowedClients().size(); j++) {
            if (clientAuth == ClientAuth.NONE) {
                throw new InvalidConfigurationPropertyValueException(prefix + "allowed-clients[" + j + "]",
                    tls.allowedClients().get(j), "needs client-auth require or optional");
            }
            try {
                TlsSettings.checkClientName(tls.allowedClients().get(j));
            } catch (final IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException(prefix + "allowed-clients[" + j + "]",
                    tls.allowedClients().get(j), ex.getMessage());
            }
        }
    }

    private static Path requiredFile(final String file, final String property) {
        if (file == null || file.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(property, file, "must be set when TLS is enabled");
        }
        return Path.of(file.trim());
    }

    private static Object valueOf(final RelayProperties.Tls tls, final String setting) {
        if (setting.startsWith("trusted-ca-files[")) {
            return tls.trustedCaFiles().get(Integer.parseInt(setting.substring(17, setting.length() - 1)));
        }
        return "private-key-file".equals(setting) ? tls.privateKeyFile() : tls.certificateChainFile();
    }
}
