package io.mcastrelay.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code main} of the test classpath run as a process of its own, optionally inside a network namespace
 * ({@code ip netns exec}, which execs, so {@link #pid()} is the JVM's): its output lines are collected, commands go
 * to its stdin, and it can be stopped and continued with SIGSTOP/SIGCONT as a stalled process would be.
 */
final class JavaProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final ProcessOutput output;

    private JavaProcess(final String name, final Process process) {
        this.name = name;
        this.process = process;
        this.output = new ProcessOutput(process, name);
    }

    /**
     * Starts {@code java -cp TEST_CLASSPATH MAIN ARGS...}.
     *
     * @param namespace a network namespace to run it in, or null for this one.
     * @param main      the class whose main runs.
     * @param args      its arguments.
     */
    static JavaProcess start(final String namespace, final Class<?> main, final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(List.of(RelayProcess.executable("ip"), "netns", "exec", namespace));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new JavaProcess(main.getSimpleName(), new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Writes one line to the process's stdin. */
    void command(final String line) throws IOException {
        final OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** Waits for a line that matches; fails with the output so far if none comes in time. */
    void awaitLine(final Predicate<String> line, final long timeoutMs) throws InterruptedException {
        if (!ReceiverProcess.await(() -> lines().stream().anyMatch(line), timeoutMs)) {
            throw new IllegalStateException(name + ": no such line in " + timeoutMs + " ms; alive: "
                + process.isAlive() + "; last output: " + tail());
        }
    }

    /** Waits for exactly this line. */
    void awaitLine(final String line, final long timeoutMs) throws InterruptedException {
        awaitLine(line::equals, timeoutMs);
    }

    boolean hasLine(final String line) {
        return lines().contains(line);
    }

    List<String> lines() {
        return output.lines();
    }

    /** The last 20 lines, for failure messages. */
    List<String> tail() {
        final List<String> all = lines();
        return all.subList(Math.max(0, all.size() - 20), all.size());
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** Sends a signal with kill(1): {@code STOP} freezes the process as a stuck consumer would, {@code CONT} thaws. */
    void signal(final String signal) throws IOException, InterruptedException {
        final Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() {
        Command.destroy(process);
    }
}
