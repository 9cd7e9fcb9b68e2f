package io.mcastrelay.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A small network of a test's own that stands in for a VPC and its Transit Gateway multicast domain. One namespace
 * holds a Linux bridge, {@value #BRIDGE}, with multicast snooping on, IGMP version 2 and a querier; every host
 * (datacenter sender, relay, customers) is a namespace of its own with one interface, {@value #INTERFACE} as in ECS
 * awsvpc mode, on a veth pair whose other end is a bridge port named after the host. Addresses come from a
 * private /24 chosen per run; hosts force IGMPv2 ({@code net.ipv4.conf.{all,default,eth0}.force_igmp_version=2}).
 * Nothing is created in the host's own namespace, so interface names cannot collide; namespace names carry this
 * JVM's pid and a random run id, so parallel runs do not collide either.
 *
 * <p>{@link #close()} stops every process started here (tcpdump, receivers, the relay), kills whatever still runs in
 * the run's namespaces and deletes them, and the run's temp directory; a shutdown hook does the same if the JVM is
 * stopped first. Namespaces left by an earlier run whose JVM is gone (killed) are deleted at creation.
 * Needs root, iproute2 ({@code ip}, {@code bridge}) and tcpdump: without them the test is skipped, except on CI
 * ({@code CI=true}), where it fails.
 */
final class MulticastNetwork implements AutoCloseable {
    static final String INTERFACE = "eth0";
    static final String BRIDGE = "tgw0";
    private static final String PREFIX = "mcast-";
    private static final Pattern RUN_NAMESPACE = Pattern.compile("^" + PREFIX + "([0-9a-f]+)-[0-9a-f]{4}-\\S+");
    private static final Pattern RUN_DIRECTORY = Pattern.compile("^mcast-network-([0-9a-f]+)-[0-9a-f]{4}\\d+$");

    private final String ip;
    private final String bridgeCommand;
    private final String tcpdump;
    private final String run;
    private final String subnet;
    private final Path directory;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook = new Thread(this::closeQuietly, "multicast-network-teardown");
    private long querierStartedMillis;
    private boolean closed;

    private MulticastNetwork(final String ip, final String bridgeCommand, final String tcpdump) throws IOException {
        this.ip = ip;
        this.bridgeCommand = bridgeCommand;
        this.tcpdump = tcpdump;
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        run = Long.toHexString(ProcessHandle.current().pid()) + "-" + String.format("%04x", random.nextInt(0x10000));
        subnet = "10." + (64 + random.nextInt(128)) + "." + random.nextInt(256) + ".";
        directory = Files.createTempDirectory("mcast-network-" + run);
    }

    /**
     * Builds the network with one host per name (each at most 15 characters: it names the host's bridge port), or
     * skips the test (fails it on CI) if this machine cannot.
     */
    static MulticastNetwork createOrSkip(final List<String> hostNames) throws IOException, InterruptedException {
        final String ip = RelayProcess.executable("ip");
        final String bridge = RelayProcess.executable("bridge");
        final String tcpdump = RelayProcess.executable("tcpdump");
        NetworkNamespace.require(ip != null && bridge != null,
            "iproute2's `ip` and `bridge` are not installed (apt-get install iproute2)");
        NetworkNamespace.require(tcpdump != null, "tcpdump is not installed (apt-get install tcpdump)");
        final Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        NetworkNamespace.require(Integer.valueOf(0).equals(uid),
            "network namespaces and bridges need root; this JVM runs as uid " + uid);
        final MulticastNetwork network = new MulticastNetwork(ip, bridge, tcpdump);
        network.deleteLeftoversOfDeadRuns();
        Runtime.getRuntime().addShutdownHook(network.shutdownHook);
        try {
            network.build(hostNames);
        } catch (final Throwable ex) {
            try {
                network.close();
            } catch (final Exception closing) {
                ex.addSuppressed(closing);
            }
            throw ex;
        }
        return network;
    }

    private void build(final List<String> hostNames) throws IOException, InterruptedException {
        final String bridgeNamespace = addNamespace("tgw");
        final Command created = Command.run(List.of(ip, "-n", bridgeNamespace, "link", "add", BRIDGE, "type",
            "bridge", "mcast_snooping", "1", "mcast_igmp_version", "2", "mcast_querier", "1"));
        NetworkNamespace.require(created.exit() == 0,
            "cannot create a multicast-snooping bridge (" + created.output().trim() + ")");
        int hostNumber = 10;
        for (final String name : hostNames) {
            if (name.length() > 15 || hosts.containsKey(name)) {
                throw new IllegalArgumentException("host names must be unique and at most 15 characters: " + name);
            }
            final Host host = new Host(name, addNamespace(name), subnet + hostNumber++, name);
            forceIgmpVersion2(host.namespace(), "all", "default");
            ipIn(bridgeNamespace, "link", "add", host.port(), "type", "veth", "peer", "name", INTERFACE,
                "netns", host.namespace());
            ipIn(bridgeNamespace, "link", "set", host.port(), "master", BRIDGE, "up");
            forceIgmpVersion2(host.namespace(), INTERFACE);
            ipIn(host.namespace(), "link", "set", "lo", "up");
            ipIn(host.namespace(), "addr", "add", host.address() + "/24", "dev", INTERFACE);
            ipIn(host.namespace(), "link", "set", INTERFACE, "up");
            // senders that name no interface (the flood probe) find it by route; the relay names its own
            ipIn(host.namespace(), "route", "add", "224.0.0.0/4", "dev", INTERFACE);
            hosts.put(name, host);
        }
        ipIn(bridgeNamespace, "link", "set", BRIDGE, "up");
        querierStartedMillis = System.currentTimeMillis();
    }

    private String addNamespace(final String name) throws IOException, InterruptedException {
        final String namespace = PREFIX + run + "-" + name;
        final Command added = Command.run(List.of(ip, "netns", "add", namespace));
        NetworkNamespace.require(added.exit() == 0,
            "cannot create a network namespace (" + added.output().trim() + ")");
        namespaces.add(namespace);
        return namespace;
    }

    /** The same as {@code sysctl -w net.ipv4.conf.NAME.force_igmp_version=2} inside the namespace. */
    private void forceIgmpVersion2(final String namespace, final String... interfaces)
        throws IOException, InterruptedException {
        final StringBuilder script = new StringBuilder("set -e");
        for (final String name : interfaces) {
            script.append("; echo 2 > /proc/sys/net/ipv4/conf/").append(name).append("/force_igmp_version");
        }
        exec(namespace, "sh", "-c", script.toString());
    }

    /** @return the host of that name. */
    Host host(final String name) {
        final Host host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no host " + name + " in " + hosts.keySet());
        }
        return host;
    }

    /** @return the namespace that holds the bridge. */
    String bridgeNamespace() {
        return namespaces.get(0);
    }

    /** @return when the bridge, and with it the querier, came up (epoch milliseconds). */
    long querierStartedMillis() {
        return querierStartedMillis;
    }

    /** @return a temp directory of this run's, deleted on close. */
    Path directory() {
        return directory;
    }

    /**
     * Starts a process inside a namespace ({@code ip netns exec NAMESPACE COMMAND...}, which execs the command, so
     * the process is the command itself); it is stopped on close.
     *
     * @param output a file for stdout and stderr, or null to read them from the process (stderr merged).
     */
    Process start(final String namespace, final List<String> command, final Path output) throws IOException {
        final List<String> all = new ArrayList<>(List.of(ip, "netns", "exec", namespace));
        all.addAll(command);
        final ProcessBuilder builder = new ProcessBuilder(all).redirectErrorStream(true);
        if (output != null) {
            builder.redirectOutput(output.toFile());
        }
        final Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Runs a command inside a namespace to its end; fails unless it exits 0. */
    String exec(final String namespace, final String... command) throws IOException, InterruptedException {
        final List<String> all = new ArrayList<>(List.of(ip, "netns", "exec", namespace));
        all.addAll(List.of(command));
        final Command result = Command.run(all);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", all) + ": exit " + result.exit() + ": " + result.output());
        }
        return result.output();
    }

    private void ipIn(final String namespace, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(ip, "-n", namespace));
        command.addAll(List.of(args));
        final Command result = Command.run(command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": exit " + result.exit() + ": "
                + result.output());
        }
    }

    /**
     * Starts tcpdump on a bridge port, inside the bridge's namespace, and waits until it listens.
     *
     * @param port   the bridge port: a host's name.
     * @param filter a pcap filter such as {@code igmp or udp}.
     */
    PacketCapture capture(final String port, final String filter) throws IOException, InterruptedException {
        final Path file = directory.resolve(port + ".pcap");
        final Path log = directory.resolve(port + ".tcpdump.log");
        // -Z root: tcpdump would otherwise drop to its own user, who may not write to the run's directory.
        // -B: a 16 MB ring, and no --immediate-mode: the kernel hands packets over in full blocks (or after 1 s),
        // so a busy CPU does not make it drop a burst, as it did in immediate mode with 8 MB
        final Process process = start(bridgeNamespace(), List.of(tcpdump, "-Z", "root", "-U", "-B", "16384",
            "-n", "-i", port, "-w", file.toString(), filter), log);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains("listening on")) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("tcpdump on " + port + " did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return new PacketCapture(port, file, log, process);
    }

    /** {@code bridge mdb show} in the bridge's namespace: for each IPv4 group the bridge snooped, its ports. */
    Map<String, Set<String>> mdb() throws IOException, InterruptedException {
        final Map<String, Set<String>> groups = new TreeMap<>();
        final Pattern entry = Pattern.compile("\\bport (\\S+) grp (\\d+\\.\\d+\\.\\d+\\.\\d+)\\b");
        for (final String line : mdbShow().split("\n")) {
            final Matcher matcher = entry.matcher(line);
            if (matcher.find()) {
                groups.computeIfAbsent(matcher.group(2), group -> new TreeSet<>()).add(matcher.group(1));
            }
        }
        return groups;
    }

    /** @return the name of the network namespace the process runs in ({@code ip netns identify PID}). */
    String namespaceOf(final long pid) throws IOException, InterruptedException {
        return Command.run(List.of(ip, "netns", "identify", Long.toString(pid))).output().trim();
    }

    /** @return {@code bridge mdb show} as it prints it. */
    String mdbShow() throws IOException, InterruptedException {
        return exec(bridgeNamespace(), bridgeCommand, "mdb", "show");
    }

    /**
     * Deletes the namespaces of runs whose JVM is gone (killed before it could clean up), what runs in them, and
     * their temp directories.
     */
    private void deleteLeftoversOfDeadRuns() throws IOException, InterruptedException {
        for (final String line : Command.run(List.of(ip, "netns", "list")).output().split("\n")) {
            final Matcher matcher = RUN_NAMESPACE.matcher(line);
            if (matcher.find() && ProcessHandle.of(Long.parseLong(matcher.group(1), 16)).isEmpty()) {
                deleteNamespace(line.split(" ")[0]);
            }
        }
        try (Stream<Path> directories = Files.list(directory.getParent())) {
            for (final Path leftover : directories.toList()) {
                final Matcher matcher = RUN_DIRECTORY.matcher(leftover.getFileName().toString());
                if (matcher.find() && ProcessHandle.of(Long.parseLong(matcher.group(1), 16)).isEmpty()) {
                    deleteDirectory(leftover);
                }
            }
        }
    }

    /** Kills what still runs in the namespace (processes of this run only), then deletes it. */
    private void deleteNamespace(final String namespace) throws IOException, InterruptedException {
        for (final String pid : Command.run(List.of(ip, "netns", "pids", namespace)).output().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        final Command deleted = Command.run(List.of(ip, "netns", "delete", namespace));
        if (deleted.exit() != 0) {
            throw new IllegalStateException("could not delete network namespace " + namespace + ": "
                + deleted.output());
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (final Exception ex) {
            System.err.println("[MulticastNetwork] teardown: " + ex);
        }
    }

    /** Stops every process of the run, deletes its namespaces (and their interfaces) and its temp directory. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (final IllegalStateException ex) {
            // the JVM is shutting down: this is the hook
        }
        try {
            tearDown();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while tearing down network " + run
                + "; delete what is left with: ip netns list | grep " + PREFIX + run, ex);
        }
    }

    private void tearDown() throws IOException, InterruptedException {
        for (final Process process : processes) {
            process.destroy();
        }
        for (final Process process : processes) {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        final List<String> toDelete = new ArrayList<>(namespaces);
        for (final String line : Command.run(List.of(ip, "netns", "list")).output().split("\n")) {
            final String name = line.split(" ")[0];
            if (name.startsWith(PREFIX + run + "-") && !toDelete.contains(name)) {
                toDelete.add(name);
            }
        }
        IllegalStateException failure = null;
        for (final String namespace : toDelete) {
            try {
                deleteNamespace(namespace);
            } catch (final IllegalStateException ex) {
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("MULTICAST_NETWORK_KEEP"))) {
            System.out.println("[MulticastNetwork] MULTICAST_NETWORK_KEEP=true: pcaps and logs kept in " + directory);
        } else {
            deleteDirectory(directory);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteDirectory(final Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * One host: a namespace with {@value MulticastNetwork#INTERFACE} on the bridge.
     *
     * @param name      the host's name.
     * @param namespace its network namespace.
     * @param address   the IPv4 address of its interface.
     * @param port      its port on the bridge.
     */
    record Host(String name, String namespace, String address, String port) {
    }

}
