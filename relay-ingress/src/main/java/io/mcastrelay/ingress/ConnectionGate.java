package io.mcastrelay.ingress;

import java.net.InetSocketAddress;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every accepted connection: refuses sources outside the feed's CIDRs, connections over the
 * feed's maximum and connections during shutdown, each counted by reason; counts and logs the ones it lets in.
 * One instance per feed, shared by its connections; runs on the feed's event loop only.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);

    private final IngressFeed feed;
    private final IpSubnetFilterRule[] rules;
    private final ChannelFutureListener onClose = future -> closed();

    ConnectionGate(final IngressFeed feed) {
        this.feed = feed;
        this.rules = feed.settings.sourceRules();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        final InetSocketAddress remote = (InetSocketAddress)ctx.channel().remoteAddress();
        final RefusalReason refusal = check(remote);
        if (refusal != null) {
            feed.counters.refusals(refusal).incrementRelease();
            LOG.warn("feed={} remote={} refused: {}", feed.name(), remote, refusal.reason());
            ctx.close();
            return;
        }
        feed.connections++;
        feed.counters.connectionsCurrent().setRelease(feed.connections);
        feed.counters.connectionsAccepted().incrementRelease();
        ctx.channel().closeFuture().addListener(onClose);
        feed.channels.add(ctx.channel());
        ctx.fireChannelActive();
    }

    private RefusalReason check(final InetSocketAddress remote) {
        if (feed.closing) {
            return RefusalReason.SHUTTING_DOWN;
        }
        boolean allowed = false;
        for (final IpSubnetFilterRule rule : rules) {
            if (rule.matches(remote)) {
                allowed = true;
                break;
            }
        }
        if (!allowed) {
            return RefusalReason.SOURCE_NOT_ALLOWED;
        }
        return feed.connections >= feed.settings.maxConnections() ? RefusalReason.MAX_CONNECTIONS : null;
    }

    private void closed() {
        feed.connections--;
        feed.counters.connectionsCurrent().setRelease(feed.connections);
    }
}
