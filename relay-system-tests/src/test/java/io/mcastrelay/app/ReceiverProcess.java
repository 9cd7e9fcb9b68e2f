package io.mcastrelay.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The test's side of one {@link NamespaceReceiver}: starts it inside a host's namespace, collects its output lines
 * and sends it commands. The {@link MulticastNetwork} stops the process when it closes.
 */
final class ReceiverProcess {
    private final String host;
    private final Process process;
    private final ProcessOutput output;

    private ReceiverProcess(final String host, final Process process) {
        this.host = host;
        this.process = process;
        this.output = new ProcessOutput(process, "receiver-" + host);
    }

    /** Starts a receiver in the host's namespace with no group joined yet; waits until it is ready. */
    static ReceiverProcess start(final MulticastNetwork network, final MulticastNetwork.Host host)
        throws IOException, InterruptedException {
        final Process process = network.start(host.namespace(), List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            NamespaceReceiver.class.getName(), MulticastNetwork.INTERFACE), null);
        final ReceiverProcess receiver = new ReceiverProcess(host.name(), process);
        receiver.awaitLine("ready", 30_000);
        return receiver;
    }

    /** Sends one command ({@code join G:P}, {@code leave G:P}) and waits for its acknowledgement. */
    void command(final String verb, final String destination) throws IOException, InterruptedException {
        final OutputStream in = process.getOutputStream();
        in.write((verb + " " + destination + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
        awaitLine(("join".equals(verb) ? "joined " : "left ") + destination, 10_000);
    }

    private void awaitLine(final String line, final long timeoutMs) throws InterruptedException {
        if (!await(() -> lines().contains(line), timeoutMs)) {
            throw new IllegalStateException(host + ": no '" + line + "' in " + timeoutMs + " ms; alive: "
                + process.isAlive() + "; output: " + lines());
        }
    }

    /**
     * The payloads, as hex, of the datagrams received on one destination whose payload starts with the phase.
     *
     * @param destination the VPC-side group:port.
     * @param phase       the sender's phase ({@link NamespaceSender#payload} starts with it and a space).
     */
    List<String> payloads(final String destination, final String phase) {
        final String prefix = "datagram " + destination + " ";
        final String phaseHex = HexFormat.of().formatHex((phase + " ").getBytes(StandardCharsets.US_ASCII));
        final List<String> payloads = new ArrayList<>();
        for (final String line : lines()) {
            if (line.startsWith(prefix)) {
                final String hex = line.substring(line.lastIndexOf(' ') + 1);
                if (hex.startsWith(phaseHex)) {
                    payloads.add(hex);
                }
            }
        }
        return payloads;
    }

    /** @return every datagram line: {@code datagram GROUP:PORT SOURCE HEX}. */
    List<String> datagrams() {
        return lines().stream().filter(line -> line.startsWith("datagram ")).toList();
    }

    List<String> lines() {
        return output.lines();
    }

    String host() {
        return host;
    }

    /** Polls every 20 ms until the condition holds or the timeout passes; returns whether it held. */
    static boolean await(final BooleanSupplier condition, final long timeoutMs) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
