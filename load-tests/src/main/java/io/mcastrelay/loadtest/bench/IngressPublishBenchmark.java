package io.mcastrelay.loadtest.bench;

import java.util.concurrent.TimeUnit;

import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.mcastrelay.ingress.FeedPipeline;
import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.wire.Destination;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.agrona.CloseHelper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The ingress hot path: one TCP read of 16 relay-v1 DATA frames, in a pooled direct buffer as the epoll transport
 * delivers it, through the connection's pipeline as {@link FeedChannelInitializer} builds it (idle timer, then
 * {@code FrameHandler}: decode, check, Aeron {@code tryClaim}, copy, commit, counters) on an {@link EmbeddedChannel},
 * into an IPC publication of a real embedded media driver; the benchmark thread then drains the subscription, so
 * each operation includes the poll of its frames. Times and allocation are per frame. The leak detector is off, as
 * in production. Should the publication push back (the driver thread moves its limit, and may lag on a busy
 * machine), the operation runs the handler's scheduled retry until the read is published, as the event loop would.
 */
public class IngressPublishBenchmark extends RelayBenchmark {

    @Param({"64", "256", "1400"})
    int payloadBytes;

    private final FragmentHandler drain = (buffer, offset, length, header) -> { };
    private BenchAeron aeron;
    private FeedPipeline pipeline;
    private Subscription subscription;
    private EmbeddedChannel channel;
    private ByteBuf read;

    /** Starts the driver, the feed's stream and one connection's pipeline, and encodes the read. */
    @Setup
    public void setUp() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        aeron = new BenchAeron("ingress");
        final Destination destination = Destination.parse("239.255.1.1:5000");
        final FeedSettings settings = BenchFeed.settings(destination, 1001);
        pipeline = new FeedPipeline(aeron.aeron(), settings, TimeUnit.MICROSECONDS.toNanos(100), null, null);
        subscription = aeron.aeron().addSubscription(settings.channel(), settings.streamId());
        BenchAeron.awaitConnected(pipeline.publication(), subscription);
        channel = new EmbeddedChannel(pipeline.connectionHandlers());
        read = BenchFeed.read(destination, FRAMES, payloadBytes);
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
        final long frames = pipeline.counters().frames().get();
        final int references = read.refCnt();
        try {
            channel.finishAndReleaseAll();
            read.release(references);
        } finally {
            CloseHelper.closeAll(pipeline, subscription, aeron);
        }
        if (frames == 0 || references != 1) {
            throw new IllegalStateException("frames " + frames + ", read buffer references " + references);
        }
    }
}
