package io.mcastrelay.ingress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who may connect. On accept it refuses connections during shutdown, peers outside the feed's CIDRs (with
 * the PROXY protocol: outside its proxy sources) and connections over the feed's maximum; with the PROXY protocol it
 * then waits for the header and checks the source address in it (the exchange's own) against the allowed sources.
 * A connection that passes goes on to the TLS handshake ({@link TlsHandshakeHandler}) or straight to
 * {@link FeedChannelInitializer#admit}; the gate then leaves its pipeline. Every refusal is counted by reason and
 * logged once.
 *
 * <p>One instance per feed, shared by its connections (their state lives in channel attributes); runs on the
 * feed's event loop only.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);
    /** The exchange's address taken from the PROXY header; absent without the PROXY protocol. */
    private static final AttributeKey<InetSocketAddress> PROXIED_SOURCE = AttributeKey.valueOf("relay.proxied.source");
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("relay.refused");

    private final IngressFeed feed;
    private final IpSubnetFilterRule[] rules;
    private final IpSubnetFilterRule[] proxyRules;
    private final boolean proxyProtocol;
    private final boolean tls;
    private final ChannelFutureListener onClose = future -> closed();

    ConnectionGate(final IngressFeed feed) {
        this.feed = feed;
        this.rules = feed.settings.sourceRules();
        this.proxyRules = feed.settings.proxySourceRules();
        this.proxyProtocol = feed.settings.proxyProtocol();
        this.tls = feed.settings.tls() != null;
    }

    /**
     * The peer to name in logs: the exchange's address from the PROXY header if there was one, else the TCP peer.
     *
     * @param channel a connection.
     * @return its remote address.
     */
    static SocketAddress remote(final Channel channel) {
        final InetSocketAddress proxied = channel.attr(PROXIED_SOURCE).get();
        return proxied != null ? proxied : channel.remoteAddress();
    }

    /**
     * Counts, logs (once) and closes a connection that is not let in. Later calls for the same connection do nothing.
     *
     * @param feed   the feed.
     * @param ctx    any context of the connection.
     * @param reason why.
     * @param detail what exactly, for the log; may be empty.
     */
    static void refuse(
        final IngressFeed feed, final ChannelHandlerContext ctx, final RefusalReason reason, final String detail) {
        final Channel channel = ctx.channel();
        if (channel.attr(REFUSED).setIfAbsent(Boolean.TRUE) != null) {
            return;
        }
        feed.counters.refusals(reason).incrementRelease();
        final String via = channel.attr(PROXIED_SOURCE).get() != null ? " via=" + channel.remoteAddress() : "";
        if (reason == RefusalReason.PROXY_LOCAL) {
            LOG.debug("feed={} remote={} closed: {} {}", feed.name(), channel.remoteAddress(), reason.reason(), detail);
        } else {
            LOG.warn("feed={} remote={}{} refused: {}{}", feed.name(), remote(channel), via, reason.reason(),
                detail.isEmpty() ? "" : ", " + detail);
        }
        ctx.close();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        final InetSocketAddress peer = (InetSocketAddress)ctx.channel().remoteAddress();
        final RefusalReason refusal = check(peer);
        if (refusal != null) {
            refuse(feed, ctx, refusal, "");
            return;
        }
        feed.connections++;
        feed.counters.connectionsCurrent().setRelease(feed.connections);
        ctx.channel().closeFuture().addListener(onClose);
        feed.channels.add(ctx.channel());
        if (proxyProtocol) {
            final Channel channel = ctx.channel();
            ctx.executor().schedule(() -> {
                if (channel.isActive() && channel.attr(PROXIED_SOURCE).get() == null) {
                    refuse(feed, ctx, RefusalReason.PROXY_HEADER_INVALID, "no PROXY header within "
                        + TimeUnit.NANOSECONDS.toMillis(feed.settings.idleTimeoutNs()) + " ms");
                }
            }, feed.settings.idleTimeoutNs(), TimeUnit.NANOSECONDS);
            return;
        }
        passed(ctx);
    }

    private RefusalReason check(final InetSocketAddress peer) {
        if (feed.closing) {
            return RefusalReason.SHUTTING_DOWN;
        }
        if (proxyProtocol) {
            if (!matches(proxyRules, peer)) {
                return RefusalReason.PROXY_PEER_NOT_ALLOWED;
            }
        } else if (!matches(rules, peer)) {
            return RefusalReason.SOURCE_NOT_ALLOWED;
        }
        return feed.connections >= feed.settings.maxConnections() ? RefusalReason.MAX_CONNECTIONS : null;
    }

    private static boolean matches(final IpSubnetFilterRule[] rules, final InetSocketAddress address) {
        for (final IpSubnetFilterRule rule : rules) {
            if (rule.matches(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof HAProxyMessage header) {
            try {
                onHeader(ctx, header);
            } finally {
                header.release();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void onHeader(final ChannelHandlerContext ctx, final HAProxyMessage header) {
        if (ctx.channel().attr(REFUSED).get() != null) {
            return;
        }
        if (header.protocolVersion() != HAProxyProtocolVersion.V2) {
            refuse(feed, ctx, RefusalReason.PROXY_HEADER_INVALID, "PROXY protocol version 1, the relay takes 2");
            return;
        }
        if (header.command() == HAProxyCommand.LOCAL) {
            refuse(feed, ctx, RefusalReason.PROXY_LOCAL, "the load balancer's own connection (LOCAL)");
            return;
        }
        final HAProxyProxiedProtocol protocol = header.proxiedProtocol();
        final InetAddress source = header.sourceAddress() == null ? null
            : NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        if (protocol != HAProxyProxiedProtocol.TCP4 && protocol != HAProxyProxiedProtocol.TCP6 || source == null) {
            refuse(feed, ctx, RefusalReason.PROXY_HEADER_INVALID, "PROXY header for " + protocol + ", not TCP");
            return;
        }
        final InetSocketAddress exchange = new InetSocketAddress(source, header.sourcePort());
        ctx.channel().attr(PROXIED_SOURCE).set(exchange);
        if (!matches(rules, exchange)) {
            refuse(feed, ctx, RefusalReason.SOURCE_NOT_ALLOWED, "");
            return;
        }
        passed(ctx);
    }

    /** Every check of the gate passed: on to the TLS handshake, or in. */
    private void passed(final ChannelHandlerContext ctx) {
        if (tls) {
            ctx.fireChannelActive();
        } else {
            FeedChannelInitializer.admit(feed, ctx);
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof HAProxyProtocolException || cause.getCause() instanceof HAProxyProtocolException) {
            refuse(feed, ctx, RefusalReason.PROXY_HEADER_INVALID, cause.getMessage());
            return;
        }
        LOG.debug("feed={} remote={} closing before its PROXY header: {}", feed.name(),
            ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (proxyProtocol && ctx.channel().attr(PROXIED_SOURCE).get() == null) {
            refuse(feed, ctx, RefusalReason.PROXY_HEADER_INVALID, "closed before its PROXY header");
        }
        ctx.fireChannelInactive();
    }

    private void closed() {
        feed.connections--;
        feed.counters.connectionsCurrent().setRelease(feed.connections);
    }
}
