package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.tools.ReplayClient;
import io.mcastrelay.wire.Ipv4;
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

    private RelayProcess relay() throws Exception {
        final RelayProcess relay = new RelayProcess(
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
            "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort);
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

    private static byte[] payload(final int i) {
        final byte[] payload = new byte[20 + i % 700];
        for (int b = 0; b < payload.length; b++) {
            payload[b] = (byte)(i * 7 + b);
        }
        return payload;
    }
}
