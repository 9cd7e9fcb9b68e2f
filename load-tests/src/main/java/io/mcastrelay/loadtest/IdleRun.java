package io.mcastrelay.loadtest;

import java.io.IOException;
import java.net.NetworkInterface;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * One forwarder through one repetition of the idle scenario. Starts it and waits until it is ready (and, for a JVM,
 * has collected its start-up garbage), warms it up as traffic would ({@link #WARM_UP_FRAMES} frames on a connection
 * that then closes, so that a JVM's frame path is compiled, as in a relay that has been running), lets it settle,
 * then measures its process CPU with no connection at all. Then one {@link IdleSender} connects and, five times,
 * stays silent but for a HEARTBEAT a second, then sends one DATA frame, whose one-way latency a {@link LoadReceiver}
 * measures. The CPU of the silences is added up.
 * The control thread runs it; the subscriber has a thread of its own.
 */
final class IdleRun {
    /** Lone frames, each after a silence. */
    static final int LONE_FRAMES = 5;
    /** Frames sent before the idle windows, so that what is measured is a warm forwarder gone quiet. */
    static final int WARM_UP_FRAMES = 30_000;
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long LONE_FRAME_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final RunPlan plan;

    IdleRun(final RunPlan plan) {
        this.plan = plan;
    }

    IdleResult run() throws IOException, InterruptedException {
        final int port = FreePorts.tcp();
        final int udpPort = FreePorts.udp();
        final int group = 0xEFFF_4F01;
        final Forwarder forwarder = Forwarder.start(plan.kind(), plan.options(), plan.workDir(), plan.runName(),
            new int[] {port}, new int[][] {{group}}, udpPort);
        try {
            forwarder.awaitReady(TimeUnit.SECONDS.toNanos(90));
            forwarder.collectStartupGarbage(plan.options().java());
            forwarder.awaitQuiet(0, ForwarderRun.QUIET_MAX_NS);
            IdleSender.warmUp(port, plan.kind() == Forwarder.Kind.RELAY_SESSION ? "f0" : null, group, udpPort,
                plan.scenario().payloads().max(), WARM_UP_FRAMES);
            forwarder.awaitQuiet(plan.options().idle().settleNs(), ForwarderRun.QUIET_MAX_NS);
            final ProcessCpu.Window alone = ProcessCpu.open(forwarder.pid());
            sleepNs(plan.options().idle().windowNs(), alone);
            final CpuUsage noConnection = alone.close();
            print("no connection", noConnection);
            final RunClock clock = new RunClock(0, 0, TimeUnit.DAYS.toNanos(1));
            final int runToken = ThreadLocalRandom.current().nextInt();
            final long[] latencies = new long[LONE_FRAMES];
            CpuUsage silent = CpuUsage.NONE;
            try (LoadReceiver receiver = new LoadReceiver(
                NetworkInterface.getByName(plan.options().networkInterface()),
                udpPort, new int[] {group}, clock, runToken);
                IdleSender sender = IdleSender.connect(port,
                    plan.kind() == Forwarder.Kind.RELAY_SESSION ? "f0" : null)) {
                final Thread receiving = new Thread(receiver, "subscriber-idle");
                receiving.setDaemon(true);
                receiving.start();
                for (int i = 0; i < LONE_FRAMES; i++) {
                    final ProcessCpu.Window window = ProcessCpu.open(forwarder.pid());
                    silence(sender, clock, plan.options().idle().silenceNs(), window);
                    silent = silent.plus(window.close());
                    latencies[i] = loneFrame(sender, receiver, group, udpPort, runToken, clock);
                    plan.out().printf(Locale.ROOT, "  %-16s lone frame %d after %.1f s of silence: %s%n",
                        plan.kind().label, i + 1, plan.options().idle().silenceNs() / 1e9,
                        latencies[i] < 0 ? "LOST" : Report.micros(latencies[i]));
                }
                sender.finish();
                if (receiver.failure() != null) {
                    throw new IOException(plan.kind().label + ": the subscriber failed", receiver.failure());
                }
            }
            final Map<Integer, String> names = forwarder.threadNames(plan.options().java());
            final CpuUsage silentSender = silent.named(names);
            print("silent sender", silentSender);
            forwarder.stop();
            return new IdleResult(plan.kind(), plan.repetition(), plan.position(), noConnection.named(names),
                silentSender, latencies, forwarder.exitValue());
        } finally {
            forwarder.stop();
        }
    }

    private void print(final String what, final CpuUsage cpu) {
        plan.out().printf(Locale.ROOT, "  %-16s idle, %s: %.4f %% of a core over %.1f s (%s)%n", plan.kind().label,
            what, cpu.cores() * 100, cpu.windowNs() / 1e9, cpu.topPercent(3));
        plan.out().flush();
    }

    /** Heartbeats once a second for the whole silence, sampling the forwarder's CPU as it goes. */
    private static void silence(
        final IdleSender sender, final RunClock clock, final long silenceNs, final ProcessCpu.Window window)
        throws IOException {
        final long start = System.nanoTime();
        long nextHeartbeat = start;
        while (System.nanoTime() - start < silenceNs) {
            if (System.nanoTime() - nextHeartbeat >= 0) {
                sender.heartbeat(clock.epochNanos());
                window.sample();
                nextHeartbeat += SECOND_NS;
            }
            final long untilEnd = silenceNs - (System.nanoTime() - start);
            final long untilHeartbeat = nextHeartbeat - System.nanoTime();
            Forwarder.sleepMs(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(untilEnd, untilHeartbeat))));
        }
    }

    /** Sends one DATA frame and waits for the subscriber; returns its latency in ns, -1 if it did not come. */
    private long loneFrame(
        final IdleSender sender, final LoadReceiver receiver, final int group, final int udpPort, final int runToken,
        final RunClock clock) throws IOException {
        final long before = receiver.received();
        sender.data(group, udpPort, plan.scenario().payloads().max(), runToken, clock);
        final long deadline = System.nanoTime() + LONE_FRAME_TIMEOUT_NS;
        while (receiver.received() == before && System.nanoTime() - deadline < 0) {
            Forwarder.sleepMs(1);
        }
        final Histogram latency = LoadReceiver.newHistogram();
        receiver.intervalCorrectedInto(latency);
        return latency.getTotalCount() == 1 ? latency.getMaxValue() : -1;
    }

    private static void sleepNs(final long durationNs) {
        Forwarder.sleepMs(TimeUnit.NANOSECONDS.toMillis(durationNs));
    }

    /** Sleeps, sampling the window once a second. */
    private static void sleepNs(final long durationNs, final ProcessCpu.Window window) {
        final long end = System.nanoTime() + durationNs;
        for (long left = durationNs; left > 0; left = end - System.nanoTime()) {
            Forwarder.sleepMs(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, SECOND_NS))));
            window.sample();
        }
    }
}
