package io.mcastrelay.ingress;

import java.util.concurrent.atomic.AtomicInteger;

import io.aeron.Publication;
import io.mcastrelay.wire.Destination;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.EpochNanoClock;

/**
 * Everything one feed's connections share: settings, counters, the Aeron publication and the allowed destinations.
 * Fields marked "event loop" are touched only by the feed's single ingress event loop.
 */
final class IngressFeed {
    static final long NOT_ALLOWED = -1;

    final FeedSettings settings;
    final IngressCounters counters;
    final Publication publication;
    final EpochNanoClock clock;
    final long backPressureRetryNs;
    /** Exchange-side destination key to VPC-side destination key; {@link #NOT_ALLOWED} if absent. */
    final Long2LongHashMap destinations = new Long2LongHashMap(NOT_ALLOWED);
    /** The one VPC-side destination key of a length-prefixed feed. */
    final long singleDestination;
    /** Handlers that are connected or still hold bytes to publish; read by the draining thread. */
    final AtomicInteger liveHandlers = new AtomicInteger();
    /** The feed's accepted connections; closed ones leave by themselves. Thread-safe. */
    final ChannelGroup channels = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    EventLoopGroup childGroup;
    Channel serverChannel;
    volatile boolean closing;
    /** Event loop. */
    int connections;
    /** Event loop. */
    int nextConnectionId;

    IngressFeed(
        final FeedSettings settings,
        final IngressCounters counters,
        final Publication publication,
        final EpochNanoClock clock,
        final long backPressureRetryNs) {
        this.settings = settings;
        this.counters = counters;
        this.publication = publication;
        this.clock = clock;
        this.backPressureRetryNs = backPressureRetryNs;
        for (final Destination destination : settings.destinations()) {
            destinations.put(destination.key(), destination.egressKey());
        }
        singleDestination = settings.destinations().get(0).key();
    }

    String name() {
        return settings.name();
    }
}
