package io.mcastrelay.ingress;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of one feed, loaded from its files at start and swapped whenever they change: new connections
 * get the new certificate, open ones keep the session they have. A change that does not load is logged, counted
 * and ignored, and the old context stays.
 *
 * <p>Threads: constructed on the starting thread; {@link #reloadIfChanged()} runs on the relay's one TLS reload
 * thread; {@link #newHandler} runs on the feed's event loop and only reads a volatile field.
 */
public final class TlsContextSource {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContextSource.class);

    private final String feed;
    private final TlsSettings settings;
    private final long handshakeTimeoutNs;
    private final AtomicCounter reloads;
    private final AtomicCounter reloadFailures;
    private final AtomicCounter notAfter;
    private volatile SslContext context;
    /** Reload thread: the digest of the files as last read, loaded or not. */
    private byte[] digest;

    /**
     * Loads the files.
     *
     * @param feed               the feed's name, for logs.
     * @param settings           the feed's TLS settings.
     * @param handshakeTimeoutNs how long a client may take to finish its handshake.
     * @param counters           the feed's counters, for reloads.
     * @throws TlsFileException naming the file that does not load.
     */
    TlsContextSource(
        final String feed, final TlsSettings settings, final long handshakeTimeoutNs, final IngressCounters counters) {
        this.feed = feed;
        this.settings = settings;
        this.handshakeTimeoutNs = handshakeTimeoutNs;
        this.reloads = counters.tlsReloads();
        this.reloadFailures = counters.tlsReloadFailures();
        this.notAfter = counters.tlsCertificateNotAfter();
        this.digest = digest(settings);
        final Loaded loaded = loadFiles(settings);
        this.context = loaded.context();
        LOG.info("feed={} TLS on: {}", feed, describe(loaded.leaf()));
    }

    /** @return the feed's TLS settings. */
    TlsSettings settings() {
        return settings;
    }

    /**
     * A handler for one new connection, from the context in force now.
     *
     * @param alloc the channel's allocator.
     * @return a server-side handler with the feed's handshake timeout.
     */
    SslHandler newHandler(final ByteBufAllocator alloc) {
        final SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeout(handshakeTimeoutNs, TimeUnit.NANOSECONDS);
        return handler;
    }

    /**
     * Reads the files and, if their content changed since the last look, loads them and swaps the context.
     *
     * @return true if a new context is in force.
     */
    public boolean reloadIfChanged() {
        final byte[] current;
        try {
            current = digest(settings);
        } catch (final TlsFileException ex) {
            if (digest != null) {
                digest = null;
                reloadFailures.incrementRelease();
                LOG.warn("feed={} TLS files not reloaded, the previous certificate stays in use: {}", feed,
                    ex.getMessage());
            }
            return false;
        }
        if (Arrays.equals(current, digest)) {
            return false;
        }
        digest = current;
        final Loaded loaded;
        try {
            loaded = loadFiles(settings);
        } catch (final TlsFileException ex) {
            reloadFailures.incrementRelease();
            LOG.warn("feed={} TLS files changed but do not load, the previous certificate stays in use: {}", feed,
                ex.getMessage());
            return false;
        }
        context = loaded.context();
        final String description = describe(loaded.leaf());
        reloads.incrementRelease();
        LOG.info("feed={} TLS files reloaded, new connections get: {}", feed, description);
        return true;
    }

    /**
     * Loads a feed's TLS files into a server context, as at start.
     *
     * @param settings the feed's TLS settings.
     * @return the context.
     * @throws TlsFileException naming the setting whose file does not load, or that does not fit the others.
     */
    public static SslContext load(final TlsSettings settings) {
        return loadFiles(settings).context();
    }

    /** A context and the certificate it serves. */
    private record Loaded(SslContext context, X509Certificate leaf) {
    }

    private static Loaded loadFiles(final TlsSettings settings) {
        final List<X509Certificate> chain =
            PemFiles.certificates(settings.certificateChainFile(), "certificate-chain-file");
        final PrivateKey key = PemFiles.privateKey(settings.privateKeyFile());
        PemFiles.checkKeyMatches(key, chain.get(0), settings.privateKeyFile());
        final List<X509Certificate> trusted = new ArrayList<>();
        for (int i = 0; i < settings.trustedCaFiles().size(); i++) {
            trusted.addAll(PemFiles.certificates(settings.trustedCaFiles().get(i), "trusted-ca-files[" + i + "]"));
        }
        try {
            final SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                .clientAuth(settings.clientAuth())
                .protocols(settings.protocols());
            if (!trusted.isEmpty()) {
                builder.trustManager(trusted.toArray(new X509Certificate[0]));
            }
            return new Loaded(builder.build(), chain.get(0));
        } catch (final SSLException | RuntimeException ex) {
            throw new TlsFileException("certificate-chain-file", settings.certificateChainFile()
                + " with " + settings.privateKeyFile() + " does not make a TLS context: " + ex.getMessage(), ex);
        }
    }

    /**
     * The SHA-256 fingerprint of a certificate, as {@code openssl x509 -fingerprint -sha256} prints it.
     *
     * @param certificate the certificate.
     * @return colon-separated upper-case hex.
     */
    public static String fingerprint(final X509Certificate certificate) {
        try {
            final byte[] sha = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha);
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Describes the certificate now in force for the log, and records when it expires. */
    private String describe(final X509Certificate leaf) {
        notAfter.setRelease(leaf.getNotAfter().toInstant().getEpochSecond());
        return "certificate " + leaf.getSubjectX500Principal().getName() + " SHA-256 " + fingerprint(leaf)
            + " valid until " + leaf.getNotAfter().toInstant() + ", client auth " + settings.clientAuth()
            + ", protocols " + settings.protocols();
    }

    private static byte[] digest(final TlsSettings settings) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(PemFiles.read(settings.certificateChainFile(), "certificate-chain-file"));
            sha.update(PemFiles.read(settings.privateKeyFile(), "private-key-file"));
            for (int i = 0; i < settings.trustedCaFiles().size(); i++) {
                sha.update(PemFiles.read(settings.trustedCaFiles().get(i), "trusted-ca-files[" + i + "]"));
            }
            return sha.digest();
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A TLS file that does not load, with the setting (relative to the feed's {@code tls.}) that names it. */
    public static final class TlsFileException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String setting;

        TlsFileException(final String setting, final String message) {
            super(message);
            this.setting = setting;
        }

        TlsFileException(final String setting, final String message, final Throwable cause) {
            super(message, cause);
            this.setting = setting;
        }

        /** @return for example {@code private-key-file} or {@code trusted-ca-files[1]}. */
        public String setting() {
            return setting;
        }
    }
}
