package io.mcastrelay.ingress;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;

/**
 * Builds the pipeline of each accepted connection of one feed, in the order the bytes arrive: PROXY v2 header
 * (optional: {@link ProxyHeaderCheck}, Netty's decoder), gate (who may connect), TLS (optional: Netty's
 * {@code SslHandler} from the feed's current context, {@link TlsHandshakeHandler}). Once a connection is admitted,
 * {@link #admit} adds the idle timer (dead peers and the relay's own heartbeats) and the frame handler (decode and
 * publish); the admission handlers have left by then. Runs on the feed's event loop.
 */
final class FeedChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** The relay sends a HEARTBEAT after this much write silence, as the spec asks of senders. */
    static final long HEARTBEAT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final IngressFeed feed;
    private final ConnectionGate gate;
    private final ProxyHeaderCheck proxyCheck;
    private final TlsContextSource tls;
    private final TlsHandshakeHandler tlsHandshake;

    FeedChannelInitializer(final IngressFeed feed, final TlsContextSource tls) {
        this.feed = feed;
        this.gate = new ConnectionGate(feed);
        this.proxyCheck = feed.settings.proxyProtocol() ? new ProxyHeaderCheck(feed) : null;
        this.tls = tls;
        this.tlsHandshake = tls == null ? null : new TlsHandshakeHandler(feed, tls.settings());
    }

    @Override
    protected void initChannel(final SocketChannel channel) {
        if (proxyCheck != null) {
            channel.pipeline()
                .addLast("proxy-check", proxyCheck)
                .addLast("proxy", new HAProxyMessageDecoder());
        }
        channel.pipeline().addLast("gate", gate);
        if (tls != null) {
            channel.pipeline()
                .addLast("tls", tls.newHandler(channel.alloc()))
                .addLast("tls-handshake", tlsHandshake);
        }
    }

    /**
     * Lets a connection in: counts it, adds the idle timer and frame handler behind {@code ctx} and tells them the
     * connection is active.
     *
     * @param feed the feed.
     * @param ctx  the context of the last admission handler, at the end of the pipeline.
     */
    static void admit(final IngressFeed feed, final ChannelHandlerContext ctx) {
        feed.counters.connectionsAccepted().incrementRelease();
        final ChannelHandler[] handlers = FeedPipeline.handlers(feed);
        ctx.pipeline().addLast("idle", handlers[0]).addLast("frames", handlers[1]);
        ctx.fireChannelActive();
    }
}
