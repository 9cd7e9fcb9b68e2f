package io.mcastrelay.ingress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.aeron.Publication;
import io.aeron.status.ReadableCounter;
import io.mcastrelay.wire.Destination;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.agrona.LangUtil;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;

/**
 * Everything one feed's connections share: settings, counters, the Aeron publication and the allowed destinations.
 * Fields marked "event loop" are touched only by the feed's single ingress event loop.
 */
final class IngressFeed {
    static final long NOT_ALLOWED = -1;
    /** Sessions remembered for de-duplication; a sender normally keeps one session for its lifetime. */
    static final int MAX_SESSIONS = 1024;
    /** How long the ticker goes on after the last paused connection resumed and egress caught up. */
    static final long TICKER_LINGER_NS = TimeUnit.MILLISECONDS.toNanos(100);

    final FeedSettings settings;
    final IngressCounters counters;
    final Publication publication;
    final EpochNanoClock clock;
    final long backPressureRetryNs;
    /** How often a session's acknowledgement is brought up to date. */
    final long ackIntervalNs;
    /** The feed's name as a HELLO carries it. */
    final byte[] nameBytes;
    /**
     * How far egress has sent the feed's stream; null if no egress of this process publishes it, in which case
     * sessions are acknowledged once their frames are in the IPC stream.
     */
    final ReadableCounter sentPosition;
    /** Event loop: session id to the highest sequence of that session this relay has published or skipped. */
    final Long2LongHashMap sessions = new Long2LongHashMap(0);
    /** Exchange-side destination key to VPC-side destination key; {@link #NOT_ALLOWED} if absent. */
    final Long2LongHashMap destinations = new Long2LongHashMap(NOT_ALLOWED);
    /** The one VPC-side destination key of a length-prefixed feed. */
    final long singleDestination;
    /** Handlers that are connected or still hold bytes to publish; read by the draining thread. */
    final AtomicInteger liveHandlers = new AtomicInteger();
    /** The feed's accepted connections; closed ones leave by themselves. Thread-safe. */
    final ChannelGroup channels = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    /**
     * The feed's egress, run on this feed's event loop right after frames are published; null when egress runs on
     * threads of its own.
     */
    final Agent egress;
    private final Runnable tickTask = this::tick;
    /** Event loop: connections that stopped reading for want of room in the stream. */
    private final ArrayList<FramePublisher> paused = new ArrayList<>();
    /** Event loop: runs while a connection is paused or egress is behind, then lingers. */
    private ScheduledFuture<?> ticker;
    private long lastBusyNs;
    /** Event loop: how often a ticker was scheduled, for tests. */
    long tickerStarts;
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
        final long backPressureRetryNs,
        final long ackIntervalNs,
        final ReadableCounter sentPosition,
        final Agent egress) {
        this.settings = settings;
        this.counters = counters;
        this.publication = publication;
        this.clock = clock;
        this.backPressureRetryNs = backPressureRetryNs;
        this.ackIntervalNs = ackIntervalNs;
        this.nameBytes = settings.name().getBytes(StandardCharsets.US_ASCII);
        this.sentPosition = sentPosition;
        this.egress = egress;
        for (final Destination destination : settings.destinations()) {
            destinations.put(destination.key(), destination.egressKey());
        }
        singleDestination = settings.destinations().get(0).key();
    }

    String name() {
        return settings.name();
    }

    /**
     * The position up to which the feed's stream has been sent as multicast (or, without an egress counter, has been
     * published). Event loop.
     */
    long sentPosition() {
        if (sentPosition == null) {
            return publication.position();
        }
        return sentPosition.isClosed() ? 0 : sentPosition.get();
    }

    /**
     * After a connection's run of frames: has egress send them at once, if egress runs here; when egress is left
     * behind (its socket buffer full, the network refusing) the feed's ticker runs it again until it catches up,
     * whether or not more frames arrive. Event loop.
     *
     * @param eventLoop the feed's event loop.
     */
    void afterPublishing(final EventExecutor eventLoop) {
        if (egress != null) {
            runEgress();
            if (egressBehind()) {
                startTicker(eventLoop);
            }
        }
    }

    /**
     * A connection stopped reading for want of room in the stream: the ticker retries it. Event loop.
     *
     * @param publisher the connection's publisher.
     * @param eventLoop the feed's event loop.
     */
    void paused(final FramePublisher publisher, final EventExecutor eventLoop) {
        paused.add(publisher);
        startTicker(eventLoop);
    }

    /**
     * A connection's frames went: the ticker lets it be. Event loop.
     *
     * @param publisher the connection's publisher.
     */
    void resumed(final FramePublisher publisher) {
        paused.remove(publisher);
    }

    private void startTicker(final EventExecutor eventLoop) {
        lastBusyNs = System.nanoTime();
        // A ticker its executor cancelled (an embedded test channel closing, a loop shutting down) starts again.
        if (ticker == null || ticker.isDone()) {
            tickerStarts++;
            ticker = eventLoop.scheduleAtFixedRate(tickTask, backPressureRetryNs, backPressureRetryNs,
                TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Every back-pressure interval while a connection is paused or egress is behind: egress first (it frees the room
     * the connections wait for), then each paused connection. Lingers a while after the last such moment, so that the
     * frequent short episodes of a stream kept full cost one timer, not one each.
     */
    private void tick() {
        if (egress != null) {
            runEgress();
        }
        for (int i = paused.size() - 1; i >= 0; i--) {
            if (i < paused.size()) {
                paused.get(i).retry();
            }
        }
        final long nowNs = System.nanoTime();
        if (!paused.isEmpty() || egressBehind()) {
            lastBusyNs = nowNs;
        } else if (nowNs - lastBusyNs > TICKER_LINGER_NS) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    /** Egress hands over an agent that counts its own errors; anything else it throws is unchecked. */
    private void runEgress() {
        try {
            egress.doWork();
        } catch (final Exception ex) {
            LangUtil.rethrowUnchecked(ex);
        }
    }

    /** Whether egress, if it runs here, has sent less than this feed published. */
    private boolean egressBehind() {
        return egress != null && sentPosition != null && !sentPosition.isClosed()
            && sentPosition.get() < publication.position();
    }

    /** Remembers how far a session got, forgetting every session when too many have come and gone. Event loop. */
    void sessionProgress(final long sessionId, final long sequence) {
        if (sessions.size() >= MAX_SESSIONS && !sessions.containsKey(sessionId)) {
            sessions.clear();
        }
        sessions.put(sessionId, sequence);
    }
}
