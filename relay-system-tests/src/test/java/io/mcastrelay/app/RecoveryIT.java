package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.tools.RelaySender;
import io.mcastrelay.tools.RelaySubscriber;
import io.mcastrelay.tools.ReplayClient;
import io.mcastrelay.tools.ReplayTool;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.ProbePayload;
import io.mcastrelay.wire.ReplayFrames;
import io.mcastrelay.wire.ReplayFrames.Outcome;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged relay with recovery on: what went out as multicast comes back from the replay port byte for byte,
 * also after the relay is killed (kill -9: the archive is not closed) and started again on the same archive
 * directory; the recording shows in health and metrics.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecoveryIT {
    private static final String GROUP = "239.255.81.1";
    private static final int FRAMES = 2000;

    private Path archive;
    private int feedPort;
    private int udpPort;
    private int replayPort;

    @BeforeEach
    void ports() throws Exception {
        archive = Files.createTempDirectory("relay-archive-it");
        feedPort = TestRelay.freePort();
        udpPort = TestRelay.freePort();
        replayPort = TestRelay.freePort();
    }

    @AfterEach
    void removeArchive() {
        IoUtil.delete(archive.toFile(), true);
    }

    private RelayProcess relay(final String... more) throws Exception {
        final List<String> properties = new ArrayList<>(List.of(
            "relay.aeron.term-length=64KB",
            "relay.recovery.enabled=true",
            "relay.recovery.archive-directory=" + archive,
            "relay.recovery.port=" + replayPort,
            "relay.recovery.allowed-sources[0]=127.0.0.0/8",
            "relay.recovery.segment-size=128KB",
            "relay.recovery.max-bytes=8MB",
            "relay.feeds[0].name=prod",
            "relay.feeds[0].port=" + feedPort,
            "relay.feeds[0].max-payload=1000B",
            "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort));
        properties.addAll(List.of(more));
        final RelayProcess relay = new RelayProcess(properties.toArray(String[]::new));
        assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
        return relay;
    }

    private List<byte[]> replay(final long from, final long to, final ReplayClient.Answer[] answer) throws Exception {
        final List<byte[]> got = new ArrayList<>();
        try (ReplayClient client = new ReplayClient("127.0.0.1", replayPort, 10_000)) {
            answer[0] = client.request(new ReplayFrames.Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_TIME,
                Ipv4.parse(GROUP), udpPort, from, to, 7, "prod"), (group, port, sequence, time, buffer, offset,
                length) -> {
                final byte[] payload = new byte[length];
                buffer.getBytes(offset, payload);
                got.add(payload);
            });
        }
        return got;
    }

    @Test
    void shouldGiveBackWhatWentOutAsMulticastByteForByteAlsoAfterAKillAndRestartOnTheSameArchive() throws Exception {
        final long from = System.currentTimeMillis() * 1_000_000L;
        final List<byte[]> delivered;
        try (RelayProcess relay = relay();
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort);
             FeedClient sender = new FeedClient(feedPort)) {
            for (int i = 0; i < FRAMES; i++) {
                sender.send(GROUP, udpPort, payload(i));
            }
            delivered = customer.await(FRAMES, 20, TimeUnit.SECONDS);
            assertThat(delivered).hasSize(FRAMES);
            Thread.sleep(500);

            final ReplayClient.Answer[] answer = new ReplayClient.Answer[1];
            final List<byte[]> replayed = replay(from, System.currentTimeMillis() * 1_000_000L, answer);

            assertThat(answer[0].outcome()).as(answer[0].reason()).isIn(Outcome.COMPLETE, Outcome.PARTIAL);
            assertThat(answer[0].datagrams()).isEqualTo(FRAMES);
            assertThat(replayed).containsExactlyElementsOf(delivered);
            assertThat(relay.metric("relay_recovery_replayed_total", "feed=\"prod\"")).isEqualTo(FRAMES);
            assertThat(relay.metric("relay_recovery_recording", "feed=\"prod\"")).isEqualTo(1.0);
            assertThat(relay.metric("relay_recovery_held_age_seconds", "feed=\"prod\""))
                .as("the window held: since the recording started, a few seconds ago").isBetween(0.5, 120.0);
            assertThat(relay.managementHealth().body()).contains("\"recovery.prod.recording\":\"recording\"");
        }

        try (RelayProcess restarted = relay()) {
            final ReplayClient.Answer[] answer = new ReplayClient.Answer[1];
            final List<byte[]> replayed = replay(from, System.currentTimeMillis() * 1_000_000L, answer);

            assertThat(answer[0].datagrams()).as("after the restart; %s; log:%n%s", answer[0].reason(),
                restarted.output()).isEqualTo(FRAMES);
            assertThat(replayed).containsExactlyElementsOf(delivered);
        }
    }

    @Test
    void shouldLetASubscriberJoinLateFromATimeAndGetEveryDatagramThenLiveWithNoneMissingOrRepeated()
        throws Exception {
        final int datagrams = 20_000;
        try (RelayProcess relay = relay("relay.feeds[0].sequence.offset=" + ProbePayload.SEQUENCE_OFFSET,
                "relay.feeds[0].sequence.width=8")) {
            final long started = System.currentTimeMillis();
            final JavaProcess sender = JavaProcess.start(null, RelaySender.class, "--port", String.valueOf(feedPort),
                "--dest", GROUP + ":" + udpPort, "--rate", "2000", "--count", String.valueOf(datagrams),
                "--payload-bytes", "100");
            try (sender) {
                Thread.sleep(5_000);
                // joins 5 s into a 10 s feed and asks for everything from 2 s into it
                final JavaProcess late = JavaProcess.start(null, RelaySubscriber.class, "--interface", "127.0.0.1",
                    "--join", GROUP + ":" + udpPort, "--quiet", "--duration-seconds", "15",
                    "--recover", "127.0.0.1:" + replayPort, "--feed", "prod",
                    "--sequence", ProbePayload.SEQUENCE_OFFSET + ":8:big-endian",
                    "--from", String.valueOf(started + 2_000));
                try (late) {
                    late.awaitLine(line -> line.startsWith("RelaySubscriber: delivered="), 60_000);
                    final List<String> out = late.lines();
                    final Matcher recovered = Pattern.compile("recover \\S+ first=(\\d+) next=(\\d+) .* missing=0 ")
                        .matcher(String.join("\n", out));
                    assertThat(recovered.find()).as("recover line; %s", out).isTrue();
                    final long first = Long.parseLong(recovered.group(1));
                    final long next = Long.parseLong(recovered.group(2));
                    final long delivered = next - first;
                    final String joined = out.stream().filter(line -> line.startsWith("RelaySubscriber: late join"))
                        .findFirst().orElseThrow();
                    final String recover = out.stream().filter(line -> line.startsWith("recover "))
                        .findFirst().orElseThrow();
                    assertThat(next).as("up to the feed's last datagram").isEqualTo(datagrams + 1);
                    assertThat(first).as("from about 2 s into the 2000/s feed").isBetween(1_000L, 5_000L);
                    assertThat(out).as("each sequence from the first on delivered once, in order, each probe intact")
                        .contains("RelaySubscriber: delivered=" + delivered + " probes=" + delivered
                            + " probe-errors=0");
                    assertThat(joined).contains("COMPLETE");
                    assertThat(relay.metric("relay_recovery_replayed_total", "feed=\"prod\""))
                        .as("the late part came from the replay port").isPositive();
                    System.out.printf("[RecoveryIT] late join 5 s into the feed: %s; %s%n", joined, recover);
                }
            }
        }
    }

    @Test
    void shouldGiveAHostThatCannotJoinMulticastTheFeedOverTcpFromATimeThenLiveWithNoneMissingOrRepeated()
        throws Exception {
        final int datagrams = 10_000;
        try (RelayProcess relay = relay()) {
            final long started = System.currentTimeMillis();
            final JavaProcess sender = JavaProcess.start(null, RelaySender.class, "--port", String.valueOf(feedPort),
                "--dest", GROUP + ":" + udpPort, "--rate", "2000", "--count", String.valueOf(datagrams),
                "--payload-bytes", "100");
            try (sender) {
                Thread.sleep(2_000);
                // joins 2 s into a 5 s feed, over TCP only, asking from the feed's start, then live
                final JavaProcess tcpOnly = JavaProcess.start(null, ReplayTool.class, "--relay", "127.0.0.1:" +
                    replayPort, "--feed", "prod", "--from", String.valueOf(started), "--live", "--print");
                try (tcpOnly) {
                    tcpOnly.awaitLine(line -> line.startsWith(GROUP + ":" + udpPort + " ") &&
                        sequenceOf(line) == datagrams, 60_000);
                    tcpOnly.signal("TERM");
                    tcpOnly.awaitLine(line -> line.startsWith("relay-replay: stopped datagrams="), 10_000);
                    final List<Long> sequences = tcpOnly.lines().stream()
                        .filter(line -> line.startsWith(GROUP + ":" + udpPort + " "))
                        .map(RecoveryIT::sequenceOf).toList();
                    assertThat(sequences).as("every datagram from the first, once, in order; history then live")
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, datagrams).boxed().toList());
                    assertThat(tcpOnly.lines()).contains("relay-replay: stopped datagrams=" + datagrams);
                    assertThat(relay.metric("relay_recovery_replayed_total", "feed=\"prod\""))
                        .as("counted when the live answer ended").isEqualTo(datagrams);
                }
            }
        }
    }

    /** The probe sequence in a {@code relay-replay --print} line's payload. */
    private static long sequenceOf(final String line) {
        final String hex = line.substring(line.indexOf("payload=") + "payload=".length());
        return Long.parseUnsignedLong(hex.substring(ProbePayload.SEQUENCE_OFFSET * 2,
            ProbePayload.SEQUENCE_OFFSET * 2 + 16), 16);
    }

    private static byte[] payload(final int i) {
        final byte[] payload = new byte[20 + i % 700];
        for (int b = 0; b < payload.length; b++) {
            payload[b] = (byte)(i * 7 + b);
        }
        return payload;
    }
}
