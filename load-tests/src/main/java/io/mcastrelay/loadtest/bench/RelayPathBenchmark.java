package io.mcastrelay.loadtest.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.status.ReadableCounter;
import io.mcastrelay.egress.Egress;
import io.mcastrelay.egress.EgressSettings;
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
 * The relay's whole frame path as it runs by default, on one thread: one TCP read of 16 relay-v1 DATA frames (a
 * pooled direct buffer, as the epoll transport delivers it) through the connection's pipeline (idle timer,
 * {@code FrameHandler}: decode, check, Aeron {@code tryClaim}, copy, commit, counters) into the feed's IPC stream of
 * a real embedded media driver, then the feed's egress agent, run by the handler as on the event loop: the stream
 * peeked into a batch, one {@code sendmmsg} to a multicast group on {@code lo}, the subscriber position moved, the
 * per-destination counters and latency recorders. Times and allocation are per frame; the leak detector is off, as
 * in production.
 */
public class RelayPathBenchmark extends RelayBenchmark {
    private static final String GROUP = "239.255.88.2";

    @Param({"64", "256", "1400"})
    int payloadBytes;

    private BenchAeron aeron;
    private Egress egress;
    private FeedPipeline pipeline;
    private EmbeddedChannel channel;
    private ByteBuf read;

    /** Starts the driver, egress on the event loop's terms, the feed's stream and one connection's pipeline. */
    @Setup
    public void setUp() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        aeron = new BenchAeron("path");
        final Destination destination = Destination.parse(GROUP + ":17998");
        final FeedSettings settings = BenchFeed.settings(destination, 1003);
        egress = new Egress(new EgressSettings("lo", 1, true, 0, "event-loop", "backoff", 256,
            List.of(new EgressSettings.Feed("bench", BenchAeron.CHANNEL, 1003, List.of(destination)))),
            aeron.aeron());
        egress.start();
        pipeline = new FeedPipeline(aeron.aeron(), settings, TimeUnit.MICROSECONDS.toNanos(100),
            new ReadableCounter(aeron.aeron().countersReader(), egress.counters("bench").sentPosition().id()),
            egress.agent("bench"));
        while (!pipeline.publication().isConnected()) {
            Thread.onSpinWait();
        }
        channel = new EmbeddedChannel(pipeline.connectionHandlers());
        read = BenchFeed.read(destination, FRAMES, payloadBytes);
    }

    /**
     * One read through the pipeline: published, then sent as 16 datagrams with one sendmmsg by the feed's egress.
     *
     * @return datagrams sent so far.
     */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long readPublishSend() {
        read.retain().readerIndex(0);
        channel.pipeline().fireChannelRead(read).fireChannelReadComplete();
        for (int i = 0; i < 1_000_000 && read.refCnt() > 1; i++) {
            // back-pressured (the driver had not yet moved the publisher's limit): run the feed's ticker
            channel.runScheduledPendingTasks();
        }
        return egress.counters("bench").destinations().get(0).datagrams().get();
    }

    /** Checks every frame was sent, and closes everything whatever the check says. */
    @TearDown
    public void tearDown() {
        final long frames = pipeline.counters().frames().get();
        final long sent = egress.counters("bench").destinations().get(0).datagrams().get();
        final int references = read.refCnt();
        try {
            channel.finishAndReleaseAll();
            read.release(references);
        } finally {
            CloseHelper.closeAll(pipeline, egress, aeron);
        }
        if (frames == 0 || sent != frames || references != 1) {
            throw new IllegalStateException("frames " + frames + ", sent " + sent + ", references " + references);
        }
    }
}
