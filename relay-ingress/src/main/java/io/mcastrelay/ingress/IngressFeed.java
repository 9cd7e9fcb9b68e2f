package io.mcastrelay.ingress;

import java.nio.charset.StandardCharsets;
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
    private final Runnable egressRetryTask = this::retryEgress;
    /** Event loop: while egress is behind what was published, runs it again every back-pressure retry interval. */
    private ScheduledFuture<?> egressRetry;
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
     * After frames were published: sends them at once, if egress runs here. When egress could not send everything (the
     * socket buffer is full, the network refuses), it is run again every back-pressure retry interval until it has
     * caught up, whether or not more frames arrive. Event loop.
     */
    void afterPublishing() {
        if (egress == null) {
            return;
        }
        runEgress();
        if (egressRetry == null && egressBehind()) {
            egressRetry = childGroup.next().scheduleAtFixedRate(
                egressRetryTask, backPressureRetryNs, backPressureRetryNs, TimeUnit.NANOSECONDS);
        }
    }

    private void retryEgress() {
        runEgress();
        if (!egressBehind()) {
            egressRetry.cancel(false);
            egressRetry = null;
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

    /** Whether egress has sent less than this feed published. */
    private boolean egressBehind() {
        return sentPosition != null && !sentPosition.isClosed() && sentPosition.get() < publication.position();
    }

    /** Remembers how far a session got, forgetting every session when too many have come and gone. Event loop. */
    void sessionProgress(final long sessionId, final long sequence) {
        if (sessions.size() >= MAX_SESSIONS && !sessions.containsKey(sessionId)) {
            sessions.clear();
        }
        sessions.put(sessionId, sequence);
    }
}
