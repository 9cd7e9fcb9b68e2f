package io.mcastrelay.app;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace of a test's own, with {@code lo} up and one interface, {@value #INTERFACE}, up with multicast
 * on and an address in 10.250.x.0/24: a dummy interface, or one end of a veth pair where the kernel has no dummy
 * driver. Nothing touches the host's network; {@link #close()} deletes the namespace and everything in it. Needs
 * root and iproute2: without them the test is skipped, except on CI ({@code CI=true}), where it fails.
 */
final class NetworkNamespace implements AutoCloseable {
    static final String INTERFACE = "d0";

    private final String ip;
    private final String name;
    private final String address;
    private String kind;

    private NetworkNamespace(final String ip, final String name, final String address) {
        this.ip = ip;
        this.name = name;
        this.address = address;
    }

    /** Creates the namespace, or skips the test (fails it on CI) if this machine cannot. */
    static NetworkNamespace createOrSkip() throws IOException, InterruptedException {
        final String ip = RelayProcess.executable("ip");
        require(ip != null, "iproute2's `ip` is not installed (apt-get install iproute2)");
        final Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        require(Integer.valueOf(0).equals(uid), "network namespaces need root; this JVM runs as uid " + uid);
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final String name = "relay-hc-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(random.nextInt());
        final NetworkNamespace namespace =
            new NetworkNamespace(ip, name, "10.250." + random.nextInt(256) + "." + (1 + random.nextInt(254)));
        final Command created = Command.run(List.of(ip, "netns", "add", name));
        require(created.exit() == 0, "cannot create a network namespace (" + created.output().trim() + ")");
        try {
            namespace.configure();
        } catch (final Throwable ex) {
            try {
                namespace.close();
            } catch (final Exception closing) {
                ex.addSuppressed(closing);
            }
            throw ex;
        }
        return namespace;
    }

    /**
     * Skips the calling test (or class) with the reason unless the condition holds; on CI ({@code CI=true}) fails
     * instead, because there the network tests must run.
     */
    static void require(final boolean condition, final String reason) {
        if (!condition) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + "; on CI (CI=true) network tests must run, not skip");
            }
            Assumptions.assumeTrue(false, reason);
        }
    }

    private void configure() throws IOException, InterruptedException {
        ip("link", "set", "lo", "up");
        if (tryIp("link", "add", INTERFACE, "type", "dummy").exit() == 0) {
            kind = "dummy";
        } else {
            ip("link", "add", INTERFACE, "type", "veth", "peer", "name", INTERFACE + "peer");
            ip("link", "set", INTERFACE + "peer", "up");
            kind = "veth: this kernel has no dummy driver";
        }
        ip("addr", "add", address + "/24", "dev", INTERFACE);
        ip("link", "set", INTERFACE, "up", "multicast", "on");
    }

    String name() {
        return name;
    }

    /** @return the interface's IPv4 address. */
    String address() {
        return address;
    }

    /** @return what {@value #INTERFACE} is: a dummy, or a veth end. */
    String kind() {
        return kind;
    }

    /**
     * Links this namespace to another with a veth pair of their own, without touching the host's namespace: the
     * pair is created here and its peer moved straight into the other.
     *
     * @param other       the namespace at the far end.
     * @param name        this end's interface name; the far end's is {@code name + "p"}.
     * @param address     this end's IPv4 address (a /24).
     * @param peerAddress the far end's.
     */
    void linkTo(final NetworkNamespace other, final String name, final String address, final String peerAddress)
        throws IOException, InterruptedException {
        ip("link", "add", name, "type", "veth", "peer", "name", name + "p", "netns", other.name());
        ip("addr", "add", address + "/24", "dev", name);
        ip("link", "set", name, "up");
        other.ip("addr", "add", peerAddress + "/24", "dev", name + "p");
        other.ip("link", "set", name + "p", "up");
    }

    /** Runs {@code ip -n NAMESPACE ARGS...} (as {@code ip netns exec NAMESPACE ip ARGS...}) and fails unless 0. */
    void ip(final String... args) throws IOException, InterruptedException {
        final Command result = tryIp(args);
        if (result.exit() != 0) {
            throw new IllegalStateException("ip -n " + name + " " + String.join(" ", args) + ": exit "
                + result.exit() + ": " + result.output());
        }
    }

    private Command tryIp(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(ip, "-n", name));
        command.addAll(List.of(args));
        return Command.run(command);
    }

    /** Deletes the namespace, and with it its interfaces. */
    @Override
    public void close() throws IOException {
        final Command deleted;
        try {
            deleted = Command.run(List.of(ip, "netns", "delete", name));
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting network namespace " + name, ex);
        }
        if (deleted.exit() != 0) {
            throw new IllegalStateException("could not delete network namespace " + name + ": " + deleted.output());
        }
    }

}
