package io.mcastrelay.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.testing.SteadyStateAllocation;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The capture agent, driven by calling {@code doWork()} on the test thread, against fake relays on loopback and
 * datagrams multicast on the loopback interface: framing, sequences, HELLO, resending after a reconnection,
 * heartbeats, liveness, backoff, overflow and allocation.
 */
@Timeout(30)
class CaptureAgentTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SESSION = 0x5E5510_0001L;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService resolver = Executors.newSingleThreadExecutor();
    private CaptureAgent agent;
    private CaptureCounters counters;

    @AfterEach
    void closeAll() throws Exception {
        if (agent != null) {
            agent.onClose();
        }
        for (final AutoCloseable resource : resources) {
            resource.close();
        }
        resolver.shutdownNow();
    }

    private <T extends AutoCloseable> T track(final T resource) {
        resources.add(resource);
        return resource;
    }

    private CaptureAgent agent(final CaptureFeedSettings feed) {
        counters = new CaptureCounters(feed.name());
        agent = Capture.agent(feed, "capture.feeds[0].", counters, resolver, SESSION);
        return agent;
    }

    private static CaptureFeedSettings feed(final List<RelayAddress> relays, final Destination... groups) {
        return CaptureFeedSettings.withDefaults("prod", relays, List.of(groups), "127.0.0.1");
    }

    private void awaitState(final ConnectionState state) {
        FakeRelay.await(() -> counters.state() == state, agent::doWork, "state " + state);
    }

    @Test
    void shouldStreamEachDatagramAsADataFrameWithItsGroupPortPayloadAndConsecutiveSequencesAfterAHello()
        throws IOException {
        final FakeRelay relay = track(new FakeRelay());
        final Destination a = LoopbackMulticast.freeDestination("239.255.77.1");
        final Destination b = LoopbackMulticast.freeDestination("239.255.77.2");
        final LoopbackMulticast exchange = track(new LoopbackMulticast());
        agent(feed(List.of(relay.address()), a, b));
        awaitState(ConnectionState.STREAMING);
        final long before = System.currentTimeMillis() * 1_000_000L;

        for (int i = 0; i < 40; i++) {
            exchange.send(i % 2 == 0 ? a : b, payload(i, 1 + i * 37));
            agent.doWork();
        }
        FakeRelay.await(() -> relay.data().size() == 40 && counters.ackedSequence() == 40, agent::doWork,
            "40 frames acknowledged");

        assertThat(relay.hellos()).singleElement().satisfies(hello -> {
            assertThat(hello.sessionId()).isEqualTo(SESSION);
            assertThat(hello.firstSequence()).isEqualTo(1);
            assertThat(hello.feed()).isEqualTo("prod");
            assertThat(hello.versionMajor()).isEqualTo(1);
        });
        final List<FakeRelay.Data> data = relay.data();
        for (int i = 0; i < 40; i++) {
            final FakeRelay.Data frame = data.get(i);
            final Destination to = i % 2 == 0 ? a : b;
            assertThat(frame.sequence()).isEqualTo(i + 1);
            assertThat(Ipv4.toString(frame.group())).isEqualTo(Ipv4.toString(to.group()));
            assertThat(frame.port()).isEqualTo(to.port());
            assertThat(frame.payload()).isEqualTo(payload(i, 1 + i * 37));
            assertThat(frame.sendTimeNanos()).isBetween(before - 1_000_000_000L,
                System.currentTimeMillis() * 1_000_000L + 1_000_000_000L);
        }
        assertThat(counters.datagrams()).isEqualTo(40);
        assertThat(counters.framesSent()).isEqualTo(40);
        assertThat(counters.framesResent()).isZero();
        assertThat(counters.unackedFrames()).isZero();
        assertThat(counters.connects()).isEqualTo(1);
        assertThat(relay.errors()).isEmpty();
    }

    @Test
    void shouldResendEveryUnacknowledgedFrameToTheNextRelayWithHelloFromTheOldestAfterTheFirstCloses()
        throws IOException {
        final FakeRelay first = track(new FakeRelay());
        final FakeRelay second = track(new FakeRelay());
        first.ackUpTo(12);
        first.closeAfterAcking(12);
        final Destination group = LoopbackMulticast.freeDestination("239.255.77.3");
        final LoopbackMulticast exchange = track(new LoopbackMulticast());
        agent(feed(List.of(first.address(), second.address()), group));
        awaitState(ConnectionState.STREAMING);

        for (int i = 0; i < 30; i++) {
            exchange.send(group, payload(i, 100));
            agent.doWork();
        }
        FakeRelay.await(() -> counters.ackedSequence() == 30, agent::doWork, "everything acknowledged");

        assertThat(first.connections()).isEqualTo(1);
        assertThat(second.connections()).isEqualTo(1);
        assertThat(second.hellos()).singleElement().satisfies(hello -> {
            assertThat(hello.sessionId()).isEqualTo(SESSION);
            assertThat(hello.firstSequence()).isEqualTo(13);
        });
        final List<FakeRelay.Data> resent = second.data();
        assertThat(resent).extracting(FakeRelay.Data::sequence)
            .containsExactlyElementsOf(sequences(13, 30));
        for (final FakeRelay.Data frame : resent) {
            assertThat(frame.payload()).isEqualTo(payload((int)frame.sequence() - 1, 100));
        }
        assertThat(first.data()).extracting(FakeRelay.Data::sequence).startsWith(sequences(1, 12).toArray(Long[]::new));
        assertThat(counters.framesSent()).isEqualTo(30);
        assertThat(counters.framesResent()).as("frames written to the first relay after 12, handed over again")
            .isBetween(first.data().size() - 12L, 18L);
        assertThat(counters.connects()).isEqualTo(2);
        assertThat(counters.reconnects()).isEqualTo(1);
        assertThat(counters.disconnects()).isEqualTo(1);
        assertThat(counters.unackedFrames()).isZero();
    }

    @Test
    void shouldSendHeartbeatsCarryingTheLastSequenceWhileIdle() throws IOException {
        final FakeRelay relay = track(new FakeRelay());
        final Destination group = LoopbackMulticast.freeDestination("239.255.77.4");
        final LoopbackMulticast exchange = track(new LoopbackMulticast());
        agent(feed(List.of(relay.address()), group).withTimings(3_000 * MS, 100 * MS, 50 * MS, 2_000 * MS));
        awaitState(ConnectionState.STREAMING);
        exchange.send(group, payload(1, 10));
        exchange.send(group, payload(2, 10));

        FakeRelay.await(() -> relay.heartbeats().size() >= 3, agent::doWork, "three heartbeats");

        assertThat(relay.heartbeats()).last().extracting(FakeRelay.Heartbeat::lastSequence).isEqualTo(2L);
        final List<FakeRelay.Heartbeat> beats = relay.heartbeats();
        assertThat(beats.get(beats.size() - 1).receivedAtNs() - beats.get(beats.size() - 2).receivedAtNs())
            .as("gap between heartbeats").isGreaterThanOrEqualTo(90 * MS);
        assertThat(counters.heartbeatsSent()).isGreaterThanOrEqualTo(3);
        assertThat(counters.disconnects()).isZero();
    }

    @Test
    void shouldReconnectWhenTheRelayStaysSilentLongerThanTheLivenessTimeout() throws IOException {
        final FakeRelay relay = track(new FakeRelay());
        final Destination group = LoopbackMulticast.freeDestination("239.255.77.5");
        agent(feed(List.of(relay.address()), group).withTimings(1_200 * MS, 100 * MS, 50 * MS, 2_000 * MS));
        awaitState(ConnectionState.STREAMING);
        relay.silent(true);
        final long silentSince = System.nanoTime();

        FakeRelay.await(() -> counters.disconnects() == 1, agent::doWork, "a liveness timeout");

        assertThat(System.nanoTime() - silentSince).isGreaterThanOrEqualTo(1_100 * MS);
        relay.silent(false);
        awaitState(ConnectionState.STREAMING);
        assertThat(counters.connects()).isEqualTo(2);
        assertThat(relay.connections()).isEqualTo(2);
    }

    @Test
    void shouldBackOffBetweenFailedAttemptsInsteadOfRetryingAtOnce() throws IOException {
        final RelayAddress nobody = new RelayAddress("127.0.0.1", freeTcpPort());
        final Destination group = LoopbackMulticast.freeDestination("239.255.77.6");
        agent(feed(List.of(nobody), group).withTimings(3_000 * MS, 1_000 * MS, 50 * MS, 400 * MS));
        final long start = System.nanoTime();

        FakeRelay.await(() -> counters.connectFailures() >= 5, agent::doWork, "five refused attempts");

        // immediately, then 50, 100, 200 ms: at least 350 ms for five attempts
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(340 * MS);
        assertThat(counters.connects()).isZero();
        assertThat(counters.state()).isIn(ConnectionState.DISCONNECTED, ConnectionState.RESOLVING,
            ConnectionState.CONNECTING);
    }

    @Test
    void shouldReconnectAndResendAfterARelayThatClosesRightAfterTheHello() throws IOException {
        final FakeRelay old = track(new FakeRelay());
        final FakeRelay current = track(new FakeRelay());
        old.closeAfterHello(true);
        final Destination group = LoopbackMulticast.freeDestination("239.255.77.7");
        final LoopbackMulticast exchange = track(new LoopbackMulticast());
        exchange.send(group, payload(0, 1));
        agent(feed(List.of(old.address(), current.address()), group));

        for (int i = 0; i < 5; i++) {
            exchange.send(group, payload(i, 50));
            agent.doWork();
        }
        FakeRelay.await(() -> counters.ackedSequence() == 5, agent::doWork, "five frames acknowledged");

        assertThat(old.hellos()).hasSize(1);
        assertThat(counters.disconnects()).isEqualTo(1);
        assertThat(current.data()).extracting(FakeRelay.Data::sequence).containsExactlyElementsOf(sequences(1, 5));
    }

    @Test
    void shouldDropAConnectionWhoseRelayAcknowledgesAnotherSessionAndResendThroughTheNext() throws IOException {
        final FakeRelay confused = track(new FakeRelay());
        final FakeRelay next = track(new FakeRelay());
        confused.wrongSession(true);
        final Destination group = LoopbackMulticast.freeDestination("239.255.77.10");
        final LoopbackMulticast exchange = track(new LoopbackMulticast());
        agent(feed(List.of(confused.address(), next.address()), group));
        FakeRelay.await(() -> confused.hellos().size() == 1, agent::doWork, "the HELLO to the first relay");
        exchange.send(group, payload(1, 20));

        FakeRelay.await(() -> counters.ackedSequence() == 1, agent::doWork, "the frame acknowledged");

        assertThat(counters.disconnects()).isEqualTo(1);
        assertThat(next.hellos()).singleElement().extracting(FakeRelay.Hello::firstSequence).isEqualTo(1L);
        assertThat(next.data()).extracting(FakeRelay.Data::sequence).containsExactly(1L);
    }

    @Test
    void shouldEvictTheOldestUnacknowledgedFramesAndCountThemWhenTheReplayBufferIsFull() throws IOException {
        final FakeRelay relay = track(new FakeRelay());
        relay.ackUpTo(0);
        final Destination group = LoopbackMulticast.freeDestination("239.255.77.8");
        final LoopbackMulticast exchange = track(new LoopbackMulticast());
        agent(feed(List.of(relay.address()), group).withReplayBuffer(ReplayBuffer.MIN_CAPACITY_BYTES, 16));
        awaitState(ConnectionState.STREAMING);

        for (int i = 0; i < 100; i++) {
            exchange.send(group, payload(i, 64));
            agent.doWork();
        }
        FakeRelay.await(() -> counters.datagrams() == 100, agent::doWork, "100 datagrams");

        assertThat(counters.replayOverflowFrames()).isEqualTo(84);
        assertThat(counters.unackedFrames()).isEqualTo(16);
        assertThat(counters.lastSequence()).isEqualTo(100);
    }

    @Test
    @Timeout(120)
    void shouldAllocateNothingPerDatagramOnceWarm() throws Exception {
        final FakeRelay relay = track(new FakeRelay());
        final Destination group = LoopbackMulticast.freeDestination("239.255.77.9");
        final LoopbackMulticast exchange = track(new LoopbackMulticast());
        agent(feed(List.of(relay.address()), group));
        awaitState(ConnectionState.STREAMING);
        final InetSocketAddress to = new InetSocketAddress(Ipv4.toString(group.group()), group.port());
        final ByteBuffer payload = ByteBuffer.allocateDirect(200);
        final int datagrams = 10_000;
        final long[] sent = {0};
        final long least = SteadyStateAllocation.leastPerRound(10, datagrams, meter -> {
            for (int i = 0; i < datagrams; i++) {
                exchange.send(payload.clear(), to);
                sent[0]++;
                meter.measure(agent::doWork);
            }
        });
        FakeRelay.await(() -> counters.ackedSequence() == sent[0], agent::doWork, "all acknowledged");

        assertThat(counters.datagrams()).isEqualTo(sent[0]);
        assertThat(least).as("bytes allocated by %d duty cycles, each receiving and sending a datagram (least of up"
            + " to 10 rounds)", datagrams).isLessThan(datagrams);
    }

    static List<Long> sequences(final long from, final long to) {
        final List<Long> sequences = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            sequences.add(s);
        }
        return sequences;
    }

    static byte[] payload(final int seed, final int length) {
        final byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte)(seed * 13 + i);
        }
        return payload;
    }

    private static int freeTcpPort() throws IOException {
        try (java.nio.channels.ServerSocketChannel probe = java.nio.channels.ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress)probe.getLocalAddress()).getPort();
        }
    }
}
