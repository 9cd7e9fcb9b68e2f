package io.mcastrelay.ingress;

import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.status.ReadableCounter;
import io.mcastrelay.wire.Framing;
import io.netty.channel.ChannelHandler;
import io.netty.handler.timeout.IdleStateHandler;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.SystemEpochNanoClock;

/**
 * One feed's frame path without a server or a socket: the feed's publication into its IPC stream, its counters, and
 * the handlers {@link IngressServer} puts on every admitted connection (the idle timer, the frame handler), for
 * whoever drives a channel of their own, such as load-tests' JMH benchmarks on an {@code EmbeddedChannel}. This is
 * the supported way into ingress from outside the module: the server builds each connection's pipeline with the
 * same {@link #handlers} call, so what is measured is what runs.
 *
 * <p>Created and closed from one thread; the handlers run on their channel's event loop, one channel at a time.
 */
public final class FeedPipeline implements AutoCloseable {
    private final IngressFeed feed;
    private final Publication publication;
    private final IngressCounters counters;

    /**
     * Opens the feed's publication and counters.
     *
     * @param aeron               a connected client.
     * @param settings            the feed.
     * @param backPressureRetryNs how often a back-pressured connection retries (the feed's ticker).
     * @param sentPosition        egress's sent position of the stream, which sessions acknowledge up to; null to
     *                            acknowledge once frames are in the stream.
     * @param egress              the feed's egress agent, run after each read as on the feed's event loop; null for
     *                            none (another process or thread sends).
     */
    public FeedPipeline(final Aeron aeron, final FeedSettings settings, final long backPressureRetryNs,
        final ReadableCounter sentPosition, final Agent egress) {
        publication = aeron.addPublication(settings.channel(), settings.streamId());
        counters = new IngressCounters(aeron, settings.name());
        feed = new IngressFeed(settings, counters, publication, new SystemEpochNanoClock(), backPressureRetryNs,
            IngressServer.DEFAULT_ACK_INTERVAL_NS, sentPosition, egress);
    }

    /**
     * The handlers of a new connection, in pipeline order, as the server adds them once a connection is admitted.
     *
     * @return the idle timer and the frame handler, for the end of a channel's pipeline.
     */
    public ChannelHandler[] connectionHandlers() {
        return handlers(feed);
    }

    /** @return the feed's publication, whose position says how far ingress has published. */
    public Publication publication() {
        return publication;
    }

    /** @return the feed's counters. */
    public IngressCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(counters, publication);
    }

    /** The idle timer (heartbeats for relay-v1) and a frame handler with the feed's next connection id. */
    static ChannelHandler[] handlers(final IngressFeed feed) {
        final long writerIdleNs =
            feed.settings.framing() == Framing.RELAY_V1 ? FeedChannelInitializer.HEARTBEAT_INTERVAL_NS : 0;
        return new ChannelHandler[] {
            new IdleStateHandler(feed.settings.idleTimeoutNs(), writerIdleNs, 0, TimeUnit.NANOSECONDS),
            new FrameHandler(feed, ++feed.nextConnectionId)};
    }
}
