package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Image;
import io.mcastrelay.tools.ReplayClient;
import io.mcastrelay.wire.ReplayFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ExecConfig;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The relay's image, built with the command docker/README.md gives ({@code docker build -f docker/Dockerfile .} in
 * the repository root, so the shipped {@code .dockerignore} decides what the build sees), run as an operator runs it:
 * its own shared memory, multicast out of the container's {@code eth0}, a subscriber in another container on the same
 * Docker network, frames sent from the host into the published feed port.
 *
 * <p>Needs a Docker engine and the base image ({@code docker/build-base-image.sh}; {@code docker/ci-docker.sh}
 * brings both). Without either the tests are skipped with the reason, except on CI ({@code CI=true}), where they
 * fail. Where the test itself runs in a container (a {@code /.dockerenv}) but talks to the host's engine, set
 * {@code TESTCONTAINERS_HOST_OVERRIDE=localhost}; where no registry is reachable,
 * {@code TESTCONTAINERS_RYUK_DISABLED=true} (Ryuk's image cannot be pulled).
 */
@Tag("docker")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DockerImageIT {
    private static final String BASE_IMAGE = System.getenv().getOrDefault("RELAY_BASE_IMAGE",
        "mcast-relay-base:bookworm-java25");
    private static final String RELAY_UID = "10001";
    private static final int FEED_PORT = 6666;
    private static final int HEALTH_PORT = 8080;
    private static final int REPLAY_PORT = 6800;
    private static final String GROUP_A = "239.255.6.1";
    private static final int PORT_A = 6200;
    private static final String GROUP_B = "239.255.6.2";
    private static final int PORT_B = 6201;
    private static final int FRAMES = 400;
    private static final long SHM_BYTES = 128L * 1024 * 1024;
    private static final Pattern PRINTED = Pattern.compile("^(\\S+) from=(\\S+):\\d+ len=(\\d+) payload=([0-9a-f]*)$");

    /** The image's tag, once built. */
    private static String image;
    private static Network network;

    /** Per test rather than per class, so that a skip reports each test as skipped with the reason. */
    @BeforeEach
    void requireDockerAndBuildTheImageOnce() throws Exception {
        require(DockerClientFactory.instance().isDockerAvailable(),
            "no Docker engine answers (DOCKER_HOST, /var/run/docker.sock): start one, or run docker/ci-docker.sh");
        require(imageExists(BASE_IMAGE), "the base image " + BASE_IMAGE +
            " is missing: build it with docker/build-base-image.sh (or name another in RELAY_BASE_IMAGE)");
        if (image != null) {
            return;
        }
        final Path repository = Path.of("").toAbsolutePath().getParent();
        assertThat(RelayProcess.JAR).as("relay.jar, built by relay-app's package phase").exists();
        assertThat(repository.resolve("relay-capture/target/relay-capture.jar")).exists();
        final String tag = "mcast-relay-it:" + Long.toHexString(System.nanoTime());
        final Process build = new ProcessBuilder("docker", "build", "-f", "docker/Dockerfile", "-t", tag,
            "--build-arg", "BASE_IMAGE=" + BASE_IMAGE, ".")
            .directory(repository.toFile()).redirectErrorStream(true).start();
        final CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (final java.io.IOException ex) {
                return ex.toString();
            }
        });
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("docker build finished in 5 minutes").isTrue();
        assertThat(build.exitValue()).as("docker build -f docker/Dockerfile . exit status; its output:%n%s",
            output.get(10, TimeUnit.SECONDS)).isZero();
        image = tag;
        network = Network.newNetwork();
    }

    @AfterAll
    static void removeNetworkAndImages() throws Exception {
        if (network != null) {
            network.close();
        }
        if (image != null) {
            docker().removeImageCmd(image).withForce(true).exec();
            // the Dockerfile's first stage, left untagged by the build
            for (final Image stage : docker().listImagesCmd().withDanglingFilter(true)
                .withLabelFilter("io.mcastrelay.stage=layers").exec()) {
                docker().removeImageCmd(stage.getId()).exec();
            }
        }
    }

    @Test
    void shouldRelayFramesFromTheFeedPortAsMulticastToAnotherContainerByteForByteInOrder() throws Exception {
        try (GenericContainer<?> relay = relay()) {
            relay.start();
            assertRelaysToAnotherContainer(relay, FRAMES);
        }
    }

    @Test
    void shouldRelayWithoutAnyCapabilityNoNewPrivilegesAndAReadOnlyRootFilesystem() throws Exception {
        try (GenericContainer<?> relay = relay()
            .withTmpFs(Map.of("/tmp", "rw,exec,nosuid,nodev,size=64m"))
            .withCreateContainerCmdModifier(create -> create.getHostConfig()
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withReadonlyRootfs(true))) {
            relay.start();

            final Map<String, String> status = new LinkedHashMap<>();
            for (final String line : relay.execInContainer("cat", "/proc/1/status").getStdout().split("\n")) {
                final int colon = line.indexOf(':');
                if (colon > 0) {
                    status.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            assertThat(status.get("Uid")).as("real, effective, saved and fs uid of the JVM")
                .isEqualTo(String.join("\t", RELAY_UID, RELAY_UID, RELAY_UID, RELAY_UID));
            assertThat(status.get("CapEff")).as("effective capabilities").isEqualTo("0000000000000000");
            assertThat(status.get("CapPrm")).as("permitted capabilities").isEqualTo("0000000000000000");
            assertThat(status.get("CapBnd")).as("bounding set: --cap-drop ALL").isEqualTo("0000000000000000");
            assertThat(status.get("NoNewPrivs")).as("no-new-privileges").isEqualTo("1");
            assertThat(relay.execInContainer(ExecConfig.builder().user("0")
                .command(new String[] {"touch", "/written"}).build()).getStderr())
                .as("even root cannot write the root filesystem").contains("Read-only file system");
            assertRelaysToAnotherContainer(relay, FRAMES / 4);
        }
    }

    /** Sends frames into the relay's feed port and checks a subscriber in another container gets each in order. */
    private static void assertRelaysToAnotherContainer(final GenericContainer<?> relay, final int frames)
        throws Exception {
        try (GenericContainer<?> subscriber = new GenericContainer<>(image)) {
            subscriber.withNetwork(network)
                .withCreateContainerCmdModifier(create -> create.getHostConfig()
                    .withSysctls(Map.of("net.ipv4.conf.all.force_igmp_version", "2")))
                .withCommand("relay-subscriber", "--interface", "eth0", "--join",
                    GROUP_A + ":" + PORT_A + "," + GROUP_B + ":" + PORT_B, "--print", "--quiet",
                    "--expect", String.valueOf(frames))
                .waitingFor(Wait.forLogMessage(".*RelaySubscriber: joined.*\\n", 1))
                .start();

            final Map<String, List<String>> sent = new LinkedHashMap<>();
            sent.put(GROUP_A + ":" + PORT_A, new ArrayList<>());
            sent.put(GROUP_B + ":" + PORT_B, new ArrayList<>());
            try (FeedClient exchange = new FeedClient(relay.getMappedPort(FEED_PORT))) {
                for (int i = 0; i < frames; i++) {
                    final boolean toA = i % 2 == 0;
                    final byte[] payload = payload(i);
                    exchange.send(toA ? GROUP_A : GROUP_B, toA ? PORT_A : PORT_B, payload);
                    sent.get(toA ? GROUP_A + ":" + PORT_A : GROUP_B + ":" + PORT_B)
                        .add(HexFormat.of().formatHex(payload));
                    if (i % 20 == 19) {
                        Thread.sleep(5); // the subscriber's socket buffer is the kernel's default
                    }
                }
            }

            assertThat(await(() -> !subscriber.isRunning(), Duration.ofSeconds(60)))
                .as("the subscriber got all %d datagrams; its log:%n%s%nrelay's log:%n%s", frames,
                    subscriber.getLogs(), relay.getLogs())
                .isTrue();
            assertThat(inspect(subscriber).getState().getExitCodeLong()).isZero();
            final String relayAddress = relay.getContainerInfo().getNetworkSettings().getNetworks().values()
                .iterator().next().getIpAddress();
            final Map<String, List<String>> received = new LinkedHashMap<>();
            for (final String line : subscriber.getLogs().split("\n")) {
                final Matcher printed = PRINTED.matcher(line.strip());
                if (printed.matches()) {
                    assertThat(printed.group(2)).as("source: the relay's eth0 address").isEqualTo(relayAddress);
                    assertThat(printed.group(4)).hasSize(2 * Integer.parseInt(printed.group(3)));
                    received.computeIfAbsent(printed.group(1), label -> new ArrayList<>()).add(printed.group(4));
                }
            }
            for (final Map.Entry<String, List<String>> group : sent.entrySet()) {
                assertThat(received.get(group.getKey())).as("payloads to %s, in order", group.getKey())
                    .containsExactlyElementsOf(group.getValue());
            }
        }
    }

    @Test
    void shouldRecordEveryFeedOnItsArchiveVolumeAndGiveItBackOnTheReplayPort() throws Exception {
        try (GenericContainer<?> relay = relay()
            .withEnv("RELAY_RECOVERY_ENABLED", "true")
            .withEnv("RELAY_RECOVERY_ALLOWED_SOURCES_0", "0.0.0.0/0")
            .withEnv("RELAY_RECOVERY_SEGMENT_SIZE", "8MB")
            .withEnv("RELAY_RECOVERY_MAX_BYTES", "32MB")
            .withTmpFs(Map.of("/var/lib/mcast-relay/archive",
                "rw,uid=" + RELAY_UID + ",gid=" + RELAY_UID + ",size=96m"))
            .withExposedPorts(FEED_PORT, HEALTH_PORT, REPLAY_PORT)) {
            relay.start();
            final long from = System.currentTimeMillis() * 1_000_000L;
            final List<byte[]> sent = new ArrayList<>();
            try (FeedClient exchange = new FeedClient(relay.getMappedPort(FEED_PORT))) {
                for (int i = 0; i < 200; i++) {
                    sent.add(payload(i));
                    exchange.send(GROUP_A, PORT_A, sent.get(i));
                }
            }
            Thread.sleep(1_000);
            final List<byte[]> replayed = new ArrayList<>();
            final ReplayClient.Answer answer;
            try (ReplayClient client = new ReplayClient(relay.getHost(), relay.getMappedPort(REPLAY_PORT), 10_000)) {
                answer = client.request(new ReplayFrames.Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_TIME,
                    0, 0, from, System.currentTimeMillis() * 1_000_000L, 1, "test"),
                    (group, port, sequence, time, buffer, offset, length) -> {
                        final byte[] payload = new byte[length];
                        buffer.getBytes(offset, payload);
                        replayed.add(payload);
                    });
            }
            assertThat(answer.datagrams()).as("%s; relay's log:%n%s", answer.reason(), relay.getLogs())
                .isEqualTo(sent.size());
            assertThat(replayed).containsExactlyElementsOf(sent);
            assertThat(relay.getLogs()).contains("recording 2 feed(s) in /var/lib/mcast-relay/archive");
        }
    }

    @Test
    void shouldShipTheCaptureWhichStreamsMulticastToTheRelayInASession() throws Exception {
        // The relay remaps the group: the capture joins the datacenter side on the same Docker network, and would
        // otherwise hear the relay's own output and stream it back, a loop (docs/capture.md warns of it).
        try (GenericContainer<?> relay = relay().withCommand("--relay.feeds[0].name=test",
                "--relay.feeds[0].port=" + FEED_PORT, "--relay.feeds[0].allowed-sources[0]=0.0.0.0/0",
                "--relay.feeds[0].destinations[0]=" + GROUP_A + ":" + PORT_A + "->239.255.16.1:" + PORT_A);
             GenericContainer<?> capture = new GenericContainer<>(image)) {
            relay.start();
            capture.withNetwork(network)
                .withCommand("relay-capture", "--feed=test", "--relays=relay:" + FEED_PORT,
                    "--groups=" + GROUP_A + ":" + PORT_A, "--interface=eth0")
                .waitingFor(Wait.forLogMessage(".*relay-capture started: feed=test.*\\n", 1))
                .start();
            assertThat(await(() -> relay.getLogs().contains("feed=test") && relay.getLogs().contains(" session "),
                Duration.ofSeconds(30))).as("the relay's log:%n%s%ncapture's log:%n%s", relay.getLogs(),
                capture.getLogs()).isTrue();

            // the exchange's multicast in the capture's own container: looped back to the capture, joined on eth0
            assertThat(capture.execInContainer("bash", "-c", "for i in $(seq 1 50); do echo datacenter-$i > "
                + "/dev/udp/" + GROUP_A + "/" + PORT_A + "; done").getExitCode()).isZero();
            assertThat(await(() -> prometheus(relay).contains("relay_ingress_frames_total{feed=\"test\"} 50.0"),
                Duration.ofSeconds(30))).as("50 frames through the capture's session; capture's log:%n%s",
                capture.getLogs()).isTrue();
            assertThat(prometheus(relay)).contains("relay_ingress_sessions_total{feed=\"test\"} 1.0");
        }
    }

    /** The relay's Prometheus scrape, from inside its container (the management port listens on loopback). */
    private static String prometheus(final GenericContainer<?> relay) throws Exception {
        return relay.execInContainer("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET "
            + "/actuator/prometheus HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && cat <&3").getStdout();
    }

    @Test
    void shouldRunAsItsOwnUserAndReportHealthyThroughTheImagesHealthcheck() throws Exception {
        try (GenericContainer<?> relay = relay()) {
            relay.start();

            assertThat(inspect(relay).getConfig().getUser()).isEqualTo(RELAY_UID + ":" + RELAY_UID);
            assertThat(relay.execInContainer("id", "-u").getStdout().strip()).isEqualTo(RELAY_UID);
            assertThat(relay.execInContainer("stat", "-c", "%u", "/proc/1").getStdout().strip())
                .as("owner of PID 1, the relay's JVM").isEqualTo(RELAY_UID);
            assertThat(await(() -> "healthy".equals(inspect(relay).getState().getHealth().getStatus()),
                Duration.ofSeconds(60)))
                .as("Docker's health status; checks: %s", inspect(relay).getState().getHealth().getLog()).isTrue();
            assertThat(relay.execInContainer("/opt/relay/bin/healthcheck").getExitCode()).isZero();
            assertThat(relay.execInContainer("env", "SERVER_PORT=1", "/opt/relay/bin/healthcheck").getExitCode())
                .as("nothing listening").isEqualTo(1);
        }
    }

    @Test
    void shouldTurnUnhealthyAtOnceThenDrainAndExitZeroOnDockerStop() throws Exception {
        try (GenericContainer<?> relay = relay().withEnv("RELAY_SHUTDOWN_READINESS_GRACE", "3s")) {
            relay.start();
            assertThat(relay.execInContainer("/opt/relay/bin/healthcheck").getExitCode()).isZero();
            try (FeedClient exchange = new FeedClient(relay.getMappedPort(FEED_PORT))) {
                exchange.send(GROUP_A, PORT_A, payload(1));
            }

            final CompletableFuture<Void> stop = CompletableFuture.runAsync(
                () -> docker().stopContainerCmd(relay.getContainerId()).withTimeout(30).exec());
            assertThat(await(() -> relay.execInContainer("/opt/relay/bin/healthcheck").getExitCode() == 1,
                Duration.ofSeconds(3)))
                .as("/readyz answers 503 while the relay drains").isTrue();
            stop.get(40, TimeUnit.SECONDS);

            final InspectContainerResponse.ContainerState state = inspect(relay).getState();
            assertThat(state.getRunning()).isFalse();
            assertThat(state.getExitCodeLong()).as("exit status; log:%n%s", relay.getLogs()).isZero();
            assertThat(relay.getLogs()).contains("relay drained: every accepted frame was sent", "relay stopped");
        }
    }

    private static GenericContainer<?> relay() {
        return new GenericContainer<>(image)
            .withNetwork(network)
            .withNetworkAliases("relay")
            .withSharedMemorySize(SHM_BYTES)
            .withExposedPorts(FEED_PORT, HEALTH_PORT)
            .waitingFor(Wait.forHttp("/readyz").forPort(HEALTH_PORT).forStatusCode(200)
                .withStartupTimeout(Duration.ofMinutes(2)));
    }

    /** Bytes that differ per frame in content and length, with zero and 0xff among them. */
    private static byte[] payload(final int index) {
        final byte[] prefix = ("frame-" + index + ":").getBytes(StandardCharsets.US_ASCII);
        final byte[] payload = new byte[prefix.length + 8 + index % 97];
        System.arraycopy(prefix, 0, payload, 0, prefix.length);
        for (int i = prefix.length; i < payload.length; i++) {
            payload[i] = (byte)(index * 31 + i * 7);
        }
        payload[payload.length - 1] = (byte)0xff;
        payload[prefix.length] = 0;
        return payload;
    }

    private static boolean imageExists(final String name) {
        try {
            docker().inspectImageCmd(name).exec();
            return true;
        } catch (final NotFoundException ex) {
            return false;
        }
    }

    private static InspectContainerResponse inspect(final GenericContainer<?> container) {
        return docker().inspectContainerCmd(container.getContainerId()).exec();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean await(final Check check, final Duration timeout) throws Exception {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadlineNs) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** Skips with the reason unless the condition holds; on CI ({@code CI=true}) fails instead. */
    static void require(final boolean condition, final String reason) {
        if (!condition) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + "; on CI (CI=true) the docker tests must run, not skip");
            }
            Assumptions.assumeTrue(false, reason);
        }
    }
}
