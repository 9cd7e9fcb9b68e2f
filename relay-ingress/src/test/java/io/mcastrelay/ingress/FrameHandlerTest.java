package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.FrameHandlerFixture.PLAIN;
import static io.mcastrelay.ingress.FrameHandlerFixture.REMAPPED;
import static io.mcastrelay.ingress.Frames.concat;
import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.direct;
import static io.mcastrelay.ingress.Frames.heap;
import static io.mcastrelay.ingress.Frames.heartbeat;
import static io.mcastrelay.ingress.Frames.hex;
import static io.mcastrelay.ingress.Frames.lengthPrefixed;
import static io.mcastrelay.ingress.Frames.payload;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import io.aeron.logbuffer.FragmentHandler;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.testing.SteadyStateAllocation;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Frames that a connection accepts: each published once, whole and in order, however the bytes are cut into reads,
 * with the fields of the IPC message as the spec and the feed's remapping say; and the relay's own heartbeats.
 */
@Timeout(10)
class FrameHandlerTest {
    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();
    @RegisterExtension
    final FrameHandlerFixture feeds = new FrameHandlerFixture(aeron.aeron());

    @Test
    @Timeout(60)
    void shouldAllocateNothingPerFrameOnceWarm() throws Exception {
        final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            measureAllocationPerFrame(false);
        } finally {
            ResourceLeakDetector.setLevel(leakDetection);
        }
    }

    @Test
    @Timeout(60)
    void shouldAllocateNothingPerFrameOnceWarmInASession() throws Exception {
        final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            measureAllocationPerFrame(true);
        } finally {
            ResourceLeakDetector.setLevel(leakDetection);
        }
    }

    /**
     * Reads of 4 frames from pooled direct buffers, as epoll delivers them, through the connection's pipeline. The
     * paranoid leak detector the tests run with records a stack trace per buffer access, so it is off here; the
     * feed's clock is the one production uses (a SystemEpochNanoClock makes an Instant per read). In a session each
     * read also records the session's progress for its ACKs.
     */
    private void measureAllocationPerFrame(final boolean session) throws Exception {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, "aeron:ipc?term-length=64m", PLAIN, REMAPPED);
        final EmbeddedChannel channel = feed.connect(1);
        if (session) {
            feed.write(channel, direct(FrameHandlerSessionTest.hello(7, 1, "test")));
            feed.releaseOutbound(channel);
        }
        final int reads = 5_000;
        final int framesPerRead = 4;
        final FragmentHandler drain = (buffer, offset, length, header) -> { };
        final long[] sequence = {0};
        final long least = SteadyStateAllocation.leastPerRound(10, reads * framesPerRead, meter -> {
            final ByteBuf[] prepared = new ByteBuf[reads];
            for (int i = 0; i < reads; i++) {
                final byte[][] frames = new byte[framesPerRead][];
                for (int f = 0; f < framesPerRead; f++) {
                    final long s = ++sequence[0];
                    frames[f] = data("239.1.1.2", 5001, s, payload(64 + f * 300, s));
                }
                final byte[] bytes = concat(frames);
                prepared[i] = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
            }
            for (final ByteBuf read : prepared) {
                meter.measure(() -> channel.pipeline().fireChannelRead(read).fireChannelReadComplete());
                feed.subscription.poll(drain, Integer.MAX_VALUE);
            }
        });
        final long published = sequence[0];
        for (int i = 0; i < 1000 && feed.counters.frames().get() < published; i++) {
            feed.runScheduledTasks();
            feed.subscription.poll(drain, Integer.MAX_VALUE);
        }
        assertThat(feed.counters.frames().get()).isEqualTo(published);
        assertThat(least).as("bytes allocated while decoding and publishing %d frames (least of up to 10 rounds)",
            reads * framesPerRead).isLessThan(reads * framesPerRead);
    }

    @Test
    void shouldPublishDataFrameWithRemappedDestinationSequenceTimesConnectionAndIdenticalPayload() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN, REMAPPED);
        final EmbeddedChannel channel = feed.connect(42);
        final byte[] payload = payload(1000, 1);
        final long before = (System.currentTimeMillis() - 2) * 1_000_000L;

        feed.write(channel, direct(data("239.1.1.2", 5001, 7, 1_700_000_000_123_456_789L, payload)));

        final long after = (System.currentTimeMillis() + 2) * 1_000_000L;
        final IpcMessage message = feed.poll(1).get(0);
        assertThat(message.version()).isEqualTo(IpcMessageDescriptor.VERSION);
        assertThat(message.destination()).isEqualTo("239.9.9.9:6000");
        assertThat(message.source()).isEqualTo("239.1.1.2:5001");
        assertThat(message.sequence()).isEqualTo(7);
        assertThat(message.sendTimeNanos()).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(message.ingressTimeNanos()).isBetween(before, after);
        assertThat(message.connectionId()).isEqualTo(42);
        assertThat(message.payload()).isEqualTo(payload);
        assertThat(feed.counters.frames().get()).isEqualTo(1);
        assertThat(feed.counters.bytes().get()).isEqualTo(1000);
        assertThat(feed.counters.lastFrameTimeNs().get()).isEqualTo(message.ingressTimeNanos());
        assertThat(channel.isOpen()).isTrue();
        feed.assertNothingMorePublished();
    }

    @Test
    void shouldPublishTheSpecExampleWithSourceAndDestinationUnchangedWhenNotRemapped() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);

        feed.write(channel, direct(hex("001e0100 ef010101 13880000 0000000000000007 0000000000000000 6869")));

        final IpcMessage message = feed.poll(1).get(0);
        assertThat(message.destination()).isEqualTo("239.1.1.1:5000");
        assertThat(message.source()).isEqualTo("239.1.1.1:5000");
        assertThat(message.sequence()).isEqualTo(7);
        assertThat(message.sendTimeNanos()).isZero();
        assertThat(message.payload()).containsExactly('h', 'i');
    }

    @Test
    void shouldPublishEmptyAndMaximumPayloads() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);
        final byte[] largest = payload(1328, 2);

        feed.write(channel, direct(concat(data("239.1.1.1", 5000, 1, new byte[0]),
            data("239.1.1.1", 5000, 2, largest))));

        final List<IpcMessage> messages = feed.poll(2);
        assertThat(messages.get(0).payload()).isEmpty();
        assertThat(messages.get(1).payload()).isEqualTo(largest);
        assertThat(feed.counters.drops(DropReason.PAYLOAD_OVER_MAXIMUM).get()).isZero();
    }

    @Test
    void shouldReassembleFramesSplitAcrossTwoReadsAtEveryByteBoundary() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN, REMAPPED);
        final byte[] first = payload(37, 3);
        final byte[] second = payload(5, 4);
        final byte[] stream = concat(data("239.1.1.1", 5000, 1, first), heartbeat(1),
            data("239.1.1.2", 5001, 2, second));

        for (int split = 1; split < stream.length; split++) {
            final EmbeddedChannel channel = feed.connect(split);
            feed.write(channel, heap(stream, 0, split), heap(stream, split, stream.length));

            final List<IpcMessage> messages = feed.poll(2);
            assertThat(messages).extracting(IpcMessage::connectionId).containsOnly(split);
            assertThat(messages.get(0).payload()).as("split at %d", split).isEqualTo(first);
            assertThat(messages.get(1).payload()).as("split at %d", split).isEqualTo(second);
            assertThat(messages.get(1).destination()).isEqualTo("239.9.9.9:6000");
            assertThat(channel.isOpen()).isTrue();
        }
        feed.assertNothingMorePublished();
        assertThat(feed.counters.frames().get()).isEqualTo(2L * (stream.length - 1));
        assertThat(feed.counters.heartbeats().get()).isEqualTo(stream.length - 1);
    }

    @Test
    void shouldReassembleFramesArrivingOneByteAtATime() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);
        final byte[] payload = payload(300, 5);
        final byte[] stream = concat(data("239.1.1.1", 5000, 1, payload), data("239.1.1.1", 5000, 2, payload));

        for (int i = 0; i < stream.length; i++) {
            feed.write(channel, direct(new byte[] {stream[i]}));
        }

        final List<IpcMessage> messages = feed.poll(2);
        assertThat(messages).extracting(IpcMessage::sequence).containsExactly(1L, 2L);
        assertThat(messages).allSatisfy(message -> assertThat(message.payload()).isEqualTo(payload));
    }

    @Test
    void shouldPublishSeveralFramesOfOneReadInOrder() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);
        final byte[][] frames = new byte[10][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = data("239.1.1.1", 5000, i + 1, payload(i * 10, i));
        }

        feed.write(channel, direct(concat(frames)));

        final List<IpcMessage> messages = feed.poll(10);
        for (int i = 0; i < frames.length; i++) {
            assertThat(messages.get(i).sequence()).isEqualTo(i + 1);
            assertThat(messages.get(i).payload()).isEqualTo(payload(i * 10, i));
        }
        feed.assertNothingMorePublished();
    }

    @Test
    void shouldReadFramesFromACompositeBufferThatHasNoSingleMemoryRegion() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);
        final byte[] stream = concat(data("239.1.1.1", 5000, 1, payload(100, 6)),
            data("239.1.1.1", 5000, 2, payload(200, 7)));
        final CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, heap(stream, 0, 50));
        composite.addComponent(true, direct(Arrays.copyOfRange(stream, 50, 170)));
        composite.addComponent(true, heap(stream, 170, stream.length));

        feed.write(channel, composite);

        final List<IpcMessage> messages = feed.poll(2);
        assertThat(messages.get(0).payload()).isEqualTo(payload(100, 6));
        assertThat(messages.get(1).payload()).isEqualTo(payload(200, 7));
    }

    @Test
    void shouldCountHeartbeatsWithoutPublishingThem() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);

        feed.write(channel, direct(concat(heartbeat(0), heartbeat(0))), direct(heartbeat(0)));

        feed.assertNothingMorePublished();
        assertThat(feed.counters.heartbeats().get()).isEqualTo(3);
        assertThat(feed.counters.frames().get()).isZero();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldRelayEveryFrameButCountSequenceGapsAndRepeats() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);
        final long[] sequences = {1, 2, 5, 5, 3, 4, 0, 5, 7};
        final byte[][] frames = new byte[sequences.length][];
        for (int i = 0; i < sequences.length; i++) {
            frames[i] = data("239.1.1.1", 5000, sequences[i], payload(4, i));
        }

        feed.write(channel, direct(concat(frames)));

        assertThat(feed.poll(sequences.length)).extracting(IpcMessage::sequence)
            .containsExactly(1L, 2L, 5L, 5L, 3L, 4L, 0L, 5L, 7L);
        assertThat(feed.counters.sequenceGaps().get()).as("2 -> 5 and 5 -> 7").isEqualTo(2);
        assertThat(feed.counters.sequenceRepeats().get()).as("5 -> 5 and 5 -> 3").isEqualTo(2);
    }

    @Test
    void shouldKeepSequencesPerConnection() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel first = feed.connect(1);
        final EmbeddedChannel second = feed.connect(2);

        feed.write(first, direct(data("239.1.1.1", 5000, 10, new byte[1])));
        feed.write(second, direct(data("239.1.1.1", 5000, 1, new byte[1])));
        feed.write(first, direct(data("239.1.1.1", 5000, 11, new byte[1])));
        feed.write(second, direct(data("239.1.1.1", 5000, 2, new byte[1])));

        assertThat(feed.poll(4)).extracting(IpcMessage::connectionId).containsExactly(1, 2, 1, 2);
        assertThat(feed.counters.sequenceGaps().get()).isZero();
        assertThat(feed.counters.sequenceRepeats().get()).isZero();
    }

    @Test
    void shouldPublishLengthPrefixedFramesToTheFeedsSingleDestination() {
        final TestFeed feed = feeds.open(Framing.LENGTH_PREFIXED, 1000, REMAPPED);
        final EmbeddedChannel channel = feed.connect(3);
        final byte[] stream = concat(lengthPrefixed(payload(1000, 1)), lengthPrefixed(new byte[0]),
            lengthPrefixed(payload(7, 2)));

        feed.write(channel, heap(stream, 0, 500), heap(stream, 500, 1003), heap(stream, 1003, stream.length));

        final List<IpcMessage> messages = feed.poll(3);
        assertThat(messages).extracting(IpcMessage::destination).containsOnly("239.9.9.9:6000");
        assertThat(messages).extracting(IpcMessage::source).containsOnly("239.1.1.2:5001");
        assertThat(messages).extracting(IpcMessage::sequence).containsOnly(0L);
        assertThat(messages).extracting(IpcMessage::sendTimeNanos).containsOnly(0L);
        assertThat(messages).extracting(IpcMessage::connectionId).containsOnly(3);
        assertThat(messages.get(0).payload()).isEqualTo(payload(1000, 1));
        assertThat(messages.get(1).payload()).isEmpty();
        assertThat(messages.get(2).payload()).isEqualTo(payload(7, 2));
        assertThat(feed.counters.frames().get()).isEqualTo(3);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldPublishTheWholeFramesReadBeforeThePeerClosedAndDropTheIncompleteTail() {
        final TestFeed feed = feeds.open(Framing.RELAY_V1, 1328, PLAIN);
        final EmbeddedChannel channel = feed.connect(1);
        final byte[] stream = concat(data("239.1.1.1", 5000, 1, payload(10, 1)), data("239.1.1.1", 5000, 2,
            payload(10, 2)));

        feed.write(channel, direct(Arrays.copyOf(stream, stream.length - 1)));
        channel.close();

        assertThat(feed.poll(1).get(0).sequence()).isEqualTo(1);
        feed.assertNothingMorePublished();
        assertThat(feed.feed.liveHandlers.get()).isZero();
    }
}
