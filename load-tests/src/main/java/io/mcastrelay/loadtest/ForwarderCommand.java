package io.mcastrelay.loadtest;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.mcastrelay.wire.Ipv4;

/**
 * The command line that starts each kind of forwarder, under {@code taskset -c} when the run pins forwarders to CPUs.
 * The relay gets only what the harness must set (its Aeron directory, free ports, the egress interface with loopback
 * and TTL 1, the feeds, their destinations and allowed sources): every other setting is the relay's default, which
 * is what is measured. Stateless.
 */
final class ForwarderCommand {
    private ForwarderCommand() {
    }

    /**
     * Where a relay's Aeron directory and HTTP ports are.
     *
     * @param aeronDir       its Aeron directory.
     * @param serverPort     its HTTP port ({@code /readyz}).
     * @param managementPort its actuator port ({@code /actuator/prometheus}).
     * @param replayPort     its replay port, with recovery on.
     * @param archiveDir     its archive directory, with recovery on.
     */
    record RelayPlaces(Path aeronDir, int serverPort, int managementPort, int replayPort, Path archiveDir) {
    }

    /**
     * The relay's JVM flags as every launcher of it has them: the repository's {@code bin/relay-jvm-flags}, one flag
     * a line, {@code #} comments. Looked for from the working directory (the repository's root, or a module's).
     *
     * @return the flags.
     * @throws IOException if the file is nowhere to be found.
     */
    static List<String> relayJvmFlags() throws IOException {
        for (final Path file : List.of(Path.of("bin", "relay-jvm-flags"), Path.of("..", "bin", "relay-jvm-flags"))) {
            if (Files.isRegularFile(file)) {
                final List<String> flags = new ArrayList<>();
                for (final String line : Files.readAllLines(file)) {
                    final String flag = line.strip();
                    if (!flag.isEmpty() && !flag.startsWith("#")) {
                        flags.add(flag);
                    }
                }
                return flags;
            }
        }
        throw new IOException("bin/relay-jvm-flags not found from " + Path.of("").toAbsolutePath()
            + "; run the load tests from the repository (load-tests/run.sh)");
    }

    /**
     * Builds the command.
     *
     * @param kind       which forwarder.
     * @param options    the run's options.
     * @param gcLog      the JVM's GC log (JVM kinds).
     * @param relay      the relay's places (relay kinds), or null.
     * @param feedPorts  one TCP port per feed.
     * @param feedGroups each feed's groups.
     * @param udpPort    the UDP port of every group.
     * @return the command.
     * @throws IOException if the yardstick or the relay's flags are missing, or the interface has no IPv4 address.
     */
    static List<String> of(
        final Forwarder.Kind kind, final LoadTestOptions options, final Path gcLog, final RelayPlaces relay,
        final int[] feedPorts, final int[][] feedGroups, final int udpPort) throws IOException {
        final List<String> command = new ArrayList<>();
        if (options.forwarderCpus() != null) {
            command.addAll(List.of("taskset", "-c", options.forwarderCpus()));
        }
        if (kind == Forwarder.Kind.YARDSTICK) {
            final Path yardstick = options.yardstick();
            if (yardstick == null || !Files.isExecutable(yardstick)) {
                throw new IOException("no yardstick at " + yardstick + ": build it with gcc -O2 -Wall -Wextra -o"
                    + " load-tests/target/yardstick load-tests/native/yardstick.c and pass --yardstick PATH");
            }
            command.addAll(List.of(yardstick.toString(), "--interface-address",
                ipv4(options.networkInterface()).getHostAddress(), "--ports", ports(feedPorts), "--ttl", "1",
                "--loop", "1"));
            return command;
        }
        command.add(options.java());
        command.add("-Xlog:gc*:file=" + gcLog + ":time,uptime,level,tags");
        command.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
        if (kind == Forwarder.Kind.BASELINE) {
            command.addAll(options.baselineJvmOptions());
            command.addAll(List.of("-cp", options.loadTestsJar().toString(), DirectForwarder.class.getName(),
                "--interface", options.networkInterface(), "--ports", ports(feedPorts)));
            return command;
        }
        command.addAll(relayJvmFlags());
        command.addAll(options.relayJvmOptions());
        command.addAll(List.of("-jar", options.relayJar().toString(),
            "--relay.aeron.directory=" + relay.aeronDir(),
            "--server.port=" + relay.serverPort(),
            "--management.server.port=" + relay.managementPort(),
            "--relay.egress.network-interface=" + options.networkInterface(),
            "--relay.egress.loopback=true",
            "--relay.egress.ttl=1"));
        if (kind == Forwarder.Kind.RELAY_DEDICATED || kind == Forwarder.Kind.RELAY_BUSY_SPIN) {
            command.add("--relay.egress.threading=dedicated");
        }
        if (kind == Forwarder.Kind.RELAY_BUSY_SPIN) {
            command.add("--relay.egress.idle-strategy=busy-spin");
        }
        if (kind.recovery()) {
            command.addAll(List.of("--relay.recovery.enabled=true",
                "--relay.recovery.archive-directory=" + relay.archiveDir(),
                "--relay.recovery.port=" + relay.replayPort(),
                "--relay.recovery.allowed-sources[0]=127.0.0.0/8",
                "--relay.recovery.max-span=1h",
                // full speed: the replay is as fast as the relay and the customer can go
                "--relay.recovery.max-frames-per-second=100000000"));
        }
        for (int i = 0; i < feedPorts.length; i++) {
            final String feed = "--relay.feeds[" + i + "].";
            command.add(feed + "name=f" + i);
            command.add(feed + "port=" + feedPorts[i]);
            command.add(feed + "allowed-sources[0]=127.0.0.0/8");
            for (int j = 0; j < feedGroups[i].length; j++) {
                command.add(feed + "destinations[" + j + "]=" + Ipv4.toString(feedGroups[i][j]) + ":" + udpPort);
            }
        }
        return command;
    }

    private static String ports(final int[] feedPorts) {
        final StringBuilder ports = new StringBuilder();
        for (final int port : feedPorts) {
            ports.append(ports.length() == 0 ? "" : ",").append(port);
        }
        return ports.toString();
    }

    private static InetAddress ipv4(final String interfaceName) throws IOException {
        final NetworkInterface networkInterface = NetworkInterface.getByName(interfaceName);
        if (networkInterface != null) {
            for (final InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
                if (address instanceof Inet4Address) {
                    return address;
                }
            }
        }
        throw new IOException(interfaceName + " has no IPv4 address");
    }
}
