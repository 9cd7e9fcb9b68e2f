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

/**
 * The generator, a forwarder and a subscriber over real loopback TCP and multicast: the baseline in this JVM, and
 * the native yardstick, built with gcc, through the harness's own run (counters, CPU, the idle scenario).
 */
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
    void shouldForwardEveryFrameThroughTheYardstickAndMeasureItsCpu() throws Exception {
        final LoadTestOptions options = LoadTestOptions.parse(new String[] {"--yardstick",
            YardstickBuild.into(dir).toString(), "--warmup", "500ms", "--duration", "1s"});
        final Scenario scenario = Scenario.of("test-20k", "mix", "20k", 1, 1, List.of(Forwarder.Kind.YARDSTICK));
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();

        final RunResult result = new ForwarderRun(new RunPlan(scenario, Forwarder.Kind.YARDSTICK, 1, 1, options, dir,
            new PrintStream(progress, true, StandardCharsets.UTF_8))).run();

        assertThat(result.sent()).isBetween(25_000L, 30_002L);
        assertThat(result.counters().framesIn()).isEqualTo(result.sent());
        assertThat(result.counters().datagramsOut()).isEqualTo(result.sent());
        assertThat(result.counters().errors()).isZero();
        assertThat(result.lostInForwarder()).isZero();
        assertThat(result.lostAtSubscribers()).isZero();
        assertThat(result.hasLatency()).isTrue();
        assertThat(result.framesInWindow()).isBetween(18_000L, 20_002L);
        assertThat(result.cpu().windowNs()).isBetween(900_000_000L, 1_200_000_000L);
        assertThat(result.cpu().processNs()).isPositive();
        assertThat(result.cpu().cores()).isLessThanOrEqualTo(1.0);
        assertThat(result.cpuMicrosPerFrame()).isPositive().isLessThan(1000);
        assertThat(result.cpu().threads()).extracting(CpuUsage.ThreadCpu::name).containsExactly("yardstick");
        assertThat(result.driverCpu().processNs()).as("the generator's and subscriber's CPU").isPositive();
        assertThat(result.exitValue()).as("the yardstick stops on SIGTERM with status 0").isZero();
    }

    @Test
    void shouldMeasureTheYardsticksIdleCpuAndFiveLoneFramesAfterSilences() throws Exception {
        final LoadTestOptions options = LoadTestOptions.parse(new String[] {"--yardstick",
            YardstickBuild.into(dir).toString(), "--idle-settle", "200ms", "--idle-window", "1s",
            "--silence", "1200ms"});
        final Scenario idle = Scenario.idle(List.of(Forwarder.Kind.YARDSTICK));
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();

        final IdleResult result = new IdleRun(new RunPlan(idle, Forwarder.Kind.YARDSTICK, 1, 1, options, dir,
            new PrintStream(progress, true, StandardCharsets.UTF_8))).run();

        assertThat(result.loneLatencyNs()).hasSize(IdleRun.LONE_FRAMES).hasSize(5);
        for (final long latencyNs : result.loneLatencyNs()) {
            assertThat(latencyNs).as("each lone frame arrived, in under half a second").isBetween(1L, 500_000_000L);
        }
        assertThat(result.noConnection().windowNs()).isBetween(1_000_000_000L, 1_300_000_000L);
        assertThat(result.silentSender().windowNs()).isBetween(6_000_000_000L, 7_000_000_000L);
        assertThat(result.silentSender().processNs()).as("it read the heartbeats").isPositive();
        assertThat(result.noConnection().processNs()).as("blocked in epoll_pwait with nothing to do")
            .isLessThan(result.silentSender().processNs());
        assertThat(Files.readString(dir.resolve("idle-r1-yardstick.log")))
            .as("the warm-up's frames, then five lone frames and heartbeats it took as well-formed")
            .containsPattern("closed port=\\d+ frames=" + IdleRun.WARM_UP_FRAMES + " datagrams="
                + IdleRun.WARM_UP_FRAMES + " heartbeats=0 errors=0")
            .containsPattern("closed port=\\d+ frames=5 datagrams=5 heartbeats=([5-9]|1[0-9]) errors=0");
        assertThat(result.exitValue()).isZero();
    }

    @Test
    void shouldDrawAReadablePercentilePlot() throws Exception {
        final Histogram histogram = LoadReceiver.newHistogram();
        for (int i = 1; i <= 10_000; i++) {
            histogram.recordValue(20_000L + i * 3L);
        }
        final Scenario scenario = Scenario.of("plot", "64", "100k", 1, 1, List.of(Forwarder.Kind.BASELINE));
        final Path png = dir.resolve("plot.png");
        PercentilePlot.write(png, scenario, List.of(new PercentilePlot.Line("baseline", histogram, 100_000, 1),
            new PercentilePlot.Line("relay", histogram, 100_000, 5)));
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(960);
        assertThat(Files.size(png)).isGreaterThan(5_000);
    }
}
