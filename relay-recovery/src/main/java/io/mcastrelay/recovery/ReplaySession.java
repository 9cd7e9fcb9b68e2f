package io.mcastrelay.recovery;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.Image;
import io.aeron.ImageControlledFragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.mcastrelay.recovery.ReplayServer.Refusal;
import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.HeartbeatFrameFlyweight;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.RelayV1Encoder;
import io.mcastrelay.wire.ReplayFrames;
import io.mcastrelay.wire.ReplayFrames.Outcome;
import io.mcastrelay.wire.ReplayFrames.Request;
import io.mcastrelay.wire.SequenceLocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the replay port, on the replay event loop: reads requests one at a time, replays each from the
 * archive and answers with DATA frames then a REPLAY_END. Each pass of {@link #pump} reads at most one batch (what
 * fits {@link #BATCH_BYTES}, within the session's pace) from the archive's replay, writes it with one flush, and runs
 * again at once while the socket takes more, or after a millisecond when it does not or the archive has nothing yet.
 */
final class ReplaySession extends ChannelInboundHandlerAdapter implements ControlledFragmentHandler {
    static final int BATCH_BYTES = 128 * 1024;
    private static final long IMAGE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Seconds without a request, or a read or write, before a connection is closed. */
    static final int IDLE_SECONDS = 60;
    /** A replay that follows the recording gives up after this long without a message. */
    private static final long FOLLOW_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long PUMP_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** A live answer with nothing to send writes a HEARTBEAT this often. */
    static final long HEARTBEAT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = LoggerFactory.getLogger(ReplaySession.class);

    private final ReplayServer server;
    private final UnsafeBuffer batch = new UnsafeBuffer(new byte[BATCH_BYTES]);
    private final UnsafeBuffer end = new UnsafeBuffer(new byte[ReplayFrames.MAX_END_LENGTH]);
    private final ImageControlledFragmentAssembler assembler = new ImageControlledFragmentAssembler(this);
    private ChannelHandlerContext context;
    private boolean open;
    private String remote;

    // the request being answered; null between requests
    private Request request;
    private List<Destination> groups;
    private List<Recorder.Span> spans;
    private int spanIndex;
    private Subscription subscription;
    private long replaySessionId = Long.MIN_VALUE;
    private long replayStartedNs;
    private long lastFragmentNs;
    private String partialReason;
    private long datagrams;
    private long oldestSeen;
    private SequenceLocator sequence;
    private long firstSequence;
    private long newestSeen;
    private boolean firstOfSpan;
    private boolean done;
    private int batchLength;
    private double tokens;
    private long lastRefillNs;
    private long unwritableSinceNs;
    /** The request ends with {@code live}: its last span follows the recording until the customer leaves. */
    private boolean live;
    private long lastWriteNs;
    private final UnsafeBuffer heartbeat = new UnsafeBuffer(new byte[HeartbeatFrameFlyweight.FRAME_LENGTH]);

    ReplaySession(final ReplayServer server) {
        this.server = server;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        context = ctx;
        final InetSocketAddress address = (InetSocketAddress)ctx.channel().remoteAddress();
        remote = address.getAddress().getHostAddress() + ":" + address.getPort();
        if (!server.allowed(address)) {
            refuse(Refusal.SOURCE_NOT_ALLOWED, Outcome.REFUSED, 0, "source " + address.getAddress().getHostAddress() +
                " is not in relay.recovery.allowed-sources");
            return;
        }
        if (!server.openSession()) {
            refuse(Refusal.TOO_MANY_SESSIONS, Outcome.REFUSED, 0, "too many replay sessions (relay.recovery." +
                "max-sessions = " + server.settings().maxSessions() + "); try again later");
            return;
        }
        open = true;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message) {
        final ByteBuf frame = (ByteBuf)message;
        try {
            if (!open) {
                return;
            }
            final int type = frame.getUnsignedByte(frame.readerIndex() + FrameDescriptor.TYPE_OFFSET);
            if (type == FrameDescriptor.TYPE_HEARTBEAT) {
                return;
            }
            if (type != FrameDescriptor.TYPE_REPLAY_REQUEST) {
                refuse(Refusal.BAD_REQUEST, Outcome.BAD_REQUEST, 0, "frame type 0x" + Integer.toHexString(type) +
                    " on the replay port: only REPLAY_REQUEST (0x10) and HEARTBEAT (0x02)");
                return;
            }
            if (request != null) {
                refuse(Refusal.BAD_REQUEST, Outcome.BAD_REQUEST, request.requestId(),
                    "a request arrived before the previous one's REPLAY_END: one at a time");
                return;
            }
            final byte[] bytes = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), bytes);
            final Request decoded;
            try {
                decoded = ReplayFrames.decodeRequest(new UnsafeBuffer(bytes), 0, bytes.length);
            } catch (final IllegalArgumentException ex) {
                refuse(Refusal.BAD_REQUEST, Outcome.BAD_REQUEST, 0, "malformed REPLAY_REQUEST: " + ex.getMessage());
                return;
            }
            begin(decoded);
        } finally {
            frame.release();
        }
    }

    private void begin(final Request decoded) {
        final RecoverySettings.Feed feed = server.settings().feed(decoded.feed());
        if (feed == null) {
            refuse(Refusal.UNKNOWN_FEED, Outcome.UNKNOWN_FEED, decoded.requestId(), "no feed '" + decoded.feed() +
                "' on this relay");
            return;
        }
        final boolean bySequence =
            decoded.startKind() == ReplayFrames.KIND_SEQUENCE || decoded.endKind() == ReplayFrames.KIND_SEQUENCE;
        if (bySequence && feed.sequence() == null) {
            refuse(Refusal.UNSUPPORTED, Outcome.REFUSED, decoded.requestId(), "feed '" + feed.name() + "' has no " +
                "sequence locator (relay.feeds[i].sequence): ask by time");
            return;
        }
        if (bySequence && decoded.group() == 0) {
            refuse(Refusal.BAD_REQUEST, Outcome.BAD_REQUEST, decoded.requestId(),
                "a request by sequence names one group:port (each group has its own sequence)");
            return;
        }
        if (decoded.group() != 0 && !hasGroup(feed, decoded.group(), decoded.port())) {
            refuse(Refusal.UNKNOWN_GROUP, Outcome.UNKNOWN_GROUP, decoded.requestId(), "feed '" + feed.name() +
                "' sends nothing to " + Ipv4.toString(decoded.group()) + ":" + decoded.port());
            return;
        }
        final long maxSpanNs = server.settings().maxSpanNs();
        final boolean timeRange = decoded.startKind() == ReplayFrames.KIND_TIME &&
            decoded.endKind() == ReplayFrames.KIND_TIME;
        if (decoded.start() <= 0 && decoded.startKind() == ReplayFrames.KIND_TIME || decoded.start() < 0 ||
            decoded.end() <= 0 && decoded.endKind() == ReplayFrames.KIND_COUNT ||
            timeRange && (decoded.end() <= decoded.start() || decoded.end() - decoded.start() > maxSpanNs) ||
            decoded.startKind() == ReplayFrames.KIND_SEQUENCE && decoded.endKind() == ReplayFrames.KIND_SEQUENCE &&
                decoded.end() < decoded.start()) {
            refuse(Refusal.SPAN_TOO_LONG, Outcome.REFUSED, decoded.requestId(), "the request must start after 0 " +
                "and end after its start, at most " + TimeUnit.NANOSECONDS.toSeconds(maxSpanNs) +
                " s later (relay.recovery.max-span), or with a positive count");
            return;
        }
        sequence = feed.sequence();
        request = decoded;
        groups = feed.destinations();
        live = decoded.endKind() == ReplayFrames.KIND_LIVE;
        final boolean follow = live ||
            decoded.endKind() == ReplayFrames.KIND_SEQUENCE && decoded.end() < following(feed, decoded);
        spans = decoded.startKind() == ReplayFrames.KIND_TIME
            ? server.recorder().plan(feed.name(), decoded.start(), live)
            : server.recorder().planBySequence(feed.name(), Ipv4.destinationKey(decoded.group(), decoded.port()),
                decoded.start(), follow);
        firstSequence = SequenceLocator.NONE;
        spanIndex = -1;
        datagrams = 0;
        partialReason = null;
        oldestSeen = 0;
        newestSeen = 0;
        done = false;
        tokens = 0;
        lastRefillNs = System.nanoTime();
        unwritableSinceNs = 0;
        lastWriteNs = lastRefillNs;
        if (subscription == null) {
            // one per connection: each replay is an image of its own session id on it
            subscription = server.recorder().aeron().addSubscription("aeron:ipc", server.nextReplayStreamId());
        }
        if (!nextSpan()) {
            finish();
            return;
        }
        pump();
    }

    /**
     * @return the last exchange sequence egress has taken for the request's group, or -1: a request that ends at or
     * before it may follow the recording until it has been read, since egress has it.
     */
    private long following(final RecoverySettings.Feed feed, final Request decoded) {
        return server.recorder().lastExchangeSequence(feed.name(),
            Ipv4.destinationKey(decoded.group(), decoded.port()));
    }

    private static boolean hasGroup(final RecoverySettings.Feed feed, final int group, final int port) {
        for (final Destination destination : feed.destinations()) {
            if (destination.group() == group && destination.port() == port) {
                return true;
            }
        }
        return false;
    }

    /** Starts the next span's replay; false when there is none. */
    private boolean nextSpan() {
        stopReplay();
        spanIndex++;
        if (spanIndex >= spans.size()) {
            return false;
        }
        try {
            replaySessionId = server.recorder().startReplay(spans.get(spanIndex), subscription.streamId());
        } catch (final RuntimeException ex) {
            LOG.warn("replay {} for {}: the archive refused a replay: {}", request.requestId(), remote, ex.toString());
            replaySessionId = Long.MIN_VALUE;
            refuse(Refusal.REPLAY_FAILED, Outcome.REFUSED, request.requestId(), "the archive could not replay: " +
                ex.getMessage());
            return false;
        }
        replayStartedNs = System.nanoTime();
        lastFragmentNs = replayStartedNs;
        firstOfSpan = true;
        return true;
    }

    /** One batch: read from the replay, write, reschedule. */
    private void pump() {
        if (request == null || !context.channel().isActive()) {
            return;
        }
        final long nowNs = System.nanoTime();
        if (!context.channel().isWritable()) {
            if (unwritableSinceNs == 0) {
                unwritableSinceNs = nowNs;
            } else if (nowNs - unwritableSinceNs > server.settings().writeTimeoutNs()) {
                server.refused(Refusal.SLOW_READER);
                LOG.warn("replay {} for {}: the reader took nothing for {} ms (relay.recovery.write-timeout); closed",
                    request.requestId(), remote, TimeUnit.NANOSECONDS.toMillis(server.settings().writeTimeoutNs()));
                context.close();
                return;
            }
            schedulePump();
            return;
        }
        unwritableSinceNs = 0;
        final int rate = server.settings().maxFramesPerSecond();
        tokens = Math.min(Math.max(rate / 10.0, 1), tokens + (nowNs - lastRefillNs) * rate / 1e9);
        lastRefillNs = nowNs;
        final Image image = subscription.imageBySessionId((int)replaySessionId);
        if (image == null) {
            if (nowNs - replayStartedNs > IMAGE_TIMEOUT_NS) {
                refuse(Refusal.REPLAY_FAILED, Outcome.REFUSED, request.requestId(),
                    "the archive's replay did not start within 10 s");
                return;
            }
            schedulePump();
            return;
        }
        batchLength = 0;
        final long before = datagrams;
        final int fragments = tokens >= 1 ? image.controlledPoll(assembler, (int)Math.min(256, tokens)) : 0;
        if (fragments > 0) {
            lastFragmentNs = nowNs;
        } else if (live) {
            if (nowNs - lastWriteNs > HEARTBEAT_INTERVAL_NS) {
                // a quiet feed: tell the reader the connection is alive, so it can time out a dead one
                final int length = RelayV1Encoder.encodeHeartbeat(heartbeat, 0, 0, System.currentTimeMillis() *
                    1_000_000L);
                context.writeAndFlush(context.alloc().directBuffer(length).writeBytes(heartbeat.byteArray(), 0,
                    length));
                lastWriteNs = nowNs;
            }
        } else if (spans.get(spanIndex).to() == Recorder.FOLLOW && nowNs - lastFragmentNs > FOLLOW_TIMEOUT_NS) {
            partialReason = "the recording did not reach sequence " + request.end() + " within " +
                TimeUnit.NANOSECONDS.toSeconds(FOLLOW_TIMEOUT_NS) + " s";
            finish();
            return;
        }
        if (batchLength > 0) {
            final ByteBuf out = context.alloc().directBuffer(batchLength);
            out.writeBytes(batch.byteArray(), 0, batchLength);
            context.writeAndFlush(out);
            lastWriteNs = nowNs;
            // counted as written, so a live answer's count rises while it runs
            server.replayed(request.feed(), datagrams - before);
        }
        if (done) {
            finish();
            return;
        }
        if (fragments == 0 && (image.isEndOfStream() || image.isClosed())) {
            if (live && spans.get(spanIndex).to() == Recorder.FOLLOW) {
                partialReason = "live ended: the feed's recording stopped (broken, or the relay is stopping); ask " +
                    "again from the newest ingress time received";
            }
            if (!nextSpan()) {
                if (request != null) {
                    finish();
                }
                return;
            }
        }
        if (fragments > 0 && context.channel().isWritable()) {
            context.executor().execute(this::pump);
        } else {
            schedulePump();
        }
    }

    private void schedulePump() {
        context.executor().schedule(this::pump, PUMP_DELAY_NS, TimeUnit.NANOSECONDS);
    }

    @Override
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final long ingressTime = buffer.getLong(offset + IpcMessageDescriptor.INGRESS_TIME_NANOS_OFFSET, LITTLE_ENDIAN);
        if (firstOfSpan) {
            firstOfSpan = false;
            if (spans.get(spanIndex).oldestHeld()) {
                oldestSeen = ingressTime;
            }
        }
        newestSeen = ingressTime;
        if (request.startKind() == ReplayFrames.KIND_TIME && ingressTime < request.start()) {
            return Action.CONTINUE;
        }
        if (request.endKind() == ReplayFrames.KIND_TIME && ingressTime >= request.end()) {
            done = true;
            return Action.BREAK;
        }
        final int group = buffer.getInt(offset + IpcMessageDescriptor.GROUP_OFFSET, LITTLE_ENDIAN);
        final int port = buffer.getShort(offset + IpcMessageDescriptor.PORT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (request.group() != 0 && (group != request.group() || port != request.port())) {
            return Action.CONTINUE;
        }
        if (sequence != null &&
            (request.startKind() == ReplayFrames.KIND_SEQUENCE || request.endKind() == ReplayFrames.KIND_SEQUENCE)) {
            final int payloadAt = offset + buffer.getShort(offset + IpcMessageDescriptor.HEADER_LENGTH_OFFSET,
                LITTLE_ENDIAN);
            final long exchangeSequence = sequence.read(buffer, payloadAt,
                buffer.getInt(offset + IpcMessageDescriptor.PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN));
            if (exchangeSequence == SequenceLocator.NONE) {
                return Action.CONTINUE;
            }
            if (firstSequence == SequenceLocator.NONE) {
                firstSequence = exchangeSequence;
            }
            if (request.startKind() == ReplayFrames.KIND_SEQUENCE && exchangeSequence < request.start()) {
                return Action.CONTINUE;
            }
            if (request.endKind() == ReplayFrames.KIND_SEQUENCE && exchangeSequence > request.end()) {
                done = true;
                return Action.BREAK;
            }
        }
        final int headerLength = buffer.getShort(offset + IpcMessageDescriptor.HEADER_LENGTH_OFFSET, LITTLE_ENDIAN);
        final int payloadLength = buffer.getInt(offset + IpcMessageDescriptor.PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
        final int frameLength = DataFrameFlyweight.HEADER_LENGTH + payloadLength;
        if (batchLength + frameLength > BATCH_BYTES) {
            return batchLength == 0 ? Action.CONTINUE : Action.ABORT;
        }
        batchLength += RelayV1Encoder.encodeData(batch, batchLength, group, port,
            buffer.getLong(offset + IpcMessageDescriptor.SEQUENCE_OFFSET, LITTLE_ENDIAN), ingressTime,
            buffer, offset + headerLength, payloadLength);
        datagrams++;
        tokens--;
        if (request.endKind() == ReplayFrames.KIND_COUNT && datagrams >= request.end()) {
            done = true;
            return Action.BREAK;
        }
        return tokens < 1 ? Action.BREAK : Action.CONTINUE;
    }

    /** Writes the REPLAY_END of the request answered and gets ready for the next. */
    private void finish() {
        final Request answered = request;
        final boolean startsBeforeHeld = answered.startKind() == ReplayFrames.KIND_SEQUENCE
            ? firstSequence == SequenceLocator.NONE || firstSequence > answered.start()
            : spans.isEmpty() || oldestSeen > answered.start();
        final Outcome outcome;
        final String reason;
        if (partialReason != null) {
            outcome = Outcome.PARTIAL;
            reason = partialReason;
        } else if (live && (spans.isEmpty() || spans.get(spans.size() - 1).to() != Recorder.FOLLOW)) {
            outcome = Outcome.PARTIAL;
            reason = "live is not available: feed '" + answered.feed() + "' has no active recording (starting, or " +
                "broken); what is held was sent";
        } else if (spans.isEmpty()) {
            outcome = Outcome.PARTIAL;
            reason = "nothing is held for feed '" + answered.feed() + "' yet";
        } else if (startsBeforeHeld && spans.get(0).oldestHeld()) {
            outcome = Outcome.PARTIAL;
            reason = "the start is older than the oldest datagram held";
        } else if (spans.size() > 1) {
            outcome = Outcome.PARTIAL;
            reason = "the answer spans " + spans.size() + " recordings: the relay did not record between them";
        } else {
            outcome = Outcome.COMPLETE;
            reason = "";
        }
        final int length = ReplayFrames.encodeEnd(end, 0, outcome, answered.requestId(), datagrams, oldestSeen,
            newestSeen, reason);
        context.writeAndFlush(context.alloc().directBuffer(length).writeBytes(end.byteArray(), 0, length));
        LOG.info("replay {} for {}: feed '{}' from {} -> {} datagrams, {}", answered.requestId(), remote,
            answered.feed(), answered.start(), datagrams, outcome);
        endRequest();
    }

    private void endRequest() {
        stopReplay();
        request = null;
    }

    private void stopReplay() {
        if (replaySessionId != Long.MIN_VALUE) {
            server.recorder().stopReplay(replaySessionId);
            replaySessionId = Long.MIN_VALUE;
        }
    }

    /** Answers with a REPLAY_END of that outcome, counts the refusal and closes the connection once written. */
    private void refuse(final Refusal refusal, final Outcome outcome, final long requestId, final String reason) {
        server.refused(refusal);
        LOG.warn("replay port: {} from {}: {}", refusal.tag(), remote, reason);
        final int length = ReplayFrames.encodeEnd(end, 0, outcome, requestId, datagrams, 0, 0, reason);
        context.writeAndFlush(context.alloc().directBuffer(length).writeBytes(end.byteArray(), 0, length))
            .addListener(future -> context.close());
        if (request != null) {
            endRequest();
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof DecoderException && open) {
            refuse(Refusal.BAD_REQUEST, Outcome.BAD_REQUEST, 0, "a frame whose length is below 4 or above " +
                ReplayFrames.MAX_REQUEST_LENGTH + " bytes: not a REPLAY_REQUEST (" + cause.getMessage() + ")");
            return;
        }
        LOG.warn("replay port: connection from {} failed: {}", remote, cause.toString());
        ctx.close();
    }

    /** A connection that neither asks nor reads for a minute is closed; an answer in progress writes, so it stays. */
    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) {
        if (event instanceof IdleStateEvent && request == null) {
            LOG.info("replay port: {} sent no request for {} s; closed", remote, IDLE_SECONDS);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (request != null) {
            endRequest();
        }
        CloseHelper.quietClose(subscription);
        subscription = null;
        if (open) {
            open = false;
            server.closeSession();
        }
    }
}
