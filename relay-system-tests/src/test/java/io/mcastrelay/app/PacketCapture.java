package io.mcastrelay.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * tcpdump on one port of the {@link MulticastNetwork}'s bridge, writing a pcap file packet by packet ({@code -U}),
 * so the test can read what crossed that port while the capture runs; a packet reaches the file at most about a
 * second after it crossed (the kernel's block timeout). The network stops the tcpdump process when it closes.
 */
final class PacketCapture {
    private final String port;
    private final Path file;
    private final Path log;
    private final Process process;

    PacketCapture(final String port, final Path file, final Path log, final Process process) {
        this.port = port;
        this.file = file;
        this.log = log;
        this.process = process;
    }

    /** @return the bridge port this captures on. */
    String port() {
        return port;
    }

    /** @return the pcap file, for a look with {@code tcpdump -r} after a failure. */
    Path file() {
        return file;
    }

    /** @return what tcpdump said so far (at its end: packets captured, and dropped by the kernel). */
    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Every packet captured so far. */
    List<CapturedPacket> packets() throws IOException {
        if (!process.isAlive() && process.exitValue() != 0) {
            throw new IllegalStateException("tcpdump on " + port + " exited with " + process.exitValue());
        }
        return CapturedPacket.read(file);
    }

    /**
     * Polls the capture until the condition holds on what it holds so far, at most the timeout.
     *
     * @return the packets that satisfied it, or the last ones read if none did in time.
     */
    List<CapturedPacket> await(final Predicate<List<CapturedPacket>> condition, final long timeoutMs)
        throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<CapturedPacket> packets = packets();
        while (!condition.test(packets) && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            packets = packets();
        }
        return packets;
    }
}
