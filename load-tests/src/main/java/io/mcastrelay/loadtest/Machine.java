package io.mcastrelay.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run measures on, as {@code results.md} states it (CPUs, OS, kernel, load average, every JVM's and the
 * yardstick compiler's version), and this JVM's pinning to CPUs ({@code --loader-cpus}). The control thread.
 */
final class Machine {
    private Machine() {
    }

    /**
     * The header lines of {@code results.md}.
     *
     * @param options the run's options.
     * @return Markdown list items.
     */
    static List<String> describe(final LoadTestOptions options) {
        final List<String> lines = new ArrayList<>();
        lines.add("- machine: " + cpuCount() + " CPUs (" + cpuModel() + "), " + osName() + ", kernel "
            + System.getProperty("os.version"));
        lines.add("- load driver JVM (generators, subscribers): " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.runtime.version") + ", " + String.join(" ",
                ManagementFactory.getRuntimeMXBean().getInputArguments()));
        lines.add("- forwarder JVMs (baseline, relay), `" + options.java() + " -version`: "
            + javaVersion(options.java()) + "; default heap and G1; relay " + options.relayJar()
            + (options.relayJvmOptions().isEmpty() ? "" : " with " + options.relayJvmOptions()));
        lines.add("- yardstick: " + (options.yardstick() == null ? "none (no --yardstick)"
            : options.yardstick() + ", " + compilerOf(options.yardstick())));
        lines.add("- CPUs: " + (options.forwarderCpus() == null ? "forwarders not pinned"
            : "forwarders on CPUs " + options.forwarderCpus() + " (taskset -c)") + "; load driver "
            + (options.loaderCpus() == null ? "not pinned" : "on CPUs " + options.loaderCpus())
            + " (its threads may run on " + String.join(" / ", allowedCpusOfThreads()) + ")");
        lines.add("- each run: warm-up " + options.warmupNs() / 1_000_000 + " ms, then a measurement window of "
            + options.durationNs() / 1_000_000 + " ms; generators " + (options.spin() ? "spin" : "park")
            + " between frames; idle: " + IdleRun.WARM_UP_FRAMES + " frames to warm up, "
            + options.idle().settleNs() / 1_000_000 + " ms to settle, "
            + options.idle().windowNs() / 1_000_000 + " ms with no connection, " + IdleRun.LONE_FRAMES + " x "
            + options.idle().silenceNs() / 1_000_000 + " ms of heartbeats each followed by a lone frame");
        lines.add("- UDP: net.core.rmem_max " + read("/proc/sys/net/core/rmem_max") + ", subscribers asked SO_RCVBUF "
            + LoadReceiver.REQUESTED_RECEIVE_BUFFER_BYTES + "; multicast on " + options.networkInterface()
            + " with loopback");
        return lines;
    }

    /** @return the 1, 5 and 15 minute load averages. */
    static String loadAverage() {
        final String[] fields = read("/proc/loadavg").trim().split("\\s+");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
    }

    /** @return the CPUs this process may run on, as a taskset list ({@code 0-1}). */
    static String allowedCpus() {
        for (final String line : read("/proc/self/status").split("\n")) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    /**
     * Pins every thread of this JVM, and so every thread it starts later, to some CPUs ({@code taskset -a -p -c}).
     * Processes it starts inherit the pinning, so forwarders must then be started with a {@code taskset} of their
     * own.
     *
     * @param cpus a taskset list.
     * @throws IOException if taskset fails.
     */
    static void pin(final String cpus) throws IOException {
        final Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus,
            Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
        final String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
                throw new IOException("taskset -a -p -c " + cpus + " failed: " + output);
            }
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    /** @return the distinct CPU lists this JVM's threads may run on. */
    private static Set<String> allowedCpusOfThreads() {
        final Set<String> lists = new TreeSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (final Path task : tasks) {
                for (final String line : read(task.resolve("status").toString()).split("\n")) {
                    if (line.startsWith("Cpus_allowed_list:")) {
                        lists.add(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            }
        } catch (final IOException ex) {
            lists.add("unknown");
        }
        return lists;
    }

    private static String javaVersion(final String java) {
        try {
            final Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(30, TimeUnit.SECONDS);
            return String.join("; ", output.trim().split("\n"));
        } catch (final IOException ex) {
            return "unknown (" + ex.getMessage() + ")";
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** @return the compiler an ELF binary names in its {@code .comment} section ({@code GCC: (Debian ...) 12.2.0}). */
    static String compilerOf(final Path binary) {
        try {
            final String bytes = new String(Files.readAllBytes(binary), StandardCharsets.ISO_8859_1);
            final int at = bytes.indexOf("GCC: (");
            if (at < 0) {
                return "compiler unknown";
            }
            final int end = bytes.indexOf('\0', at);
            return bytes.substring(at, end < 0 ? Math.min(bytes.length(), at + 80) : end);
        } catch (final IOException ex) {
            return "unreadable";
        }
    }

    private static String osName() {
        for (final String line : read("/etc/os-release").split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return System.getProperty("os.name");
    }

    private static long cpuCount() {
        return read("/proc/cpuinfo").lines().filter(line -> line.startsWith("processor")).count();
    }

    private static String cpuModel() {
        for (final String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU";
    }

    private static String read(final String file) {
        try {
            return ProcessCpu.read(Path.of(file));
        } catch (final IOException ex) {
            return "unknown";
        }
    }
}
