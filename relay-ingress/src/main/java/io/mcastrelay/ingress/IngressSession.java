package io.mcastrelay.ingress;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.wire.AckFrameFlyweight;
import io.mcastrelay.wire.HelloFrameFlyweight;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Encoder;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's relay-v1.1 session: the HELLO that opens it, the frames of a resumed session that this relay has
 * already published (skipped and counted as duplicates), and the ACKs. {@link SessionAcks} pairs the session's
 * sequences with stream positions; an ACK goes at once after HELLO and then, every ack interval, whenever egress has
 * sent further ({@link IngressFeed#sentPosition()}). ACKs are written with {@link RelayV1Encoder}.
 *
 * <p>A connection that never says HELLO (a relay-v1.0 sender) has no session: {@link #active()} stays false.
 *
 * <p>Event loop only. Allocates nothing per frame.
 */
final class IngressSession {
    private static final Logger LOG = LoggerFactory.getLogger(IngressSession.class);

    private final IngressFeed feed;
    private final int connectionId;
    private final SessionAcks acks = new SessionAcks();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[AckFrameFlyweight.FRAME_LENGTH]);
    private final Runnable ackTask = this::ack;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> ackFuture;
    /** The session this connection said HELLO for; 0 if it did not. */
    private long sessionId;
    /** Frames of the session up to this sequence were published before, by this relay; they are skipped. */
    private long duplicatesUpTo;
    private long ackedSequence;

    IngressSession(final IngressFeed feed, final int connectionId) {
        this.feed = feed;
        this.connectionId = connectionId;
    }

    /** @param ctx the connection's context, for writing ACKs and scheduling them. */
    void context(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** @return whether the connection opened a session with HELLO. */
    boolean active() {
        return sessionId != 0;
    }

    /**
     * Opens the session: checks the HELLO, acknowledges at once and starts the ACK timer.
     *
     * @param hello the HELLO, wrapped.
     * @return null, or the protocol error that must close the connection.
     */
    ProtocolError onHello(final HelloFrameFlyweight hello) {
        if (!hello.feedEquals(feed.nameBytes)) {
            LOG.warn("feed={} remote={} connection={} said HELLO for feed '{}'", feed.name(),
                ConnectionGate.remote(ctx.channel()), connectionId, hello.feed());
            return ProtocolError.FEED_MISMATCH;
        }
        sessionId = hello.sessionId();
        final long firstSequence = hello.firstSequence();
        ackedSequence = firstSequence - 1;
        duplicatesUpTo = feed.sessions.get(sessionId);
        feed.counters.sessions().incrementRelease();
        LOG.info("feed={} remote={} connection={} session {} from sequence {} (v1.{}){}", feed.name(),
            ConnectionGate.remote(ctx.channel()), connectionId, Long.toHexString(sessionId), firstSequence,
            hello.versionMinor(), duplicatesUpTo >= firstSequence
                ? ", resumed here: up to " + duplicatesUpTo + " already published" : "");
        if (duplicatesUpTo >= firstSequence) {
            acks.record(duplicatesUpTo, feed.publication.position());
        }
        writeAck(ackedSequence);
        ackFuture = ctx.executor().scheduleAtFixedRate(
            ackTask, feed.ackIntervalNs, feed.ackIntervalNs, TimeUnit.NANOSECONDS);
        return null;
    }

    /**
     * Whether a DATA frame of the session was published by this relay before (a resumed session's resent frame).
     *
     * @param sequence the frame's sequence.
     * @return true to skip it; it is counted as a duplicate here.
     */
    boolean duplicate(final long sequence) {
        if (sequence <= duplicatesUpTo) {
            feed.counters.duplicates().incrementRelease();
            return true;
        }
        return false;
    }

    /**
     * After a run of frames: the session got this far, at this position of the stream.
     *
     * @param lastSequence the session's last sequence published or skipped.
     */
    void progress(final long lastSequence) {
        if (lastSequence > acks.lastRecordedSequence() && lastSequence > ackedSequence) {
            acks.record(lastSequence, feed.publication.position());
            if (lastSequence > feed.sessions.get(sessionId)) {
                feed.sessionProgress(sessionId, lastSequence);
            }
        }
    }

    /** Every ack interval: acknowledges what egress has sent since the last ACK. */
    private void ack() {
        final long sent = acks.sentUpTo(feed.sentPosition());
        if (sent > ackedSequence && ctx.channel().isWritable()) {
            ackedSequence = sent;
            writeAck(sent);
        }
    }

    private void writeAck(final long sequence) {
        final int length = RelayV1Encoder.encodeAck(frame, 0, sessionId, sequence, feed.clock.nanoTime());
        ctx.writeAndFlush(ctx.alloc().buffer(length).writeBytes(frame.byteArray(), 0, length), ctx.voidPromise());
    }

    /** The highest sequence acknowledged, for tests. */
    long ackedSequence() {
        return ackedSequence;
    }

    /** Stops the ACK timer: the connection is gone. */
    void close() {
        if (ackFuture != null) {
            ackFuture.cancel(false);
            ackFuture = null;
        }
    }
}
