package io.mcastrelay.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.wire.Destination;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A capture started in-process as the relay's own tests start it: each feed on its own agent thread, a graceful
 * stop that waits for the last ACK, a bounded stop when none comes, and the backoff's schedule.
 */
@Timeout(30)
class CaptureTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldStreamTwoFeedsOnTheirOwnThreadsAndStopOnlyOnceTheRelayAcknowledgedEverything() throws IOException {
        try (FakeRelay prodRelay = new FakeRelay(); FakeRelay testRelay = new FakeRelay();
            LoopbackMulticast exchange = new LoopbackMulticast()) {
            final Destination prodGroup = LoopbackMulticast.freeDestination("239.255.78.1");
            final Destination testGroup = LoopbackMulticast.freeDestination("239.255.78.2");
            final Capture capture = Capture.start(new CaptureSettings(List.of(
                CaptureFeedSettings.withDefaults("prod", List.of(prodRelay.address()), List.of(prodGroup), "lo"),
                CaptureFeedSettings.withDefaults("test", List.of(testRelay.address()), List.of(testGroup),
                    "127.0.0.1")), "backoff", 0, 5_000 * MS));
            try {
                FakeRelay.await(() -> capture.counters().stream()
                    .allMatch(counters -> counters.state() == ConnectionState.STREAMING), () -> { }, "streaming");
                for (int i = 0; i < 200; i++) {
                    exchange.send(prodGroup, CaptureAgentTest.payload(i, 80));
                    exchange.send(testGroup, CaptureAgentTest.payload(i, 90));
                }
                FakeRelay.await(() -> capture.counters("prod").datagrams() == 200
                    && capture.counters("test").datagrams() == 200, () -> { }, "all datagrams received");
            } finally {
                capture.close();
            }

            for (final String feed : List.of("prod", "test")) {
                final CaptureCounters counters = capture.counters(feed);
                assertThat(counters.unackedFrames()).as(feed).isZero();
                assertThat(counters.ackedSequence()).as(feed).isEqualTo(200);
                assertThat(counters.state()).as(feed).isEqualTo(ConnectionState.CLOSED);
            }
            assertThat(prodRelay.data()).hasSize(200).allMatch(data -> data.group() == prodGroup.group());
            assertThat(testRelay.data()).hasSize(200).allMatch(data -> data.port() == testGroup.port());
            assertThat(prodRelay.hellos()).singleElement()
                .satisfies(hello -> assertThat(hello.sessionId()).isEqualTo(capture.sessionId("prod")).isNotZero());
            assertThat(capture.sessionId("prod")).isNotEqualTo(capture.sessionId("test"));
        }
    }

    @Test
    void shouldStopWithinTheDrainTimeoutWhenTheRelayNeverAcknowledges() throws IOException {
        try (FakeRelay relay = new FakeRelay(); LoopbackMulticast exchange = new LoopbackMulticast()) {
            relay.ackUpTo(0);
            final Destination group = LoopbackMulticast.freeDestination("239.255.78.3");
            final Capture capture = Capture.start(new CaptureSettings(List.of(
                CaptureFeedSettings.withDefaults("prod", List.of(relay.address()), List.of(group), "lo")),
                "sleeping", 0, 300 * MS));
            FakeRelay.await(() -> capture.counters("prod").state() == ConnectionState.STREAMING, () -> { },
                "streaming");
            exchange.send(group, CaptureAgentTest.payload(1, 10));
            FakeRelay.await(() -> relay.data().size() == 1, () -> { }, "the frame sent");

            final long start = System.nanoTime();
            capture.close();

            assertThat(System.nanoTime() - start).isBetween(250 * MS, 5_000 * MS);
            assertThat(capture.counters("prod").unackedFrames()).isEqualTo(1);
        }
    }

    @Test
    void shouldRetryAtOnceThenDoubleThePauseFromTheInitialUpToTheMaximum() {
        final long initial = 50 * MS;
        final long max = 2_000 * MS;

        assertThat(RelayLink.backoffNs(1, initial, max)).isZero();
        assertThat(RelayLink.backoffNs(2, initial, max)).isEqualTo(50 * MS);
        assertThat(RelayLink.backoffNs(3, initial, max)).isEqualTo(100 * MS);
        assertThat(RelayLink.backoffNs(7, initial, max)).isEqualTo(1_600 * MS);
        assertThat(RelayLink.backoffNs(8, initial, max)).isEqualTo(max);
        assertThat(RelayLink.backoffNs(1_000, initial, max)).isEqualTo(max);
    }
}
