package io.mcastrelay.ingress;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits behind the {@link SslHandler} until the handshake ends: a failed one (no or untrusted client certificate,
 * plain TCP, wrong protocol, timeout) is refused as {@link RefusalReason#TLS_HANDSHAKE}, a client outside the feed's
 * allowed clients as {@link RefusalReason#TLS_CLIENT_NOT_ALLOWED}; a good one is admitted and this handler leaves
 * the pipeline. Holds back {@code channelActive} meanwhile, so the frame handler starts only on a verified session.
 *
 * <p>One instance per feed, shared by its connections; runs on the feed's event loop only.
 */
@ChannelHandler.Sharable
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);
    private static final int MAX_DETAIL_CHARS = 120;

    private final IngressFeed feed;
    private final TlsSettings settings;

    TlsHandshakeHandler(final IngressFeed feed, final TlsSettings settings) {
        this.feed = feed;
        this.settings = settings;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        // The gate let the connection through; it is admitted when the handshake succeeds.
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) {
        if (!(event instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (!done.isSuccess()) {
            ConnectionGate.refuse(feed, ctx, RefusalReason.TLS_HANDSHAKE, String.valueOf(rootMessage(done.cause())));
            return;
        }
        final SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
        final X509Certificate client = clientCertificate(session);
        if (!settings.allowsClient(client)) {
            ConnectionGate.refuse(feed, ctx, RefusalReason.TLS_CLIENT_NOT_ALLOWED, "client certificate "
                + (client == null ? "absent" : client.getSubjectX500Principal().getName()) + " is not allowed");
            return;
        }
        LOG.info("feed={} remote={} TLS {} {}, client {}", feed.name(), ConnectionGate.remote(ctx.channel()),
            session.getProtocol(), session.getCipherSuite(),
            client == null ? "without certificate" : client.getSubjectX500Principal().getName());
        FeedChannelInitializer.admit(feed, ctx);
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        // The SslHandler also reports the failure as the handshake event, which counts and logs it once.
        LOG.debug("feed={} remote={} TLS error during the handshake: {}", feed.name(),
            ConnectionGate.remote(ctx.channel()), cause.toString());
        ctx.close();
    }

    private static X509Certificate clientCertificate(final SSLSession session) {
        try {
            final Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (final SSLPeerUnverifiedException ex) {
            return null;
        }
    }

    private static String rootMessage(final Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        final String message = root.getMessage() != null ? root.getMessage() : root.toString();
        // "not an SSL/TLS record" carries the whole record in hex: the start says enough.
        return message.length() > MAX_DETAIL_CHARS ? message.substring(0, MAX_DETAIL_CHARS) + "..." : message;
    }
}
