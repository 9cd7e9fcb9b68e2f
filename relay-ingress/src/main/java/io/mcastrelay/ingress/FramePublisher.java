package io.mcastrelay.ingress;

import static io.mcastrelay.wire.IpcMessageDescriptor.HEADER_LENGTH;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one connection's datagrams into the feed's Aeron IPC stream, each with one {@code tryClaim}: the IPC
 * message header ({@link IpcMessageFlyweight}) and the payload, copied once from the socket buffer into the claim.
 *
 * <p>Owns the connection's back-pressure: when the stream has no room ({@code BACK_PRESSURED}, {@code ADMIN_ACTION},
 * not yet connected) the caller keeps the frame, {@link #pause()} turns reading off so that TCP pushes back on the
 * sender and hands this publisher to the feed's ticker, which retries it every back-pressure interval on the event
 * loop until the frames go; {@link #resume()} turns reading back on. Episodes and the time spent paused are counted.
 *
 * <p>Event loop only. Allocates nothing per frame.
 */
final class FramePublisher {
    /** The frame is in the stream. */
    static final int PUBLISHED = 0;
    /** The stream has no room now: keep the frame and try again. */
    static final int BACK_PRESSURED = 1;
    /** The publication is closed for good: the connection must close. */
    static final int CLOSED = 2;

    private static final Logger LOG = LoggerFactory.getLogger(FramePublisher.class);

    private final IngressFeed feed;
    private final Publication publication;
    private final int connectionId;
    private final Runnable retry;
    private final BufferClaim claim = new BufferClaim();
    private ChannelHandlerContext ctx;
    private boolean paused;
    private long pausedSinceNs;

    /**
     * A connection's publisher.
     *
     * @param feed         the feed.
     * @param connectionId the connection's number in the feed, carried by each message.
     * @param retry        what the feed's ticker runs while this is paused: publish the held frames again.
     */
    FramePublisher(final IngressFeed feed, final int connectionId, final Runnable retry) {
        this.feed = feed;
        this.publication = feed.publication;
        this.connectionId = connectionId;
        this.retry = retry;
    }

    /** @param ctx the connection's context, for turning reading off and on and for logs. */
    void context(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Publishes one datagram.
     *
     * @param egressKey     the VPC-side group:port, as {@link io.mcastrelay.wire.Ipv4#destinationKey}.
     * @param sourceGroup   the exchange-side group the frame named.
     * @param sourcePort    the exchange-side port the frame named.
     * @param sequence      the frame's sequence, 0 if none.
     * @param sendTimeNanos the sender's stamp, 0 if none.
     * @param ingressTimeNs when the relay read the frame.
     * @param buffer        holding the payload.
     * @param payloadOffset where it starts.
     * @param payloadLength its length.
     * @return {@link #PUBLISHED}, {@link #BACK_PRESSURED} or {@link #CLOSED} (logged here).
     */
    int publish(
        final long egressKey,
        final int sourceGroup,
        final int sourcePort,
        final long sequence,
        final long sendTimeNanos,
        final long ingressTimeNs,
        final DirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength) {
        final long result = publication.tryClaim(HEADER_LENGTH + payloadLength, claim);
        if (result > 0) {
            final MutableDirectBuffer term = claim.buffer();
            final int at = claim.offset();
            IpcMessageFlyweight.encodeHeader(term, at, payloadLength, (int)(egressKey >>> 16),
                (int)(egressKey & 0xFFFF), sourceGroup, sourcePort, connectionId, sequence, sendTimeNanos,
                ingressTimeNs);
            term.putBytes(at + HEADER_LENGTH, buffer, payloadOffset, payloadLength);
            claim.commit();
            return PUBLISHED;
        }
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
            LOG.warn("feed={} remote={} connection={} closing: the feed's Aeron publication is {}", feed.name(),
                ConnectionGate.remote(ctx.channel()), connectionId, Publication.errorString(result));
            return CLOSED;
        }
        return BACK_PRESSURED;
    }

    /** Stops reading the connection and has the feed's ticker retry; counts an episode. Idempotent. */
    void pause() {
        if (paused) {
            return;
        }
        paused = true;
        pausedSinceNs = System.nanoTime();
        feed.counters.backPressureEpisodes().incrementRelease();
        ctx.channel().config().setAutoRead(false);
        feed.paused(this, ctx.executor());
    }

    /**
     * Leaves the paused state, counting the time spent in it.
     *
     * @param read whether to read the connection again (false once it is closing).
     */
    void resume(final boolean read) {
        if (!paused) {
            return;
        }
        paused = false;
        feed.resumed(this);
        feed.counters.backPressureNs().getAndAddRelease(System.nanoTime() - pausedSinceNs);
        if (read) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** @return whether reading is off because the stream had no room. */
    boolean paused() {
        return paused;
    }

    /** Called by the feed's ticker while paused. */
    void retry() {
        retry.run();
    }
}
