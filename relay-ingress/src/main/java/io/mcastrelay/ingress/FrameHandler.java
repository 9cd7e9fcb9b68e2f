package io.mcastrelay.ingress;

import static io.mcastrelay.wire.IpcMessageDescriptor.HEADER_LENGTH;
import static io.netty.handler.codec.ByteToMessageDecoder.MERGE_CUMULATOR;

import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.mcastrelay.wire.AckFrameFlyweight;
import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.HelloFrameFlyweight;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.LengthPrefixedDecoder;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Decoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one connection's bytes into frames, checks them and publishes each accepted datagram into the feed's Aeron
 * IPC stream with one copy (socket buffer into the Aeron claim).
 *
 * <p>Back-pressure: when the publication refuses a claim, the unpublished bytes stay here, the channel stops reading
 * (so TCP pushes back on the sender) and a retry runs on this connection's event loop until the claim succeeds.
 * Nothing taken off the socket is dropped, even if the connection closes meanwhile.
 *
 * <p>Sessions (relay-v1.1): a connection that opens with HELLO gets an ACK at once and then, every ack interval,
 * one whenever egress has sent further: {@link SessionAcks} pairs the session's sequences with stream positions.
 * Frames of a resumed session that this relay has already published are skipped and counted as duplicates.
 *
 * <p>Runs on the feed's event loop only. Allocates nothing per frame.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrameHandler.class);

    private final IngressFeed feed;
    private final IngressCounters counters;
    private final Publication publication;
    private final int connectionId;
    private final boolean relayV1;
    private final BufferClaim claim = new BufferClaim();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final DataFrameFlyweight data = new DataFrameFlyweight();
    private final HelloFrameFlyweight hello = new HelloFrameFlyweight();
    private final SessionAcks acks = new SessionAcks();
    private final Runnable retryTask = this::retry;
    private final Runnable ackTask = this::ack;
    private ScheduledFuture<?> retryFuture;
    private ScheduledFuture<?> ackFuture;
    /** The session this connection said HELLO for; 0 if it did not (a relay-v1.0 sender). */
    private long sessionId;
    /** Frames of the session up to this sequence were published before, by this relay; they are skipped. */
    private long duplicatesUpTo;
    private long ackedSequence;
    private boolean anyFrame;
    private ChannelHandlerContext ctx;
    private ByteBuf cumulation;
    private byte[] copyBuffer;
    private long ingressTimeNs;
    private long lastSequence;
    private long pausedSinceNs;
    private boolean paused;
    private boolean inactive;
    private boolean closed;
    private boolean released;
    private boolean active;
    /** Why the relay closed this connection; null while it has not (then the peer closed it). */
    private String closeReason;

    FrameHandler(final IngressFeed feed, final int connectionId) {
        this.feed = feed;
        this.counters = feed.counters;
        this.publication = feed.publication;
        this.connectionId = connectionId;
        this.relayV1 = feed.settings.framing() == Framing.RELAY_V1;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        feed.liveHandlers.incrementAndGet();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        active = true;
        LOG.info("feed={} remote={} connection={} connected", feed.name(), ConnectionGate.remote(ctx.channel()),
            connectionId);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf in = (ByteBuf)msg;
        if (closed) {
            in.release();
            return;
        }
        cumulation = cumulation == null ? in : MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        if (!paused) {
            ingressTimeNs = feed.clock.nanoTime();
            onBytes();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        inactive = true;
        if (ackFuture != null) {
            ackFuture.cancel(false);
        }
        if (active) {
            final String reason = closeReason != null ? closeReason
                : feed.closing ? "relay-shutdown" : "closed-by-peer";
            LOG.info("feed={} remote={} connection={} disconnected: {}", feed.name(),
                ConnectionGate.remote(ctx.channel()), connectionId, reason);
        }
        if (!paused) {
            onBytes();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) {
        if (event instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE && !paused && !closed) {
                counters.idleTimeouts().incrementRelease();
                LOG.warn("feed={} remote={} connection={} closing: idle-timeout, nothing received for {} ms",
                    feed.name(), ConnectionGate.remote(ctx.channel()), connectionId,
                    TimeUnit.NANOSECONDS.toMillis(feed.settings.idleTimeoutNs()));
                closeReason = "idle-timeout";
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE && relayV1
                && ctx.channel().isWritable()) {
                writeHeartbeat(ctx);
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.warn("feed={} remote={} connection={} closing: {}", feed.name(), ConnectionGate.remote(ctx.channel()),
            connectionId, cause.toString());
        closeReason = "error";
        ctx.close();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        if (!paused) {
            release();
        }
    }

    /** The connection's sequence of the last DATA frame, 0 if none; for heartbeats and tests. */
    long lastSequence() {
        return lastSequence;
    }

    /** The highest sequence acknowledged to the session, for tests. */
    long ackedSequence() {
        return ackedSequence;
    }

    private void onBytes() {
        final boolean blocked = cumulation != null && !closed && publishFrames();
        feed.afterPublishing();
        if (sessionId != 0) {
            recordSessionProgress();
        }
        if (blocked) {
            if (!paused) {
                paused = true;
                pausedSinceNs = System.nanoTime();
                counters.backPressureEpisodes().incrementRelease();
                ctx.channel().config().setAutoRead(false);
                retryFuture = ctx.executor().scheduleAtFixedRate(
                    retryTask, feed.backPressureRetryNs, feed.backPressureRetryNs, TimeUnit.NANOSECONDS);
            }
            return;
        }
        if (paused) {
            paused = false;
            retryFuture.cancel(false);
            retryFuture = null;
            counters.backPressureNs().getAndAddRelease(System.nanoTime() - pausedSinceNs);
            if (!inactive && !closed) {
                ctx.channel().config().setAutoRead(true);
            }
        }
        if (inactive || closed) {
            release();
        }
    }

    private void retry() {
        if (paused) {
            onBytes();
        }
    }

    /** Publishes every whole frame in the cumulation; true if the publication pushed back before the end. */
    private boolean publishFrames() {
        final ByteBuf buffer = cumulation;
        final int start = buffer.readerIndex();
        final int available = buffer.readableBytes();
        wrapView(buffer, start, available);
        int offset = 0;
        while (offset < available) {
            final int remaining = available - offset;
            final int result = relayV1 ? RelayV1Decoder.decode(view, offset, remaining)
                : LengthPrefixedDecoder.decode(view, offset, remaining, feed.settings.maxPayloadBytes());
            if (result == RelayV1Decoder.NEED_MORE) {
                break;
            }
            if (result < 0) {
                buffer.readerIndex(start + offset);
                protocolError(ProtocolError.fromResult(result));
                return false;
            }
            final boolean consumed = relayV1 ? onRelayV1Frame(offset, result) : onLengthPrefixedFrame(offset, result);
            if (!consumed) {
                buffer.readerIndex(start + offset);
                return !closed;
            }
            offset += result;
        }
        buffer.readerIndex(start + offset);
        if (!buffer.isReadable()) {
            buffer.release();
            cumulation = null;
        } else {
            buffer.discardSomeReadBytes();
        }
        return false;
    }

    private boolean onRelayV1Frame(final int offset, final int length) {
        final int type = RelayV1Decoder.type(view, offset);
        final boolean first = !anyFrame;
        anyFrame = true;
        if (type == FrameDescriptor.TYPE_HEARTBEAT) {
            counters.heartbeats().incrementRelease();
            return true;
        }
        if (type == FrameDescriptor.TYPE_HELLO) {
            return onHello(offset, length, first);
        }
        data.wrap(view, offset);
        if (sessionId != 0) {
            final long sequence = data.sequence();
            if (sequence == 0) {
                protocolError(ProtocolError.UNNUMBERED_IN_SESSION);
                return false;
            }
            if (sequence <= duplicatesUpTo) {
                counters.duplicates().incrementRelease();
                lastSequence = sequence;
                return true;
            }
        }
        final int group = data.group();
        final int port = data.port();
        final int payloadLength = length - DataFrameFlyweight.HEADER_LENGTH;
        final long egressKey = feed.destinations.get(Ipv4.destinationKey(group, port));
        if (egressKey == IngressFeed.NOT_ALLOWED) {
            return dropped(DropReason.DESTINATION_NOT_ALLOWED, data.sequence(), payloadLength);
        }
        if (payloadLength > feed.settings.maxPayloadBytes()) {
            return dropped(DropReason.PAYLOAD_OVER_MAXIMUM, data.sequence(), payloadLength);
        }
        final long sequence = data.sequence();
        if (!publish(egressKey, group, port, sequence, data.sendTimeNanos(), offset + DataFrameFlyweight.PAYLOAD_OFFSET,
            payloadLength)) {
            return false;
        }
        accept(sequence, payloadLength);
        return true;
    }

    private boolean onHello(final int offset, final int length, final boolean first) {
        hello.wrap(view, offset, length);
        if (!first) {
            protocolError(ProtocolError.LATE_HELLO);
            return false;
        }
        if (!hello.feedEquals(feed.nameBytes)) {
            LOG.warn("feed={} remote={} connection={} said HELLO for feed '{}'", feed.name(),
                ctx.channel().remoteAddress(), connectionId, hello.feed());
            protocolError(ProtocolError.FEED_MISMATCH);
            return false;
        }
        sessionId = hello.sessionId();
        final long firstSequence = hello.firstSequence();
        lastSequence = firstSequence - 1;
        ackedSequence = firstSequence - 1;
        duplicatesUpTo = feed.sessions.get(sessionId);
        counters.sessions().incrementRelease();
        LOG.info("feed={} remote={} connection={} session {} from sequence {} (v1.{}){}", feed.name(),
            ctx.channel().remoteAddress(), connectionId, Long.toHexString(sessionId), firstSequence,
            hello.versionMinor(), duplicatesUpTo >= firstSequence
                ? ", resumed here: up to " + duplicatesUpTo + " already published" : "");
        if (duplicatesUpTo >= firstSequence) {
            acks.record(duplicatesUpTo, feed.publication.position());
        }
        writeAck(ackedSequence);
        ackFuture = ctx.executor().scheduleAtFixedRate(
            ackTask, feed.ackIntervalNs, feed.ackIntervalNs, TimeUnit.NANOSECONDS);
        return true;
    }

    /** After a run of frames: the session got this far, at this position of the stream. */
    private void recordSessionProgress() {
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
        final ByteBuf frame = ctx.alloc().buffer(AckFrameFlyweight.FRAME_LENGTH);
        frame.writeShort(AckFrameFlyweight.FRAME_LENGTH).writeByte(FrameDescriptor.TYPE_ACK).writeByte(0)
            .writeLong(sessionId).writeLong(sequence).writeLong(feed.clock.nanoTime());
        ctx.writeAndFlush(frame, ctx.voidPromise());
    }

    private boolean onLengthPrefixedFrame(final int offset, final int length) {
        final int payloadLength = length - LengthPrefixedDecoder.PREFIX_LENGTH;
        final long key = feed.singleDestination;
        if (!publish(feed.destinations.get(key), (int)(key >>> 16), (int)(key & 0xFFFF), 0, 0,
            offset + LengthPrefixedDecoder.PREFIX_LENGTH, payloadLength)) {
            return false;
        }
        accept(0, payloadLength);
        return true;
    }

    private boolean publish(
        final long egressKey,
        final int sourceGroup,
        final int sourcePort,
        final long sequence,
        final long sendTimeNanos,
        final int payloadOffset,
        final int payloadLength) {
        final long result = publication.tryClaim(HEADER_LENGTH + payloadLength, claim);
        if (result > 0) {
            final MutableDirectBuffer buffer = claim.buffer();
            final int at = claim.offset();
            IpcMessageFlyweight.encodeHeader(buffer, at, payloadLength, (int)(egressKey >>> 16),
                (int)(egressKey & 0xFFFF), sourceGroup, sourcePort, connectionId, sequence, sendTimeNanos,
                ingressTimeNs);
            buffer.putBytes(at + HEADER_LENGTH, view, payloadOffset, payloadLength);
            claim.commit();
            return true;
        }
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
            LOG.warn("feed={} remote={} connection={} closing: the feed's Aeron publication is {}", feed.name(),
                ConnectionGate.remote(ctx.channel()), connectionId, Publication.errorString(result));
            closeReason = "publication-closed";
            closed = true;
            ctx.close();
        }
        return false;
    }

    private boolean dropped(final DropReason reason, final long sequence, final int payloadLength) {
        counters.drops(reason).incrementRelease();
        accept(sequence, payloadLength);
        return true;
    }

    private void accept(final long sequence, final int payloadLength) {
        counters.frames().incrementRelease();
        counters.bytes().getAndAddRelease(payloadLength);
        counters.lastFrameTimeNs().setRelease(ingressTimeNs);
        if (sequence != 0) {
            if (lastSequence != 0 && sequence != lastSequence + 1) {
                if (sequence > lastSequence) {
                    counters.sequenceGaps().incrementRelease();
                } else {
                    counters.sequenceRepeats().incrementRelease();
                }
            }
            lastSequence = sequence;
        }
    }

    private void protocolError(final ProtocolError error) {
        counters.protocolErrors(error).incrementRelease();
        LOG.warn("feed={} remote={} connection={} closing: protocol error {}", feed.name(),
            ConnectionGate.remote(ctx.channel()), connectionId, error.reason());
        closeReason = "protocol-error " + error.reason();
        closed = true;
        ctx.close();
    }

    private void wrapView(final ByteBuf buffer, final int index, final int length) {
        if (buffer.hasMemoryAddress()) {
            view.wrap(buffer.memoryAddress() + index, length);
        } else if (buffer.hasArray()) {
            view.wrap(buffer.array(), buffer.arrayOffset() + index, length);
        } else if (buffer.nioBufferCount() == 1) {
            final ByteBuffer nio = buffer.internalNioBuffer(index, length);
            view.wrap(nio, nio.position(), length);
        } else {
            if (copyBuffer == null || copyBuffer.length < length) {
                copyBuffer = new byte[Math.max(length, 64 * 1024)];
            }
            buffer.getBytes(index, copyBuffer, 0, length);
            view.wrap(copyBuffer, 0, length);
        }
    }

    private void writeHeartbeat(final ChannelHandlerContext ctx) {
        final ByteBuf heartbeat = ctx.alloc().buffer(20);
        heartbeat.writeShort(20).writeByte(FrameDescriptor.TYPE_HEARTBEAT).writeByte(0)
            .writeLong(lastSequence).writeLong(feed.clock.nanoTime());
        ctx.writeAndFlush(heartbeat, ctx.voidPromise());
    }

    private void release() {
        if (cumulation != null) {
            if (cumulation.isReadable() && inactive && !closed) {
                LOG.info("feed={} connection={} closed with {} bytes of an incomplete frame", feed.name(),
                    connectionId, cumulation.readableBytes());
            }
            cumulation.release();
            cumulation = null;
        }
        if (!paused && (inactive || closed)) {
            final boolean first = !released;
            released = true;
            if (first) {
                feed.liveHandlers.decrementAndGet();
            }
        }
    }
}
