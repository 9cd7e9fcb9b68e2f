package io.mcastrelay.ingress;

import java.util.concurrent.TimeUnit;

import io.mcastrelay.wire.Framing;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Builds the pipeline of each accepted connection of one feed: gate (who may connect), idle timer (dead peers and
 * the relay's own heartbeats), frame handler (decode and publish). Runs on the feed's event loop.
 */
final class FeedChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** The relay sends a HEARTBEAT after this much write silence, as the spec asks of senders. */
    static final long HEARTBEAT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final IngressFeed feed;
    private final ConnectionGate gate;

    FeedChannelInitializer(final IngressFeed feed) {
        this.feed = feed;
        this.gate = new ConnectionGate(feed);
    }

    @Override
    protected void initChannel(final SocketChannel channel) {
        final long writerIdleNs = feed.settings.framing() == Framing.RELAY_V1 ? HEARTBEAT_INTERVAL_NS : 0;
        channel.pipeline()
            .addLast("gate", gate)
            .addLast("idle", new IdleStateHandler(feed.settings.idleTimeoutNs(), writerIdleNs, 0, TimeUnit.NANOSECONDS))
            .addLast("frames", new FrameHandler(feed, ++feed.nextConnectionId));
    }
}
