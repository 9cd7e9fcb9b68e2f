package io.mcastrelay.ingress;

import static io.netty.handler.codec.ByteToMessageDecoder.MERGE_CUMULATOR;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.HeartbeatFrameFlyweight;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Decoder;
import io.mcastrelay.wire.RelayV1Encoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty end of one connection: gathers what the socket delivers, has the feed's {@link FrameDecoder} cut it into
 * frames and act on each (publishing through the connection's {@link FramePublisher}, each frame copied once from
 * the socket buffer into the Aeron claim), then has the feed's egress send what was published. Closes the connection
 * on a protocol error, an idle timeout or an error, with one log line each; writes the relay's HEARTBEATs.
 *
 * <p>Bytes that the stream has no room for stay here, reading stops and the publisher's retry brings them back
 * ({@link FramePublisher}); nothing taken off the socket is dropped, even if the connection closes meanwhile.
 *
 * <p>Runs on the feed's event loop only. Allocates nothing per frame.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrameHandler.class);

    private final IngressFeed feed;
    private final int connectionId;
    private final FramePublisher publisher;
    /** The connection's relay-v1.1 session; null for length-prefixed feeds. */
    private final IngressSession session;
    private final FrameDecoder decoder;
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer heartbeat = new UnsafeBuffer(new byte[HeartbeatFrameFlyweight.FRAME_LENGTH]);
    private ChannelHandlerContext ctx;
    private ByteBuf cumulation;
    private byte[] copyBuffer;
    private boolean active;
    /** The peer is gone (or the channel closed); what is held is still published. */
    private boolean inactive;
    /** The relay closed the connection: nothing more is decoded. */
    private boolean closed;
    private boolean released;
    /** Why the relay closed this connection; null while it has not (then the peer closed it). */
    private String closeReason;

    FrameHandler(final IngressFeed feed, final int connectionId) {
        this.feed = feed;
        this.connectionId = connectionId;
        this.publisher = new FramePublisher(feed, connectionId, this::retry);
        if (feed.settings.framing() == Framing.RELAY_V1) {
            session = new IngressSession(feed, connectionId);
            decoder = new RelayV1FrameDecoder(feed, publisher, session);
        } else {
            session = null;
            decoder = new LengthPrefixedFrameDecoder(feed, publisher);
        }
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        publisher.context(ctx);
        if (session != null) {
            session.context(ctx);
        }
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
        if (!publisher.paused()) {
            decoder.readAt(feed.clock.nanoTime());
            onBytes();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        inactive = true;
        decoder.onClosed();
        if (active) {
            final String reason = closeReason != null ? closeReason
                : feed.closing ? "relay-shutdown" : "closed-by-peer";
            LOG.info("feed={} remote={} connection={} disconnected: {}", feed.name(),
                ConnectionGate.remote(ctx.channel()), connectionId, reason);
        }
        if (!publisher.paused()) {
            onBytes();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) {
        if (event instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE && !publisher.paused() && !closed) {
                feed.counters.idleTimeouts().incrementRelease();
                LOG.warn("feed={} remote={} connection={} closing: idle-timeout, nothing received for {} ms",
                    feed.name(), ConnectionGate.remote(ctx.channel()), connectionId,
                    TimeUnit.NANOSECONDS.toMillis(feed.settings.idleTimeoutNs()));
                closeReason = "idle-timeout";
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE && feed.settings.framing() == Framing.RELAY_V1
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
        if (!publisher.paused()) {
            release();
        }
    }

    /** The connection's sequence of the last DATA frame, 0 if none; for heartbeats and tests. */
    long lastSequence() {
        return decoder.lastSequence;
    }

    /** The highest sequence acknowledged to the session, for tests. */
    long ackedSequence() {
        return session == null ? 0 : session.ackedSequence();
    }

    /** Decodes and publishes what is held, has egress send it, and pauses or resumes reading as the stream allows. */
    private void onBytes() {
        final boolean blocked = cumulation != null && !closed && publishFrames();
        decoder.afterFrames();
        feed.afterPublishing(ctx.executor());
        if (blocked) {
            publisher.pause();
            return;
        }
        publisher.resume(!inactive && !closed);
        if (inactive || closed) {
            release();
        }
    }

    /** The feed's ticker, while paused. */
    private void retry() {
        if (publisher.paused()) {
            onBytes();
        }
    }

    /** Acts on every whole frame held; true if the stream pushed back before the end. */
    private boolean publishFrames() {
        final ByteBuf buffer = cumulation;
        final int start = buffer.readerIndex();
        final int available = buffer.readableBytes();
        wrapView(buffer, start, available);
        int offset = 0;
        while (offset < available) {
            final int length = decoder.frameLength(view, offset, available - offset);
            if (length == RelayV1Decoder.NEED_MORE) {
                break;
            }
            if (length < 0) {
                buffer.readerIndex(start + offset);
                protocolError(ProtocolError.fromResult(length));
                return false;
            }
            final int result = decoder.onFrame(view, offset, length);
            if (result != FrameDecoder.CONSUMED) {
                buffer.readerIndex(start + offset);
                if (result == FrameDecoder.BLOCKED) {
                    return true;
                }
                if (decoder.protocolError() != null) {
                    protocolError(decoder.protocolError());
                } else {
                    close("publication-closed");
                }
                return false;
            }
            offset += length;
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

    private void protocolError(final ProtocolError error) {
        feed.counters.protocolErrors(error).incrementRelease();
        LOG.warn("feed={} remote={} connection={} closing: protocol error {}", feed.name(),
            ConnectionGate.remote(ctx.channel()), connectionId, error.reason());
        close("protocol-error " + error.reason());
    }

    private void close(final String reason) {
        closeReason = reason;
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
        final int length = RelayV1Encoder.encodeHeartbeat(heartbeat, 0, decoder.lastSequence, feed.clock.nanoTime());
        ctx.writeAndFlush(ctx.alloc().buffer(length).writeBytes(heartbeat.byteArray(), 0, length), ctx.voidPromise());
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
        if (!publisher.paused() && (inactive || closed) && !released) {
            released = true;
            feed.liveHandlers.decrementAndGet();
        }
    }
}
