package io.mcastrelay.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Real X.509 certificates made in the test: certificate authorities, server and client certificates (valid, expired,
 * from another authority), written as the PEM files the relay reads, and JDK client {@link SSLContext}s that present
 * them. EC P-256 keys, SHA-256 signatures.
 */
public final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private TestCertificates() {
    }

    /** A certificate with its key pair, and the authority that signed it (itself for an authority). */
    public record Issued(X509Certificate certificate, KeyPair keyPair) {
        /**
         * Writes the certificate as PEM, replacing the file in one rename as an operator's tooling would.
         *
         * @param file where.
         * @return the file.
         */
        public Path writeCertificate(final Path file) {
            return writeAtomically(file, pem(certificate));
        }

        /**
         * Writes the private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), in one rename.
         *
         * @param file where.
         * @return the file.
         */
        public Path writeKey(final Path file) {
            return writeAtomically(file, pem(new PemObject("PRIVATE KEY", keyPair.getPrivate().getEncoded())));
        }

        /** @return the SHA-256 of the certificate's DER encoding, hex, as {@code openssl x509 -fingerprint}. */
        public String fingerprint() {
            return fingerprint(certificate);
        }

        /**
         * The fingerprint of any certificate.
         *
         * @param certificate the certificate.
         * @return colon-separated upper-case hex of its SHA-256.
         */
        public static String fingerprint(final X509Certificate certificate) {
            try {
                final byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
                return java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha);
            } catch (final GeneralSecurityException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** A certificate authority that issues certificates. */
    public static final class Authority {
        private final Issued self;

        private Authority(final Issued self) {
            this.self = self;
        }

        /**
         * A new self-signed authority valid from an hour ago for a year.
         *
         * @param commonName its CN.
         * @return the authority.
         */
        public static Authority create(final String commonName) {
            final KeyPair keys = newKeyPair();
            final X500Name name = new X500Name("O=mcast-relay tests,CN=" + commonName);
            final Instant now = Instant.now();
            return new Authority(new Issued(sign(name, keys, name, keys, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(365)), true, new String[0]), keys));
        }

        /** @return the authority's own certificate and keys. */
        public Issued certificate() {
            return self;
        }

        /**
         * Issues a certificate valid from an hour ago for a day.
         *
         * @param commonName the subject's CN (the subject prints as {@code CN=name,O=mcast-relay tests}).
         * @param altNames   subject alternative names: IP addresses as such, anything else as DNS names.
         * @return the certificate with its keys.
         */
        public Issued issue(final String commonName, final String... altNames) {
            final Instant now = Instant.now();
            return issue(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), altNames);
        }

        /**
         * Issues a certificate valid over a given time.
         *
         * @param commonName the subject's CN.
         * @param notBefore  start of validity.
         * @param notAfter   end of validity (in the past for an expired certificate).
         * @param altNames   subject alternative names.
         * @return the certificate with its keys.
         */
        public Issued issue(
            final String commonName, final Instant notBefore, final Instant notAfter, final String... altNames) {
            final KeyPair keys = newKeyPair();
            final X500Name subject = new X500Name("O=mcast-relay tests,CN=" + commonName);
            final X500Name issuer = X500Name.getInstance(self.certificate().getSubjectX500Principal().getEncoded());
            return new Issued(sign(subject, keys, issuer, self.keyPair(), notBefore, notAfter, false, altNames), keys);
        }
    }

    /**
     * A client-side JDK TLS context.
     *
     * @param trusted the authority whose server certificates to trust.
     * @param client  the certificate to present, or null for none.
     * @return the context.
     */
    public static SSLContext clientContext(final Authority trusted, final Issued client) {
        try {
            final KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", trusted.certificate().certificate());
            final TrustManagerFactory trustManagers =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (client != null) {
                final char[] password = "test".toCharArray();
                final KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", client.keyPair().getPrivate(), password,
                    new X509Certificate[] {client.certificate()});
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keys, password);
            }
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                null);
            return context;
        } catch (final GeneralSecurityException | IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static X509Certificate sign(
        final X500Name subject, final KeyPair subjectKeys, final X500Name issuer, final KeyPair issuerKeys,
        final Instant notBefore, final Instant notAfter, final boolean authority, final String[] altNames) {
        try {
            final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            builder.addExtension(Extension.keyUsage, true, authority
                ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (altNames.length > 0) {
                final GeneralName[] names = new GeneralName[altNames.length];
                for (int i = 0; i < altNames.length; i++) {
                    names[i] = isIpAddress(altNames[i]) ? new GeneralName(GeneralName.iPAddress, altNames[i])
                        : new GeneralName(GeneralName.dNSName, altNames[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (final GeneralSecurityException | OperatorCreationException | IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static boolean isIpAddress(final String name) {
        if (!name.matches("[0-9.]+") && !name.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(name) != null;
        } catch (final IOException ex) {
            return false;
        }
    }

    private static String pem(final Object object) {
        final StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return text.toString();
    }

    private static Path writeAtomically(final Path file, final String content) {
        try {
            final Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".new-", ".pem");
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            return Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
