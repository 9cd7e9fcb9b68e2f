package io.mcastrelay.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command's exit status and output (stdout and stderr together), as the network tests run {@code ip},
 * {@code bridge} and the like; and the one way the tests put down a process they started.
 *
 * @param exit   the exit status, -1 if it did not finish within 10 s (it is killed then).
 * @param output what it printed.
 */
record Command(int exit, String output) {
    /**
     * Runs a command to its end, for at most 10 s.
     *
     * @param command the program and its arguments.
     * @return its exit status and output.
     */
    static Command run(final List<String> command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Command(-1, "timed out: " + command);
        }
        return new Command(process.exitValue(), output);
    }

    /**
     * Kills a process (SIGKILL) if it still runs and waits up to 10 s for it to go; an interrupt is kept for the
     * caller.
     *
     * @param process the process.
     */
    static void destroy(final Process process) {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
