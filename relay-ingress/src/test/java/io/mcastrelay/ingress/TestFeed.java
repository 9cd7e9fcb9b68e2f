package io.mcastrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.status.ReadableCounter;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.RelayCounterTypes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import org.agrona.CloseHelper;
import org.agrona.concurrent.OffsetEpochNanoClock;

/**
 * One feed wired to a real Aeron publication, a subscription the test polls, and connections as
 * {@link EmbeddedChannel}s with the pipeline {@link FeedChannelInitializer} builds minus the gate (an embedded
 * channel has no IP address to check). Remembers every buffer written in, to check that all were released.
 */
final class TestFeed implements AutoCloseable {
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(1000);

    final FeedSettings settings;
    final Publication publication;
    final Subscription subscription;
    final IngressCounters counters;
    /** Stands in for egress's sent-position counter of the feed; tests move it. */
    final Counter sentPosition;
    final IngressFeed feed;
    private final List<ByteBuf> written = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    TestFeed(final Aeron aeron, final FeedSettings settings, final long backPressureRetryNs) {
        this.settings = settings;
        publication = aeron.addPublication(settings.channel(), settings.streamId());
        subscription = aeron.addSubscription(settings.channel(), settings.streamId());
        counters = new IngressCounters(aeron, settings.name());
        sentPosition = aeron.addCounter(RelayCounterTypes.EGRESS_SENT_POSITION, "test sent position");
        feed = new IngressFeed(settings, counters, publication, new OffsetEpochNanoClock(), backPressureRetryNs,
            IngressServer.DEFAULT_ACK_INTERVAL_NS, new ReadableCounter(aeron.countersReader(), sentPosition.id()),
            null);
        EmbeddedAeron.awaitConnected(publication, subscription);
    }

    static FeedSettings settings(
        final Framing framing, final int maxPayloadBytes, final String channel, final Destination... destinations) {
        return new FeedSettings("test", "127.0.0.1", 0, framing, List.of(destinations), maxPayloadBytes,
            List.of("127.0.0.0/8"), 4, TimeUnit.SECONDS.toNanos(5), channel, STREAM_IDS.incrementAndGet());
    }

    /** A connection with the idle timer and frame handler of {@link FeedChannelInitializer}. */
    EmbeddedChannel connect(final int connectionId) {
        return connect(connectionId, false);
    }

    /**
     * A connection whose clock stands still from before its idle timer starts, so that only
     * {@link EmbeddedChannel#advanceTimeBy} moves it.
     */
    EmbeddedChannel connectWithFrozenClock(final int connectionId) {
        return connect(connectionId, true);
    }

    private EmbeddedChannel connect(final int connectionId, final boolean frozen) {
        final long writerIdleNs =
            settings.framing() == Framing.RELAY_V1 ? FeedChannelInitializer.HEARTBEAT_INTERVAL_NS : 0;
        final IdleStateHandler idle =
            new IdleStateHandler(settings.idleTimeoutNs(), writerIdleNs, 0, TimeUnit.NANOSECONDS);
        final FrameHandler frames = new FrameHandler(feed, connectionId);
        final EmbeddedChannel channel;
        if (frozen) {
            // The clock can only be frozen once the channel is registered, so the handlers join an active channel.
            channel = new EmbeddedChannel();
            channel.freezeTime();
            channel.pipeline().addLast(idle, frames);
            channel.pipeline().fireChannelActive();
        } else {
            channel = new EmbeddedChannel(idle, frames);
        }
        channels.add(channel);
        return channel;
    }

    /** Closes a connection, releases what it wrote, and forgets it (a fuzzing run opens millions). */
    void disconnect(final EmbeddedChannel channel) {
        channel.finishAndReleaseAll();
        channels.remove(channel);
    }

    /** Hands each buffer to the channel as one read. */
    void write(final EmbeddedChannel channel, final ByteBuf... reads) {
        for (final ByteBuf read : reads) {
            written.add(read);
            channel.writeInbound(read);
        }
    }

    /** Polls until {@code count} messages arrived, running the channels' scheduled retries meanwhile. */
    List<IpcMessage> poll(final int count) {
        final List<IpcMessage> messages = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (messages.size() < count) {
            final int polled = subscription.poll(
                (buffer, offset, length, header) -> messages.add(IpcMessage.decode(buffer, offset, length)), 64);
            if (polled == 0) {
                assertThat(System.nanoTime() - deadline).as("%d of %d messages arrived", messages.size(), count)
                    .isNegative();
                runScheduledTasks();
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            }
        }
        return messages;
    }

    /** Everything published so far is in the log already (the handler claims synchronously). */
    void assertNothingMorePublished() {
        final int[] extra = new int[1];
        subscription.poll((buffer, offset, length, header) -> extra[0]++, 64);
        assertThat(extra[0]).as("unexpected messages on the stream").isZero();
    }

    void runScheduledTasks() {
        for (final EmbeddedChannel channel : channels) {
            channel.runPendingTasks();
            channel.runScheduledPendingTasks();
        }
    }

    /** Releases what the relay wrote to the connection so far (its heartbeats). */
    void releaseOutbound(final EmbeddedChannel channel) {
        for (Object heartbeat = channel.readOutbound(); heartbeat != null; heartbeat = channel.readOutbound()) {
            ((ByteBuf)heartbeat).release();
        }
    }

    /** Checks that every buffer read in was released (nothing retained, nothing leaked). */
    void assertAllReleased() {
        for (final ByteBuf buffer : written) {
            assertThat(buffer.refCnt()).as("reference count of a buffer read in").isZero();
        }
    }

    @Override
    public void close() {
        for (final EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
        CloseHelper.closeAll(subscription, publication, counters, sentPosition);
    }
}
