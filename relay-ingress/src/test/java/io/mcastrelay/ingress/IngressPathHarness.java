package io.mcastrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.LengthPrefixedDecoder;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Decoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The whole ingress path of one feed, driven with arbitrary bytes: a real {@link FrameHandler} in an
 * {@link EmbeddedChannel} (as {@link TestFeed#connect} builds it), publishing into a real Aeron IPC stream on an
 * embedded media driver, read back as a third-party subscriber would. Each {@link #run} is one connection; after it
 * the harness asserts what must hold whatever the bytes were:
 * <ul>
 *   <li>no exception escapes the pipeline, and the connection is closed if and only if one protocol error was
 *       counted;</li>
 *   <li>every message on the stream goes to a VPC-side group:port of the feed, the one its exchange-side group:port
 *       is remapped to, and carries at most the feed's maximum payload;</li>
 *   <li>for a relay-v1.0 stream (no HELLO) exactly the allowed DATA frames before the first protocol error are
 *       published, in order and byte for byte, and each drop is counted under its reason; with a HELLO the
 *       published messages are at least an in-order subset of them (a resumed session may skip some);</li>
 *   <li>every buffer read in is released and the connection's allocator ends with nothing allocated (with Netty's
 *       paranoid leak detector on, as in every test here).</li>
 * </ul>
 * Not thread-safe: one caller at a time.
 */
final class IngressPathHarness implements AutoCloseable {
    private static final long PAUSE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final TestFeed feed;
    private final boolean relayV1;
    private final int maxPayloadBytes;
    private final Map<Long, Long> egressOf = new HashMap<>();
    /** Allocates every buffer of the connection, so that whatever is not released shows in its metric. */
    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
    private int nextConnectionId;

    IngressPathHarness(
        final Aeron aeron, final Framing framing, final int maxPayloadBytes, final Destination... destinations) {
        feed = new TestFeed(aeron, TestFeed.settings(framing, maxPayloadBytes, "aeron:ipc", destinations),
            TimeUnit.MICROSECONDS.toNanos(1));
        relayV1 = framing == Framing.RELAY_V1;
        this.maxPayloadBytes = maxPayloadBytes;
        for (final Destination destination : destinations) {
            egressOf.put(destination.key(), destination.egressKey());
        }
    }

    /**
     * Feeds one new connection the stream, cut into reads, then closes it and checks everything.
     *
     * @param maxChunkBytes 0 hands the whole stream over as one read; otherwise each read is 1..maxChunkBytes.
     * @param chunkSeed     picks the read sizes.
     * @param stream        the bytes the sender sent.
     */
    void run(final int maxChunkBytes, final long chunkSeed, final byte[] stream) {
        final Expected expected = expect(stream);
        final long errorsBefore = totalProtocolErrors();
        final long[] dropsBefore = drops();
        final long heartbeatsBefore = feed.counters.heartbeats().get();
        final long framesBefore = feed.counters.frames().get();
        final long episodesBefore = feed.counters.backPressureEpisodes().get();
        final int liveBefore = feed.feed.liveHandlers.get();
        final int connectionId = ++nextConnectionId;
        final EmbeddedChannel channel = feed.connect(connectionId);
        channel.config().setAllocator(allocator);

        final List<ByteBuf> reads = new ArrayList<>();
        final List<IpcMessage> published = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(chunkSeed);
        int at = 0;
        while (at < stream.length && channel.isOpen()) {
            final int size = maxChunkBytes <= 0 ? stream.length - at
                : Math.min(stream.length - at, 1 + random.nextInt(maxChunkBytes));
            final ByteBuf read = reads.size() % 2 == 0 ? allocator.directBuffer(size) : allocator.heapBuffer(size);
            reads.add(read.writeBytes(stream, at, size));
            channel.writeInbound(read);
            at += size;
            awaitReading(channel, published);
        }
        final boolean closedByRelay = !channel.isOpen();
        drain(published);
        feed.disconnect(channel);

        final long errors = totalProtocolErrors() - errorsBefore;
        assertThat(errors).as("protocol errors counted").isBetween(0L, 1L);
        assertThat(closedByRelay).as("closed by the relay iff a protocol error was counted").isEqualTo(errors == 1);
        for (final IpcMessage message : published) {
            checkDestination(message, connectionId);
        }
        if (expected.sawHello) {
            assertThat(isInOrderSubset(published, expected.messages)).as("published %s of %s", published.size(),
                expected.messages.size()).isTrue();
        } else {
            assertThat(closedByRelay).as("closed, as the spec requires for this stream").isEqualTo(expected.error);
            assertThat(published.size()).as("messages published (%s)", diagnostics(framesBefore, episodesBefore))
                .isEqualTo(expected.messages.size());
            for (int i = 0; i < published.size(); i++) {
                assertThat(Arrays.equals(published.get(i).payload(), expected.messages.get(i).payload()))
                    .as("payload of message %d", i).isTrue();
                assertThat(published.get(i).sequence()).isEqualTo(expected.messages.get(i).sequence());
                assertThat(published.get(i).source()).isEqualTo(expected.messages.get(i).source());
            }
            final long[] dropsAfter = drops();
            assertThat(dropsAfter[DropReason.DESTINATION_NOT_ALLOWED.ordinal()]
                - dropsBefore[DropReason.DESTINATION_NOT_ALLOWED.ordinal()]).isEqualTo(expected.notAllowed);
            assertThat(dropsAfter[DropReason.PAYLOAD_OVER_MAXIMUM.ordinal()]
                - dropsBefore[DropReason.PAYLOAD_OVER_MAXIMUM.ordinal()]).isEqualTo(expected.overMaximum);
            assertThat(feed.counters.heartbeats().get() - heartbeatsBefore).isEqualTo(expected.heartbeats);
        }
        for (final ByteBuf read : reads) {
            assertThat(read.refCnt()).as("reference count of a buffer read in").isZero();
        }
        assertThat(allocator.metric().usedDirectMemory()).as("direct bytes still allocated").isZero();
        assertThat(allocator.metric().usedHeapMemory()).as("heap bytes still allocated").isZero();
        assertThat(feed.feed.liveHandlers.get()).as("live handlers").isEqualTo(liveBefore);
    }

    private void checkDestination(final IpcMessage message, final int connectionId) {
        final long source = Ipv4.destinationKey(message.sourceGroup(), message.sourcePort());
        final long egress = Ipv4.destinationKey(message.group(), message.port());
        assertThat(egressOf).as("exchange-side destination %s is the feed's", message.source()).containsKey(source);
        assertThat(egress).as("VPC-side destination %s of %s", message.destination(), message.source())
            .isEqualTo(egressOf.get(source));
        assertThat(egressOf.values()).as("VPC-side destination is the feed's").contains(egress);
        assertThat(message.payload().length).as("payload").isLessThanOrEqualTo(maxPayloadBytes);
        assertThat(message.connectionId()).isEqualTo(connectionId);
        assertThat(message.version()).isEqualTo(1);
    }

    private static boolean isInOrderSubset(final List<IpcMessage> published, final List<IpcMessage> candidates) {
        int next = 0;
        for (final IpcMessage message : published) {
            while (next < candidates.size() && !sameFrame(message, candidates.get(next))) {
                next++;
            }
            if (next++ >= candidates.size()) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameFrame(final IpcMessage a, final IpcMessage b) {
        return a.sequence() == b.sequence() && a.sourceGroup() == b.sourceGroup() && a.sourcePort() == b.sourcePort()
            && Arrays.equals(a.payload(), b.payload());
    }

    /** What docs/wire-format.md says this stream yields, frame by frame, up to its first protocol error. */
    private Expected expect(final byte[] stream) {
        final Expected expected = new Expected();
        final UnsafeBuffer buffer = new UnsafeBuffer(stream);
        final DataFrameFlyweight data = new DataFrameFlyweight();
        int at = 0;
        while (true) {
            final int remaining = stream.length - at;
            final int result = relayV1 ? RelayV1Decoder.decode(buffer, at, remaining)
                : LengthPrefixedDecoder.decode(buffer, at, remaining, maxPayloadBytes);
            if (result <= 0) {
                expected.error = result < 0;
                return expected;
            }
            if (!relayV1) {
                final long key = egressOf.keySet().iterator().next();
                expected.messages.add(message(key, 0, Arrays.copyOfRange(stream, at + 2, at + result)));
            } else if (RelayV1Decoder.type(buffer, at) == FrameDescriptor.TYPE_HEARTBEAT) {
                expected.heartbeats++;
            } else if (RelayV1Decoder.type(buffer, at) == FrameDescriptor.TYPE_HELLO) {
                expected.sawHello = true;
            } else {
                data.wrap(buffer, at);
                final long key = Ipv4.destinationKey(data.group(), data.port());
                if (!egressOf.containsKey(key)) {
                    expected.notAllowed++;
                } else if (data.payloadLength() > maxPayloadBytes) {
                    expected.overMaximum++;
                } else {
                    expected.messages.add(message(key, data.sequence(), Arrays.copyOfRange(stream,
                        data.payloadOffset(), data.payloadOffset() + data.payloadLength())));
                }
            }
            at += result;
        }
    }

    private IpcMessage message(final long source, final long sequence, final byte[] payload) {
        final long egress = egressOf.get(source);
        return new IpcMessage(1, (int)(egress >>> 16), (int)(egress & 0xFFFF), (int)(source >>> 16),
            (int)(source & 0xFFFF), 0, sequence, 0, 0, payload);
    }

    /**
     * While the stream pushes back (the media driver, starved of CPU, has not yet moved the publication's limit),
     * the handler stops reading; like the socket, the harness then reads nothing more until it resumes. Meanwhile it
     * drains the stream and runs the handler's retry. An EmbeddedChannel cancels scheduled tasks when it closes, so
     * the harness must not close a paused connection either (FrameHandlerBackPressureTest covers that case).
     */
    private void awaitReading(final EmbeddedChannel channel, final List<IpcMessage> published) {
        final long deadline = System.nanoTime() + PAUSE_TIMEOUT_NS;
        while (channel.isOpen() && !channel.config().isAutoRead()) {
            assertThat(System.nanoTime() - deadline).as("still back-pressured after 10 s").isNegative();
            drain(published);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
            channel.runPendingTasks();
        }
    }

    /**
     * Everything published so far: the handler claims and commits on the caller's thread, so it is all there. A
     * poll that reads only the padding at the end of a term returns 0, so this polls up to the publisher's position.
     */
    private void drain(final List<IpcMessage> messages) {
        int polled;
        do {
            polled = feed.subscription.poll(
                (buffer, offset, length, header) -> messages.add(IpcMessage.decode(buffer, offset, length)), 256);
        } while (polled > 0 || feed.subscription.imageAtIndex(0).position() < feed.publication.position());
    }

    private String diagnostics(final long framesBefore, final long episodesBefore) {
        final StringBuilder errors = new StringBuilder();
        for (int i = 0; i < ProtocolError.count(); i++) {
            errors.append(feed.counters.protocolErrors(ProtocolError.get(i)).get()).append(' ');
        }
        return "frames " + (feed.counters.frames().get() - framesBefore) + ", back-pressure episodes "
            + (feed.counters.backPressureEpisodes().get() - episodesBefore) + ", protocol errors by reason " + errors;
    }

    private long totalProtocolErrors() {
        long total = 0;
        for (int i = 0; i < ProtocolError.count(); i++) {
            total += feed.counters.protocolErrors(ProtocolError.get(i)).get();
        }
        return total;
    }

    private long[] drops() {
        final long[] drops = new long[DropReason.values().length];
        for (final DropReason reason : DropReason.values()) {
            drops[reason.ordinal()] = feed.counters.drops(reason).get();
        }
        return drops;
    }

    @Override
    public void close() {
        feed.close();
    }

    private static final class Expected {
        final List<IpcMessage> messages = new ArrayList<>();
        boolean error;
        boolean sawHello;
        long notAllowed;
        long overMaximum;
        long heartbeats;
    }
}
