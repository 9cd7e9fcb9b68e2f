package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.NetworkInterface;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The generator, the baseline forwarder (in this JVM) and a subscriber over real loopback TCP and multicast. */
@Timeout(30)
class LoopbackRunTest {
    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryScheduledFrameThroughTheBaselineAndMeasureItsLatency() throws Exception {
        final NetworkInterface lo = NetworkInterface.getByName("lo");
        final int port = FreePorts.tcp();
        final int udpPort = FreePorts.udp();
        final int[] groups = {0xEFFF_4E01, 0xEFFF_4E02};
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final List<ServerSocketChannel> servers =
            DirectForwarder.start(lo, List.of(port), new PrintStream(log, true, StandardCharsets.UTF_8));
        final RunClock clock = new RunClock(100_000_000L, 200_000_000L, 500_000_000L);
        final LoadReceiver receiver = new LoadReceiver(lo, udpPort, groups, clock, 99);
        final LoadGenerator generator = new LoadGenerator(port, 0, groups, udpPort, PayloadSizes.parse("mix"),
            RateSpec.parse("20k"), clock, 99, false);
        final Thread receiving = new Thread(receiver);
        final Thread sending = new Thread(generator);
        try {
            receiving.start();
            sending.start();
            sending.join();
            assertThat(generator.failure()).isNull();
            for (int i = 0; i < 100 && receiver.received() < generator.framesSent(); i++) {
                Thread.sleep(20);
            }
        } finally {
            receiver.close();
            receiving.join();
            CloseHelper.closeAll(servers);
        }
        final long sent = generator.framesSent();
        assertThat(sent).isBetween(13_000L, 14_001L);
        assertThat(generator.sent(0) + generator.sent(1)).isEqualTo(sent);
        assertThat(receiver.received()).isEqualTo(sent);
        assertThat(receiver.gaps()).isZero();
        assertThat(receiver.lastSequence(0)).isEqualTo(generator.sent(0));
        assertThat(receiver.measuredReceived()).isBetween(9_900L, 10_001L);
        final Histogram latency = LoadReceiver.newHistogram();
        receiver.intervalCorrectedInto(latency);
        assertThat(latency.getTotalCount()).isEqualTo(receiver.measuredReceived());
        assertThat(latency.getValueAtPercentile(50)).isPositive();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("closed port=" + port + " frames=" + sent
            + " datagrams=" + sent);
    }

    @Test
    void shouldDrawAReadablePercentilePlot() throws Exception {
        final Histogram histogram = LoadReceiver.newHistogram();
        for (int i = 1; i <= 10_000; i++) {
            histogram.recordValue(20_000L + i * 3L);
        }
        final Scenario scenario = Scenario.of("plot", "64", "100k", 1, 1, List.of(Forwarder.Kind.BASELINE));
        final RunResult run = new RunResult(scenario, Forwarder.Kind.BASELINE, 10_000, 100_000, 100_000, 0, 0,
            new ForwarderCounters(10_000, 10_000, 0, 0, 0), histogram, histogram, histogram,
            new GcLog.Pauses(List.of(), 0), 0, 0, null, 0, 1_000_000_000L, 0);
        final Path png = dir.resolve("plot.png");
        PercentilePlot.write(png, List.of(run));
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(960);
        assertThat(Files.size(png)).isGreaterThan(5_000);
    }
}
