package io.mcastrelay.ingress;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.mcastrelay.loadtest.bench.BenchAeron;
import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayV1Encoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ResourceLeakDetector;
import org.agrona.CloseHelper;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ingress hot path: one TCP read of 16 relay-v1 DATA frames, in a pooled direct buffer as the epoll transport
 * delivers it, through the connection's pipeline as {@link FeedChannelInitializer} builds it (idle timer, then
 * {@link FrameHandler}: decode, check, Aeron {@code tryClaim}, copy, commit, counters) on an {@link EmbeddedChannel},
 * into an IPC publication of a real embedded media driver; the benchmark thread then drains the subscription, so
 * each operation includes the poll of its frames. Times and allocation are per frame. The leak detector is off, as
 * in production. Should the publication push back (the driver thread moves its limit, and may lag on a busy
 * machine), the operation runs the handler's scheduled retry until the read is published, as the event loop would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    "-Dio.netty.leakDetection.level=disabled", "-Xms1g", "-Xmx1g"})
public class IngressPublishBenchmark {
    static final int FRAMES = 16;

    @Param({"64", "256", "1400"})
    int payloadBytes;

    private final FragmentHandler drain = (buffer, offset, length, header) -> { };
    private BenchAeron aeron;
    private Publication publication;
    private Subscription subscription;
    private IngressCounters counters;
    private EmbeddedChannel channel;
    private ByteBuf read;
    private int readLength;

    /** Starts the driver, the feed's stream and one connection's pipeline, and encodes the read. */
    @Setup
    public void setUp() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        aeron = new BenchAeron("ingress");
        final Destination destination = Destination.parse("239.255.1.1:5000");
        final FeedSettings settings = new FeedSettings("bench", "127.0.0.1", 0, Framing.RELAY_V1,
            List.of(destination), 8472, List.of("127.0.0.0/8"), 4, TimeUnit.SECONDS.toNanos(10), BenchAeron.CHANNEL,
            1001);
        publication = aeron.aeron().addPublication(settings.channel(), settings.streamId());
        subscription = aeron.aeron().addSubscription(settings.channel(), settings.streamId());
        BenchAeron.awaitConnected(publication, subscription);
        counters = new IngressCounters(aeron.aeron(), settings.name());
        final IngressFeed feed = new IngressFeed(settings, counters, publication, new OffsetEpochNanoClock(),
            TimeUnit.MICROSECONDS.toNanos(100), IngressServer.DEFAULT_ACK_INTERVAL_NS, null, null);
        channel = new EmbeddedChannel(
            new IdleStateHandler(settings.idleTimeoutNs(), FeedChannelInitializer.HEARTBEAT_INTERVAL_NS, 0,
                TimeUnit.NANOSECONDS),
            new FrameHandler(feed, 1));
        final int frameLength = DataFrameFlyweight.HEADER_LENGTH + payloadBytes;
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[frameLength * FRAMES]);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadBytes]);
        for (int i = 0; i < FRAMES; i++) {
            readLength += RelayV1Encoder.encodeData(frames, readLength, Ipv4.parse("239.255.1.1"), 5000, 0,
                1_700_000_000_000_000_000L, payload, 0, payloadBytes);
        }
        read = PooledByteBufAllocator.DEFAULT.directBuffer(readLength).writeBytes(frames.byteArray(), 0, readLength);
        if (!read.hasMemoryAddress()) {
            throw new IllegalStateException("expected a direct buffer with a memory address, as epoll reads into");
        }
    }

    /**
     * One read through the pipeline, then the subscription drained. The read is the same pooled direct buffer each
     * time, retained once more and rewound (the handler releases it once it has published every frame), so what is
     * measured is the relay's handler, not Netty's allocator on a thread that is no event loop.
     *
     * @return messages drained.
     */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int publishRead() {
        read.retain().readerIndex(0);
        channel.pipeline().fireChannelRead(read).fireChannelReadComplete();
        int drained = subscription.poll(drain, FRAMES);
        for (int i = 0; i < 1_000_000 && read.refCnt() > 1; i++) {
            // back-pressured (the driver had not yet moved the publisher's limit): run the handler's retry
            drained += subscription.poll(drain, FRAMES);
            channel.runScheduledPendingTasks();
        }
        return drained;
    }

    /** Checks every frame was published, and closes everything whatever the check says. */
    @TearDown
    public void tearDown() {
        final long frames = counters.frames().get();
        final int references = read.refCnt();
        try {
            channel.finishAndReleaseAll();
            read.release(references);
        } finally {
            CloseHelper.closeAll(counters, subscription, publication, aeron);
        }
        if (frames == 0 || references != 1) {
            throw new IllegalStateException("frames " + frames + ", read buffer references " + references);
        }
    }
}
