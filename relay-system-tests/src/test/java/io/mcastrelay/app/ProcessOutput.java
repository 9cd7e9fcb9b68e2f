package io.mcastrelay.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A child process's output lines, collected on a daemon thread of their own until the process ends. */
final class ProcessOutput {
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    /**
     * Starts collecting.
     *
     * @param process the child; its stdout (with stderr, if redirected there) is read to its end.
     * @param name    names the reading thread.
     */
    ProcessOutput(final Process process, final String name) {
        this.process = process;
        final Thread reader = new Thread(this::collect, "output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (final IOException ex) {
            // the process ended
        }
    }

    /** @return a copy of the lines so far. */
    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }
}
