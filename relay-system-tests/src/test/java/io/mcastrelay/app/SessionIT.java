package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.ingress.IngressCounters;
import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * relay-v1.1 sessions through the whole relay: ACKs that reach the last frame sent, a session that resumes on the
 * same relay after its connection dropped (resending from before the last ACK) without a customer seeing a frame
 * twice, and a relay-v1.0 sender beside it that never gets an ACK.
 */
@Timeout(60)
class SessionIT {
    private static final String GROUP = "239.255.71.1";
    private static final long SESSION = 0x1234_5678_9abcL;

    private static TestRelay relay;
    private static int feedPort;
    private static int udpPort;

    @BeforeAll
    static void startRelay() throws Exception {
        feedPort = TestRelay.freePort();
        udpPort = TestRelay.freePort();
        relay = new TestRelay(
            "relay.feeds[0].name=sess",
            "relay.feeds[0].port=" + feedPort,
            "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort,
            "relay.feeds[0].max-payload=1400B");
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void shouldAcknowledgeEverythingSentAndSkipWhatAResumedSessionResends() throws Exception {
        final IngressCounters counters = relay.ingress().counters("sess");
        try (MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort)) {
            try (FeedClient first = new FeedClient(feedPort)) {
                first.hello(SESSION, 1, "sess");
                assertThat(first.awaitAck(0, 5_000)).as("the ACK right after HELLO").isZero();
                sendRange(first, 1, 1000);
                assertThat(first.awaitAck(1000, 10_000)).isEqualTo(1000);
            }
            try (FeedClient resumed = new FeedClient(feedPort)) {
                resumed.hello(SESSION, 501, "sess");
                assertThat(resumed.awaitAck(500, 5_000)).as("the ACK right after HELLO").isEqualTo(500);
                sendRange(resumed, 501, 1200);
                assertThat(resumed.awaitAck(1200, 10_000)).isEqualTo(1200);
            }
            final List<byte[]> received = customer.await(1200, 10, TimeUnit.SECONDS);
            assertThat(received).extracting(payload -> ByteBuffer.wrap(payload).getLong())
                .as("every sequence once, in order").containsExactlyElementsOf(range(1, 1200));
            Thread.sleep(200);
            assertThat(customer.payloads()).as("nothing more").hasSize(1200);
        }
        assertThat(counters.duplicates().get()).isEqualTo(500);
        assertThat(counters.sessions().get()).isEqualTo(2);
        assertThat(counters.sequenceGaps().get() + counters.sequenceRepeats().get()).isZero();
    }

    @Test
    void shouldNeverAcknowledgeASenderThatSaidNoHello() throws Exception {
        try (MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort);
             FeedClient legacy = new FeedClient(feedPort)) {
            for (int i = 0; i < 10; i++) {
                legacy.send(GROUP, udpPort, ByteBuffer.allocate(8).putLong(0, 1_000_000 + i).array());
            }
            assertThat(customer.await(10, 10, TimeUnit.SECONDS)).hasSize(10);
            assertThat(legacy.awaitAck(1, 1_500)).isEqualTo(-1);
            assertThat(legacy.acks()).isZero();
        }
    }

    private static void sendRange(final FeedClient client, final long from, final long to) throws Exception {
        for (long sequence = from; sequence <= to; sequence++) {
            client.send(GROUP, udpPort, ByteBuffer.allocate(64).putLong(0, sequence).array());
        }
    }

    private static List<Long> range(final long from, final long to) {
        final List<Long> sequences = new ArrayList<>();
        for (long sequence = from; sequence <= to; sequence++) {
            sequences.add(sequence);
        }
        return sequences;
    }
}
