package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reads this JVM's own threads through procfs and compares with what the JVM says they used. */
@Timeout(20)
class ProcessCpuTest {
    private static final long BURN_NS = TimeUnit.MILLISECONDS.toNanos(150);
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Test
    void shouldCountAThreadStartedInTheWindowByNameAsMuchAsTheJvmSaysItUsed() throws Exception {
        final Burner burner = new Burner("cpu-burner");
        final ProcessCpu.Window window = ProcessCpu.open(ProcessHandle.current().pid());
        burner.thread.start();
        burner.burnt.await();

        final CpuUsage usage = window.close();
        burner.mayEnd.countDown();
        burner.thread.join();

        final CpuUsage.ThreadCpu thread = usage.threads().stream()
            .filter(t -> "cpu-burner".equals(t.name())).findFirst().orElseThrow();
        assertThat(thread.cpuNs()).as("procfs against ThreadMXBean, ns")
            .isBetween(burner.cpuNs.get() - 1_000_000L, burner.cpuNs.get() + 20_000_000L);
        assertThat(usage.processNs()).isGreaterThanOrEqualTo(thread.cpuNs());
        // The JIT's threads may outwork the burner in a young JVM, so the order is checked, not who comes first.
        assertThat(usage.threads()).extracting(CpuUsage.ThreadCpu::cpuNs).as("the busiest first")
            .isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(usage.processTicksNs()).as("the coarse utime + stime agree")
            .isBetween(usage.processNs() - 60_000_000L, usage.processNs() + 60_000_000L);
        assertThat(usage.top(1, 0)).startsWith(usage.threads().get(0).name() + " ");
    }

    @Test
    void shouldKeepTheCpuOfAThreadThatEndedInTheWindowUpToItsLastSample() throws Exception {
        final ProcessCpu.Window window = ProcessCpu.open(ProcessHandle.current().pid());
        final Burner burner = new Burner("short-lived");
        burner.thread.start();
        burner.burnt.await();
        window.sample();
        burner.mayEnd.countDown();
        burner.thread.join();

        final CpuUsage usage = window.close();

        assertThat(usage.threads()).filteredOn(t -> "short-lived".equals(t.name())).singleElement()
            .satisfies(t -> assertThat(t.cpuNs()).isGreaterThanOrEqualTo(burner.cpuNs.get() - 1_000_000L));
    }

    @Test
    void shouldAddWindowsThreadByThread() {
        final CpuUsage a = new CpuUsage(1_000, 300, 0, List.of(new CpuUsage.ThreadCpu(1, "x", 300)));
        final CpuUsage b = new CpuUsage(1_000, 500, 0, List.of(new CpuUsage.ThreadCpu(1, "x", 200),
            new CpuUsage.ThreadCpu(2, "y", 300)));

        final CpuUsage both = a.plus(b);

        assertThat(both.windowNs()).isEqualTo(2_000);
        assertThat(both.processNs()).isEqualTo(800);
        assertThat(both.cores()).isEqualTo(0.4);
        assertThat(both.threads()).extracting(CpuUsage.ThreadCpu::cpuNs).containsExactly(500L, 300L);
        assertThat(both.microsPerFrame(4)).isEqualTo(0.2);
        assertThat(CpuUsage.NONE.microsPerFrame(10)).isNaN();
    }

    /** A thread that burns CPU until the JVM says it used {@link #BURN_NS}, then waits to be let go. */
    private final class Burner {
        final CountDownLatch burnt = new CountDownLatch(1);
        final CountDownLatch mayEnd = new CountDownLatch(1);
        final AtomicLong cpuNs = new AtomicLong();
        final Thread thread;

        Burner(final String name) {
            thread = new Thread(() -> {
                long used = 0;
                while (used < BURN_NS) {
                    used = threads.getCurrentThreadCpuTime();
                }
                cpuNs.set(used);
                burnt.countDown();
                try {
                    mayEnd.await();
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, name);
        }
    }
}
