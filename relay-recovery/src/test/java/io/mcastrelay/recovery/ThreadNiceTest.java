package io.mcastrelay.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class ThreadNiceTest {
    /** Field 19 of /proc/thread-self/stat, the calling thread's nice value. */
    private static int niceOfThisThread() throws IOException {
        final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    @Test
    void shouldLowerThePriorityOfTheCallingThreadOnly() throws Exception {
        final int before = niceOfThisThread();
        final AtomicInteger seen = new AtomicInteger(-100);
        final AtomicReference<Boolean> applied = new AtomicReference<>();
        final Thread replay = new Thread(() -> {
            applied.set(ThreadNice.apply(ReplayServer.REPLAY_NICE));
            try {
                seen.set(niceOfThisThread());
            } catch (final IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
        replay.start();
        replay.join();

        assertThat(applied.get()).isTrue();
        assertThat(seen.get()).isEqualTo(ReplayServer.REPLAY_NICE);
        assertThat(niceOfThisThread()).as("other threads keep theirs").isEqualTo(before);
    }
}
