package io.mcastrelay.ingress;

import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import io.netty.handler.ssl.ClientAuth;

/**
 * TLS on one feed's port: the relay's certificate, whom it trusts for client certificates and which clients it lets
 * in. Immutable; checked in the constructor. The files are read by {@link TlsContextSource}, at start and whenever
 * they change.
 *
 * @param certificateChainFile PEM file: the relay's certificate first, then any intermediates.
 * @param privateKeyFile       PEM file: the certificate's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}).
 * @param trustedCaFiles       PEM files of the CAs whose client certificates are trusted; needed unless
 *                             {@code clientAuth} is {@link ClientAuth#NONE}.
 * @param clientAuth           whether a client certificate is required (the default), optional or not asked for.
 * @param protocols            TLS versions accepted: {@code TLSv1.3} and/or {@code TLSv1.2}.
 * @param allowedClients       if not empty, the client certificate must carry one of these: a subject distinguished
 *                             name ({@code CN=exchange,O=Example}, compared as X.500 names) or a subject alternative
 *                             name (DNS name, IP address, URI or e-mail, compared ignoring case).
 * @param reloadIntervalNs     how often the files are checked for changes.
 */
public record TlsSettings(
    Path certificateChainFile,
    Path privateKeyFile,
    List<Path> trustedCaFiles,
    ClientAuth clientAuth,
    List<String> protocols,
    List<String> allowedClients,
    long reloadIntervalNs) {

    /** The TLS versions the relay can speak. */
    public static final Set<String> SUPPORTED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the field.
     */
    public TlsSettings {
        if (certificateChainFile == null || privateKeyFile == null) {
            throw new IllegalArgumentException("TLS needs a certificate chain file and a private key file");
        }
        trustedCaFiles = List.copyOf(trustedCaFiles == null ? List.of() : trustedCaFiles);
        if (clientAuth == null) {
            throw new IllegalArgumentException("TLS client auth must be set (require, optional or none)");
        }
        if (clientAuth != ClientAuth.NONE && trustedCaFiles.isEmpty()) {
            throw new IllegalArgumentException("TLS client auth " + clientAuth.name().toLowerCase(Locale.ROOT)
                + " needs trusted CA files for the client certificates");
        }
        protocols = List.copyOf(protocols == null ? List.of() : protocols);
        if (protocols.isEmpty() || !SUPPORTED_PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("TLS protocols " + protocols + " must be one or both of "
                + SUPPORTED_PROTOCOLS);
        }
        allowedClients = List.copyOf(allowedClients == null ? List.of() : allowedClients);
        if (!allowedClients.isEmpty() && clientAuth == ClientAuth.NONE) {
            throw new IllegalArgumentException("TLS allowed clients need client auth require or optional");
        }
        for (final String client : allowedClients) {
            checkClientName(client);
        }
        if (reloadIntervalNs <= 0) {
            throw new IllegalArgumentException("TLS reload interval must be positive");
        }
    }

    /**
     * Checks one entry of the allowed clients.
     *
     * @param client a distinguished name or a subject alternative name.
     * @throws IllegalArgumentException if it is blank or a distinguished name that does not parse.
     */
    public static void checkClientName(final String client) {
        if (client == null || client.isBlank()) {
            throw new IllegalArgumentException("TLS allowed client must not be blank");
        }
        if (client.indexOf('=') > 0) {
            try {
                new X500Principal(client);
            } catch (final IllegalArgumentException ex) {
                throw new IllegalArgumentException("TLS allowed client '" + client
                    + "' is not a distinguished name such as CN=exchange,O=Example: " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * Whether a client's certificate is let in by {@link #allowedClients()}. Runs once per handshake.
     *
     * @param certificate the client's certificate, null if it sent none.
     * @return true if the list is empty, or the certificate's subject or one of its alternative names is on it.
     */
    public boolean allowsClient(final X509Certificate certificate) {
        if (allowedClients.isEmpty()) {
            return true;
        }
        if (certificate == null) {
            return false;
        }
        for (final String client : allowedClients) {
            if (client.indexOf('=') > 0) {
                if (new X500Principal(client).equals(certificate.getSubjectX500Principal())) {
                    return true;
                }
            } else if (hasAlternativeName(certificate, client)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAlternativeName(final X509Certificate certificate, final String name) {
        final Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (final CertificateParsingException ex) {
            return false;
        }
        if (names == null) {
            return false;
        }
        for (final List<?> entry : names) {
            if (entry.size() >= 2 && entry.get(1) instanceof String value && value.equalsIgnoreCase(name.trim())) {
                return true;
            }
        }
        return false;
    }
}
