package io.mcastrelay.loadtest;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.tools.ReplayClient;
import io.mcastrelay.wire.ReplayFrames;
import org.HdrHistogram.Histogram;

/**
 * One forwarder through one repetition of a scenario: start it, wait until it listens, start the subscribers and the
 * generators on a common schedule, show progress every second, let the forwarder drain, read its counters, stop it,
 * and sum up. At the measurement window's edges it reads the frames sent and received, and the CPU time of the
 * forwarder's and this JVM's threads ({@link ProcessCpu}, sampled every second in between). The control thread runs
 * it; the generators and subscribers have threads of their own.
 */
final class ForwarderRun {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    /** After the warm-up frames, before the run: at least this, and until the forwarder is quiet. */
    private static final long WARM_UP_SETTLE_NS = TimeUnit.SECONDS.toNanos(3);
    /** The longest wait for a forwarder to become quiet. */
    static final long QUIET_MAX_NS = TimeUnit.SECONDS.toNanos(60);

    private final RunPlan plan;
    private final List<LoadGenerator> generators = new ArrayList<>();
    private final List<LoadReceiver> receivers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final RunHistograms histograms = new RunHistograms();

    /**
     * Prepares a run.
     *
     * @param plan which scenario, forwarder and repetition.
     */
    ForwarderRun(final RunPlan plan) {
        this.plan = plan;
    }

    RunResult run() throws IOException, InterruptedException {
        final int feeds = plan.scenario().feeds();
        final int[] feedPorts = new int[feeds];
        final int[][] feedGroups = new int[feeds][plan.scenario().groupsPerFeed()];
        final int[] allGroups = new int[plan.scenario().streams()];
        final int udpPort = FreePorts.udp();
        for (int f = 0; f < feeds; f++) {
            feedPorts[f] = FreePorts.tcp();
            for (int g = 0; g < plan.scenario().groupsPerFeed(); g++) {
                final int stream = f * plan.scenario().groupsPerFeed() + g;
                feedGroups[f][g] = 0xEFFF_4D00 | (stream + 1);
                allGroups[stream] = feedGroups[f][g];
            }
        }
        final long udpErrorsBefore = UdpStats.receiveBufferErrors();
        final Forwarder forwarder = Forwarder.start(plan.kind(), plan.options(), plan.workDir(), plan.runName(),
            feedPorts, feedGroups, udpPort);
        try {
            forwarder.awaitReady(TimeUnit.SECONDS.toNanos(90));
            forwarder.awaitQuiet(0, QUIET_MAX_NS);
            warmUp(forwarder, plan, feedPorts, feedGroups, udpPort);
            forwarder.warmedUp(feedPorts.length, (long)feedPorts.length * IdleRun.WARM_UP_FRAMES);
            forwarder.collectStartupGarbage(plan.options().java());
            // this JVM's own garbage (the previous run's histograms and threads) is collected now, not in the window
            System.gc();
            final RunClock clock = new RunClock(TimeUnit.MILLISECONDS.toNanos(300), plan.options().warmupNs(),
                plan.options().durationNs());
            final int runToken = ThreadLocalRandom.current().nextInt();
            final NetworkInterface networkInterface =
                NetworkInterface.getByName(plan.options().networkInterface());
            for (int s = 0; s < plan.scenario().subscribers(); s++) {
                receivers.add(new LoadReceiver(networkInterface, udpPort, allGroups, clock, runToken));
            }
            for (int f = 0; f < feeds; f++) {
                final LoadGenerator generator = new LoadGenerator(feedPorts[f], f * plan.scenario().groupsPerFeed(),
                    feedGroups[f], udpPort, plan.scenario().payloads(), plan.scenario().rate(), clock, runToken,
                    plan.options().spin());
                generators.add(plan.kind() == Forwarder.Kind.RELAY_SESSION ? generator.withSession("f" + f)
                    : generator);
            }
            start("subscriber", receivers);
            start("generator", generators);
            final Replayer replayer = plan.kind() == Forwarder.Kind.RELAY_REPLAYING
                ? new Replayer(forwarder.replayPort(), clock) : null;
            if (replayer != null) {
                start("replayer", List.of(replayer));
            }
            final Window window = watch(clock, forwarder);
            if (replayer != null) {
                replayer.stop();
                System.out.printf("  %s: a customer replayed %,d datagrams in %d requests during the run, "
                    + "%,d of them in the measurement window%s%n", plan.runName(), replayer.datagrams(),
                    replayer.requests(), replayer.inWindow(), replayer.failure());
            }
            drainReceivers();
            final long sent = sent();
            final ForwarderCounters counters = forwarder.awaitCounters(sent, TimeUnit.SECONDS.toNanos(10));
            final CpuUsage cpu = window.cpu().named(forwarder.threadNames(plan.options().java()));
            receivers.forEach(LoadReceiver::close);
            for (final Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            histograms.collect(receivers, generators);
            forwarder.stop();
            final GcLog.Pauses gc = GcLog.pauses(forwarder.gcLog(), clock.measureStartEpochMs(),
                clock.measureEndEpochMs());
            final RunResult result = result(sent, window, counters, cpu, gc, udpErrorsBefore, forwarder.exitValue());
            checkFailures();
            return result;
        } finally {
            receivers.forEach(LoadReceiver::close);
            forwarder.stop();
        }
    }

    /**
     * Before the run's own warm-up (and once the forwarder is quiet after its start): {@link IdleRun#WARM_UP_FRAMES}
     * frames into each feed, then a wait until it is quiet again, at least 3 s, so that a JVM forwarder's compiler has
     * done with start-up and the frame path when the run begins, as in one that has been in service; a freshly started
     * JVM still compiling Spring's start-up code would measure the compiler, not the relay.
     */
    private static void warmUp(
        final Forwarder forwarder, final RunPlan plan, final int[] feedPorts, final int[][] feedGroups,
        final int udpPort) throws IOException {
        for (int f = 0; f < feedPorts.length; f++) {
            IdleSender.warmUp(feedPorts[f], plan.kind() == Forwarder.Kind.RELAY_SESSION ? "f" + f : null,
                feedGroups[f][0], udpPort, plan.scenario().payloads().max(), IdleRun.WARM_UP_FRAMES);
        }
        forwarder.awaitQuiet(WARM_UP_SETTLE_NS, QUIET_MAX_NS);
    }

    private void start(final String name, final List<? extends Runnable> runnables) {
        for (int i = 0; i < runnables.size(); i++) {
            final Thread thread = new Thread(runnables.get(i), name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** What is read at one edge of the measurement window. */
    private record Edge(long sent, long received, long driverCollections, HeapSnapshot heap) {
        Edge withHeap(final HeapSnapshot snapshot) {
            return new Edge(sent, received, driverCollections, snapshot);
        }
    }

    /** The window: its two edges, and the CPU between them. */
    private record Window(Edge start, Edge end, CpuUsage cpu, CpuUsage driverCpu) {
        HeapSnapshot.Delta heap() {
            return start.heap() != null && end.heap() != null ? new HeapSnapshot.Delta(start.heap(), end.heap()) : null;
        }
    }

    /** @return collections this JVM (the generators' and subscribers') has run so far. */
    private static long driverCollections() {
        long collections = 0;
        for (final GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, bean.getCollectionCount());
        }
        return collections;
    }

    private Edge counts() {
        return new Edge(sent(), received(), driverCollections(), null);
    }

    /** @return the forwarder's heap (steady state only: jstat takes a few hundred ms), or null. */
    private HeapSnapshot heap(final Forwarder forwarder) {
        return "steady".equals(plan.options().set()) ? HeapSnapshot.take(plan.options().java(), forwarder.pid()) : null;
    }

    private Window watch(final RunClock clock, final Forwarder forwarder) {
        Edge start = null;
        Edge end = null;
        ProcessCpu.Window cpu = null;
        ProcessCpu.Window driverCpu = null;
        CpuUsage cpuUsed = CpuUsage.NONE;
        CpuUsage driverCpuUsed = CpuUsage.NONE;
        long lastSent = 0;
        long lastReceived = 0;
        long nextReportNs = SECOND_NS;
        clock.awaitStart();
        while (!generatorsDone() || end == null) {
            final long elapsedNs = clock.elapsedNs();
            if (start == null && elapsedNs >= clock.warmupNs()) {
                cpu = ProcessCpu.open(forwarder.pid());
                driverCpu = ProcessCpu.open(ProcessHandle.current().pid());
                start = counts().withHeap(heap(forwarder));
            }
            if (end == null && (elapsedNs >= clock.endNs() - TimeUnit.MILLISECONDS.toNanos(20) || generatorsDone())) {
                end = counts();
                cpuUsed = cpu == null ? CpuUsage.NONE : cpu.close();
                driverCpuUsed = driverCpu == null ? CpuUsage.NONE : driverCpu.close();
                end = end.withHeap(heap(forwarder));
            }
            if (elapsedNs >= nextReportNs) {
                final long sent = sent();
                final long received = received();
                progress(elapsedNs, clock, sent - lastSent, (received - lastReceived) / subscribers());
                lastSent = sent;
                lastReceived = received;
                nextReportNs += SECOND_NS;
                if (end == null && cpu != null) {
                    cpu.sample();
                    driverCpu.sample();
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return new Window(start == null ? end : start, end, cpuUsed, driverCpuUsed);
    }

    private void progress(final long elapsedNs, final RunClock clock, final long sent, final long received) {
        final Histogram interval = histograms.collect(receivers, generators);
        final String phase = elapsedNs < clock.warmupNs() ? "warm-up" : "measure";
        plan.out().printf("  %-16s %3ds %-7s sent %9s/s  received %9s/s per subscriber  behind %8d  latency p50 %s"
                + " p99 %s max %s%n",
            plan.kind().label, elapsedNs / SECOND_NS, phase, Report.count(sent), Report.count(received),
            sent() - received() / subscribers(), Report.micros(interval.getValueAtPercentile(50)),
            Report.micros(interval.getValueAtPercentile(99)), Report.micros(interval.getMaxValue()));
        plan.out().flush();
    }

    /** Waits until no subscriber received anything for half a second (at most 5 s). */
    private void drainReceivers() {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long last = -1;
        while (System.nanoTime() - deadline < 0) {
            final long now = received();
            if (now == last) {
                return;
            }
            last = now;
            Forwarder.sleepMs(500);
        }
    }

    private RunResult result(
        final long sent, final Window window, final ForwarderCounters counters, final CpuUsage cpu,
        final GcLog.Pauses gc, final long udpErrorsBefore, final int exitValue) {
        final double seconds = plan.options().durationNs() / 1e9;
        long received = 0;
        long duplicates = 0;
        int receiveBuffer = Integer.MAX_VALUE;
        for (final LoadReceiver receiver : receivers) {
            received += receiver.received() - receiver.duplicates();
            duplicates += receiver.duplicates();
            receiveBuffer = Math.min(receiveBuffer, receiver.receiveBufferBytes());
        }
        final long framesInWindow = window.end().sent() - window.start().sent();
        return new RunResult(plan.scenario(), plan.kind(), plan.repetition(), plan.position(), sent, framesInWindow,
            framesInWindow / seconds,
            (window.end().received() - window.start().received()) / seconds / subscribers(),
            sent * receivers.size() - received, duplicates, counters, histograms.corrected, histograms.raw,
            histograms.lateness, gc,
            UdpStats.receiveBufferErrors() - udpErrorsBefore, receiveBuffer, window.heap(), exitValue,
            plan.options().durationNs(), window.end().driverCollections() - window.start().driverCollections(), cpu,
            window.driverCpu());
    }

    /** @return subscribers, at least 1 to divide by (a run may have none: the forwarder alone). */
    private int subscribers() {
        return Math.max(1, receivers.size());
    }

    private boolean generatorsDone() {
        for (final LoadGenerator generator : generators) {
            if (!generator.done()) {
                return false;
            }
        }
        return true;
    }

    private long sent() {
        long sent = 0;
        for (final LoadGenerator generator : generators) {
            sent += generator.framesSent();
        }
        return sent;
    }

    private long received() {
        long received = 0;
        for (final LoadReceiver receiver : receivers) {
            received += receiver.received();
        }
        return received;
    }

    private void checkFailures() throws IOException {
        for (final LoadGenerator generator : generators) {
            if (generator.failure() != null) {
                throw new IOException(plan.kind().label + ": a generator failed", generator.failure());
            }
        }
        for (final LoadReceiver receiver : receivers) {
            if (receiver.failure() != null) {
                throw new IOException(plan.kind().label + ": a subscriber failed", receiver.failure());
            }
        }
    }

    /**
     * A customer replaying feed {@code f0} through the relay's replay port at full speed, from ten minutes back
     * (everything the relay holds: warm-up and run) to now, again and again until stopped, reading and dropping
     * what arrives. It runs beside the live load, so the live figures show what a replay costs the live path.
     */
    private static final class Replayer implements Runnable {
        private final int port;
        private final RunClock clock;
        private volatile boolean running = true;
        private volatile long datagrams;
        private volatile long inWindow;
        private volatile long requests;
        private volatile String failure = "";

        Replayer(final int port, final RunClock clock) {
            this.port = port;
            this.clock = clock;
        }

        @Override
        public void run() {
            try (ReplayClient client = new ReplayClient("127.0.0.1", port, 30_000)) {
                while (running) {
                    final long now = System.currentTimeMillis() * 1_000_000L;
                    final ReplayClient.Answer answer = client.request(new ReplayFrames.Request(
                        ReplayFrames.KIND_TIME, ReplayFrames.KIND_TIME, 0, 0, now - TimeUnit.MINUTES.toNanos(10), now,
                        requests + 1, "f0"), (group, p, sequence, time, buffer, offset, length) -> {
                            datagrams++;
                            if (clock.measured(clock.elapsedNs())) {
                                inWindow++;
                            }
                        });
                    requests++;
                    if (answer.outcome() != ReplayFrames.Outcome.COMPLETE &&
                        answer.outcome() != ReplayFrames.Outcome.PARTIAL) {
                        failure = " (" + answer.outcome() + ": " + answer.reason() + ")";
                        return;
                    }
                }
            } catch (final IOException ex) {
                failure = " (" + ex + ")";
            }
        }

        void stop() {
            running = false;
        }

        long datagrams() {
            return datagrams;
        }

        long inWindow() {
            return inWindow;
        }

        long requests() {
            return requests;
        }

        String failure() {
            return failure;
        }
    }
}
