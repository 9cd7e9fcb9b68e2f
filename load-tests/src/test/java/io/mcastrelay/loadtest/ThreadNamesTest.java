package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ThreadNamesTest {
    @Test
    void shouldReadHexAndDecimalThreadIdsOutOfAThreadDump() {
        final String dump = String.join("\n",
            "\"relay-ingress-f0-2-1\" #35 daemon prio=5 os_prio=0 cpu=12.50ms elapsed=9.80s tid=0x00007f00 nid=0x1a2b"
                + " runnable  [0x00007f]",
            "   java.lang.Thread.State: RUNNABLE",
            "\"GC Thread#0\" os_prio=0 cpu=3.10ms elapsed=10.00s tid=0x00007f01 nid=0x1a00 runnable",
            "\"relay-egress\" #31 [6800] daemon prio=5 os_prio=0 cpu=1.20ms elapsed=9.8s tid=0x7f02 nid=6800 runnable");

        final Map<Integer, String> names = ThreadNames.parse(dump);

        assertThat(names).containsExactlyInAnyOrderEntriesOf(Map.of(0x1a2b, "relay-ingress-f0-2-1",
            0x1a00, "GC Thread#0", 6800, "relay-egress"));
    }

    @Test
    void shouldGiveTheFullNameOfAThreadWhoseCommIsCutAt15Characters() throws Exception {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch end = new CountDownLatch(1);
        final Thread thread = new Thread(() -> {
            running.countDown();
            try {
                end.await();
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, "a-name-longer-than-fifteen");
        thread.start();
        running.await();
        try {
            final long pid = ProcessHandle.current().pid();
            final int tid = tidOfComm(pid, "a-name-longer-t");
            final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

            assertThat(ThreadNames.ofJvm(java, pid)).containsEntry(tid, "a-name-longer-than-fifteen");
        } finally {
            end.countDown();
            thread.join();
        }
    }

    private static int tidOfComm(final long pid, final String comm) throws Exception {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (final Path task : tasks) {
                if (comm.equals(ProcessCpu.read(task.resolve("comm")))) {
                    return Integer.parseInt(task.getFileName().toString());
                }
            }
        }
        throw new AssertionError("no thread " + comm);
    }
}
