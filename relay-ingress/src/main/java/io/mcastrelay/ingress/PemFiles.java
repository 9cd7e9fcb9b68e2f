package io.mcastrelay.ingress;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.mcastrelay.ingress.TlsContextSource.TlsFileException;

/**
 * Reads the PEM files of a feed's TLS settings with the JDK alone: X.509 certificates and unencrypted PKCS#8 keys,
 * each failure a {@link TlsFileException} naming the setting. Runs at start and on the TLS reload thread.
 */
final class PemFiles {
    private static final String PRIVATE_KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PRIVATE_KEY_END = "-----END PRIVATE KEY-----";

    private PemFiles() {
    }

    static List<X509Certificate> certificates(final Path file, final String setting) {
        final byte[] bytes = read(file, setting);
        final List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (final Certificate certificate : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate)certificate);
            }
        } catch (final CertificateException ex) {
            throw new TlsFileException(setting, file + " holds no readable PEM certificate: " + ex.getMessage(), ex);
        }
        if (certificates.isEmpty()) {
            throw new TlsFileException(setting, file + " holds no PEM certificate");
        }
        return certificates;
    }

    static PrivateKey privateKey(final Path file) {
        final String pem = new String(read(file, "private-key-file"), StandardCharsets.US_ASCII);
        final int begin = pem.indexOf(PRIVATE_KEY_BEGIN);
        final int end = pem.indexOf(PRIVATE_KEY_END);
        if (begin < 0 || end < begin) {
            throw new TlsFileException("private-key-file", file + " holds no unencrypted PKCS#8 key ("
                + PRIVATE_KEY_BEGIN + "); convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        final byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + PRIVATE_KEY_BEGIN.length(), end));
        } catch (final IllegalArgumentException ex) {
            throw new TlsFileException("private-key-file", file + " holds a key that is not valid base64", ex);
        }
        for (final String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (final GeneralSecurityException ex) {
                // try the next algorithm
            }
        }
        throw new TlsFileException("private-key-file", file + " holds a PKCS#8 key of no supported algorithm "
            + "(RSA, EC, Ed25519, Ed448)");
    }

    /** Signs a few bytes with the key and checks them with the certificate, so a wrong key fails at load. */
    static void checkKeyMatches(final PrivateKey key, final X509Certificate certificate, final Path file) {
        final String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            final byte[] probe = "mcast-relay".getBytes(StandardCharsets.US_ASCII);
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (final GeneralSecurityException ex) {
            throw new TlsFileException("private-key-file", file + " does not match the certificate "
                + certificate.getSubjectX500Principal().getName() + ": " + ex.getMessage(), ex);
        }
        throw new TlsFileException("private-key-file", file + " does not match the certificate "
            + certificate.getSubjectX500Principal().getName());
    }

    static byte[] read(final Path file, final String setting) {
        try {
            return Files.readAllBytes(file);
        } catch (final IOException ex) {
            throw new TlsFileException(setting, file + " cannot be read: " + ex, ex);
        }
    }
}
