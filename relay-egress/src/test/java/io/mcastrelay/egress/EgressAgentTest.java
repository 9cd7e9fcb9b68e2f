package io.mcastrelay.egress;

import static io.mcastrelay.egress.IpcMessages.message;
import static io.mcastrelay.egress.IpcMessages.offer;
import static io.mcastrelay.egress.IpcMessages.payload;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Publication;
import io.aeron.Subscription;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.testing.MulticastReceiver.Datagram;
import io.mcastrelay.testing.SteadyStateAllocation;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.SequenceLocator;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The egress duty cycle driven by calling {@code doWork()}, sending to real loopback multicast groups. */
@Timeout(10)
class EgressAgentTest {
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(3000);

    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();

    private final List<AutoCloseable> resources = new ArrayList<>();
    /** The egress wall clock, ns since the epoch; tests that check latency set it. */
    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

    @AfterEach
    void closeAll() {
        CloseHelper.closeAll(resources);
    }

    /** One feed's stream, counters and sender, as {@link Egress#start()} wires them. */
    private final class TestFeed {
        final Publication publication;
        final Subscription subscription;
        final EgressCounters counters;
        final MulticastSender sender;

        TestFeed(final String name, final String channel, final Destination... destinations) throws IOException {
            final int streamId = STREAM_IDS.incrementAndGet();
            final EgressSettings.Feed feed = new EgressSettings.Feed(name, channel, streamId, List.of(destinations));
            final EgressSettings settings =
                new EgressSettings("lo", 1, true, 0, "event-loop", "backoff", 64, List.of(feed));
            counters = track(new EgressCounters(aeron.aeron(), name, feed.destinations(), streamId));
            sender = track(new MulticastSender(EgressInterface.resolve("lo"), settings, counters, clock::get));
            subscription = track(aeron.aeron().addSubscription(channel, streamId));
            publication = track(aeron.aeron().addPublication(channel, streamId));
            EmbeddedAeron.awaitConnected(publication, subscription);
        }

        EgressAgent agent(final int batchSize) {
            return new EgressAgent(subscription, sender, counters, batchSize, "relay-egress-test");
        }

        EgressAgent agent(final int batchSize, final SequenceLocator sequence) {
            return new EgressAgent(subscription, sender, counters, batchSize, "relay-egress-test", sequence);
        }
    }

    private <T extends AutoCloseable> T track(final T resource) {
        resources.add(resource);
        return resource;
    }

    private MulticastReceiver receiver(final String group) throws IOException {
        return track(new MulticastReceiver(group));
    }

    @Test
    @Timeout(60)
    void shouldAllocateNothingPerDatagramOnceWarm() throws Exception {
        final MulticastReceiver receiver = receiver("239.255.1.10");
        final TestFeed feed = new TestFeed("prod", "aeron:ipc", receiver.destination());
        final EgressAgent agent = feed.agent(64);
        final UnsafeBuffer message = message(receiver.group(), receiver.port(), 1, payload(200, 7));
        final int datagrams = 20_000;
        final long least = SteadyStateAllocation.leastPerRound(10, datagrams, meter -> {
            for (int i = 0; i < datagrams; i++) {
                offer(feed.publication, message);
                meter.measure(agent::doWork);
            }
        });
        assertThat(least).as("bytes allocated by the least of 10 rounds of %d duty cycles, each sending one datagram",
            datagrams).isLessThan(datagrams);
    }

    @Test
    void shouldCountTheExchangesSequenceGapsAndRepeatsPerGroupWithASequenceLocator() throws IOException {
        final MulticastReceiver a = receiver("239.255.1.20");
        final MulticastReceiver b = receiver("239.255.1.21");
        final TestFeed feed = new TestFeed("seq", "aeron:ipc", a.destination(), b.destination());
        final EgressAgent agent = feed.agent(2, SequenceLocator.parse("2:4:little-endian"));
        final long[] toA = {1, 2, 4, 4, 5};
        final long[] toB = {10, 11, 15};
        for (final long sequence : toA) {
            offer(feed.publication, message(a.group(), a.port(), 1, exchangePacket(sequence)));
        }
        for (final long sequence : toB) {
            offer(feed.publication, message(b.group(), b.port(), 1, exchangePacket(sequence)));
        }
        offer(feed.publication, message(b.group(), b.port(), 1, new byte[3]));

        a.receive(toA.length, agent::doWork);
        b.receive(toB.length + 1, agent::doWork);

        final EgressCounters.PerDestination countersA = feed.counters.destination(a.destination().egressKey());
        final EgressCounters.PerDestination countersB = feed.counters.destination(b.destination().egressKey());
        assertThat(countersA.exchangeGaps().get()).as("3 missing on A").isEqualTo(1);
        assertThat(countersA.exchangeRepeats().get()).as("4 twice on A").isEqualTo(1);
        assertThat(countersB.exchangeGaps().get()).as("12, 13, 14 missing on B; a payload too short is no sequence")
            .isEqualTo(3);
        assertThat(countersB.exchangeRepeats().get()).isZero();
        assertThat(countersA.datagrams().get() + countersB.datagrams().get()).isEqualTo(9);
    }

    /** A payload with the exchange's sequence at offset 2, 4 bytes little-endian, as a locator 2:4:little reads. */
    private static byte[] exchangePacket(final long sequence) {
        final byte[] packet = new byte[20];
        new UnsafeBuffer(packet).putInt(2, (int)sequence, LITTLE_ENDIAN);
        return packet;
    }

    @Test
    void shouldSendEachMessageAsOneByteIdenticalDatagramInOrderFromTheLoopbackAddressAndCountIt() throws IOException {
        final MulticastReceiver plain = receiver("239.255.1.1");
        final MulticastReceiver remapped = receiver("239.255.1.2");
        final TestFeed feed = new TestFeed("prod", "aeron:ipc", plain.destination(),
            remapped.remappedFrom("239.1.1.2:5001"));
        final EgressAgent agent = feed.agent(10);
        final List<byte[]> sentPlain = new ArrayList<>();
        final List<byte[]> sentRemapped = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            final byte[] payload = payload(i * 61 % 1300, i);
            final MulticastReceiver to = i % 2 == 0 ? plain : remapped;
            (i % 2 == 0 ? sentPlain : sentRemapped).add(payload);
            offer(feed.publication, message(to.group(), to.port(), i + 1, payload));
        }

        final List<Datagram> toPlain = plain.receive(10, agent::doWork);
        final List<Datagram> toRemapped = remapped.receive(10, agent::doWork);

        final InetSocketAddress source = feed.sender.localAddress();
        assertThat(source.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        for (int i = 0; i < 10; i++) {
            assertThat(toPlain.get(i).payload()).as("datagram %d to plain", i).isEqualTo(sentPlain.get(i));
            assertThat(toRemapped.get(i).payload()).as("datagram %d to remapped", i).isEqualTo(sentRemapped.get(i));
            assertThat(toPlain.get(i).source()).isEqualTo(source);
            assertThat(toRemapped.get(i).source()).isEqualTo(source);
        }
        assertThat(agent.doWork()).isZero();
        assertThat(plain.receive()).isNull();
        final EgressCounters.PerDestination plainCounters = feed.counters.destination(plain.destination().egressKey());
        final EgressCounters.PerDestination remappedCounters =
            feed.counters.destination(remapped.destination().egressKey());
        assertThat(plainCounters.datagrams().get()).isEqualTo(10);
        assertThat(plainCounters.bytes().get()).isEqualTo(sentPlain.stream().mapToLong(p -> p.length).sum());
        assertThat(remappedCounters.datagrams().get()).isEqualTo(10);
        assertThat(remappedCounters.bytes().get()).isEqualTo(sentRemapped.stream().mapToLong(p -> p.length).sum());
        assertThat(feed.counters.destinations()).hasSize(2);
        assertThat(totalSendErrors(feed.counters)).isZero();
    }

    @Test
    void shouldSendAnEmptyPayloadAsAnEmptyDatagram() throws IOException {
        final MulticastReceiver receiver = receiver("239.255.1.3");
        final TestFeed feed = new TestFeed("prod", "aeron:ipc", receiver.destination());
        final EgressAgent agent = feed.agent(10);

        offer(feed.publication, message(receiver.group(), receiver.port(), 1, new byte[0]));

        assertThat(receiver.receive(1, agent::doWork).get(0).payload()).isEmpty();
        assertThat(feed.counters.destination(receiver.destination().egressKey()).datagrams().get()).isEqualTo(1);
        assertThat(totalSendErrors(feed.counters)).isZero();
    }

    @Test
    void shouldRecordIngressToEgressAndSenderToEgressLatencyForEachSentDatagram() throws IOException {
        final MulticastReceiver receiver = receiver("239.255.1.9");
        final TestFeed feed = new TestFeed("prod", "aeron:ipc", receiver.destination());
        final EgressAgent agent = feed.agent(10);
        final long ingressTime = 1_000_000_000_000L;
        clock.set(ingressTime + TimeUnit.MICROSECONDS.toNanos(250));
        for (int i = 1; i <= 3; i++) {
            final UnsafeBuffer stamped = message(receiver.group(), receiver.port(), i, new byte[8]);
            IpcMessageFlyweight.encodeHeader(stamped, 0, 8, receiver.group(), receiver.port(), 0xEF010101, 5000, 1, i,
                i == 3 ? 0 : ingressTime - TimeUnit.MILLISECONDS.toNanos(2), ingressTime);
            offer(feed.publication, stamped);
        }

        assertThat(receiver.receive(3, agent::doWork)).hasSize(3);
        final Histogram ingress = feed.counters.latency().intervalIngressToEgress(null);
        assertThat(ingress.getTotalCount()).isEqualTo(3);
        assertThat(ingress.getMaxValue()).isBetween(249_000L, 251_000L);
        final Histogram sender = feed.counters.latency().intervalSenderToEgress(null);
        assertThat(sender.getTotalCount()).as("only frames that carry a send time").isEqualTo(2);
        assertThat(sender.getMinValue()).as("3 significant digits").isBetween(2_247_000L, 2_253_000L);
        assertThat(feed.counters.latency().intervalIngressToEgress(null).getTotalCount())
            .as("an interval starts where the last one ended").isZero();
    }

    @Test
    void shouldSendTheLargestFeedPayloadAsOneDatagram() throws IOException {
        final MulticastReceiver receiver = receiver("239.255.1.4");
        final TestFeed feed = new TestFeed("prod", "aeron:ipc?mtu=8576", receiver.destination());
        final EgressAgent agent = feed.agent(10);
        final byte[] payload = payload(8472, 4);

        offer(feed.publication, message(receiver.group(), receiver.port(), 1, payload));

        assertThat(receiver.receive(1, agent::doWork).get(0).payload()).isEqualTo(payload);
        assertThat(feed.counters.destination(receiver.destination().egressKey()).bytes().get()).isEqualTo(8472);
    }

    @Test
    void shouldCountAnUnknownDestinationAndKeepSendingLaterMessages() throws IOException {
        final MulticastReceiver receiver = receiver("239.255.1.5");
        final TestFeed feed = new TestFeed("prod", "aeron:ipc", receiver.destination());
        final EgressAgent agent = feed.agent(10);

        offer(feed.publication, message(Ipv4.parse("239.255.1.99"), receiver.port(), 1, payload(10, 1)));
        offer(feed.publication, message(receiver.group(), receiver.port() == 65535 ? 1 : receiver.port() + 1, 2,
            payload(10, 2)));
        offer(feed.publication, message(receiver.group(), receiver.port(), 3, payload(10, 3)));

        assertThat(receiver.receive(1, agent::doWork).get(0).payload()).isEqualTo(payload(10, 3));
        assertThat(feed.counters.sendErrors(SendError.UNKNOWN_DESTINATION).get()).isEqualTo(2);
        assertThat(feed.counters.destination(receiver.destination().egressKey()).datagrams().get()).isEqualTo(1);
        assertThat(totalSendErrors(feed.counters)).isEqualTo(2);
    }

    @Test
    void shouldCountAndSkipAMessageOfAnUnknownVersion() throws IOException {
        final MulticastReceiver receiver = receiver("239.255.1.6");
        final TestFeed feed = new TestFeed("prod", "aeron:ipc", receiver.destination());
        final EgressAgent agent = feed.agent(10);
        final UnsafeBuffer future = message(receiver.group(), receiver.port(), 1, payload(10, 1));
        future.putByte(IpcMessageDescriptor.VERSION_OFFSET, (byte)2);

        offer(feed.publication, future);
        offer(feed.publication, message(receiver.group(), receiver.port(), 2, payload(10, 2)));

        assertThat(receiver.receive(1, agent::doWork).get(0).payload()).isEqualTo(payload(10, 2));
        assertThat(feed.counters.sendErrors(SendError.UNSUPPORTED_VERSION).get()).isEqualTo(1);
        assertThat(feed.counters.destination(receiver.destination().egressKey()).datagrams().get()).isEqualTo(1);
    }

    @Test
    void shouldCountAndSkipMessagesShorterThanTheirHeaderSays() throws IOException {
        final MulticastReceiver receiver = receiver("239.255.1.7");
        final TestFeed feed = new TestFeed("prod", "aeron:ipc", receiver.destination());
        final EgressAgent agent = feed.agent(10);
        final UnsafeBuffer longerThanSent = message(receiver.group(), receiver.port(), 1, payload(10, 1));
        longerThanSent.putInt(IpcMessageDescriptor.PAYLOAD_LENGTH_OFFSET, 11, LITTLE_ENDIAN);
        final UnsafeBuffer shortHeader = message(receiver.group(), receiver.port(), 2, payload(10, 2));
        shortHeader.putShort(IpcMessageDescriptor.HEADER_LENGTH_OFFSET, (short)40, LITTLE_ENDIAN);
        final UnsafeBuffer negativePayload = message(receiver.group(), receiver.port(), 3, payload(10, 3));
        negativePayload.putInt(IpcMessageDescriptor.PAYLOAD_LENGTH_OFFSET, -1, LITTLE_ENDIAN);
        final UnsafeBuffer truncated = message(receiver.group(), receiver.port(), 4, payload(10, 4));
        final UnsafeBuffer hugePayload = message(receiver.group(), receiver.port(), 5, payload(10, 5));
        hugePayload.putInt(IpcMessageDescriptor.PAYLOAD_LENGTH_OFFSET, Integer.MAX_VALUE, LITTLE_ENDIAN);

        offer(feed.publication, longerThanSent);
        offer(feed.publication, shortHeader);
        offer(feed.publication, negativePayload);
        offer(feed.publication, truncated, 20);
        offer(feed.publication, hugePayload);
        offer(feed.publication, message(receiver.group(), receiver.port(), 6, payload(10, 6)));

        assertThat(receiver.receive(1, agent::doWork).get(0).payload()).isEqualTo(payload(10, 6));
        assertThat(feed.counters.sendErrors(SendError.MALFORMED_MESSAGE).get()).isEqualTo(5);
        assertThat(feed.counters.sendErrors(SendError.UNSUPPORTED_VERSION).get()).isZero();
        assertThat(feed.counters.destination(receiver.destination().egressKey()).datagrams().get()).isEqualTo(1);
    }

    @Test
    void shouldSendEverythingWaitingInBatchesThenPublishTheSentPosition() throws IOException {
        final MulticastReceiver receiver = receiver("239.255.1.8");
        final TestFeed feed = new TestFeed("a", "aeron:ipc", receiver.destination());
        final EgressAgent agent = feed.agent(7);
        for (int i = 0; i < 50; i++) {
            offer(feed.publication, message(receiver.group(), receiver.port(), i + 1, payload(8, i)));
        }
        assertThat(feed.counters.sentPosition().get()).isZero();

        assertThat(agent.doWork()).as("50 datagrams in batches of 7, one duty cycle").isEqualTo(50);
        assertThat(feed.counters.sentPosition().get()).isEqualTo(feed.publication.position());
        assertThat(agent.doWork()).isZero();

        final List<Datagram> received = receiver.receive(50, () -> { });
        for (int i = 0; i < 50; i++) {
            assertThat(received.get(i).payload()).as("datagram %d, in order", i).isEqualTo(payload(8, i));
        }
        assertThat(feed.counters.destination(receiver.destination().egressKey()).datagrams().get()).isEqualTo(50);
        assertThat(agent.roleName()).isEqualTo("relay-egress-test");
    }

    @Test
    void shouldSendMessagesAcrossATermBoundaryInOneDutyCycle() throws IOException {
        final MulticastReceiver receiver = receiver("239.255.1.11");
        final TestFeed feed = new TestFeed("a", "aeron:ipc?term-length=64k", receiver.destination());
        final EgressAgent agent = feed.agent(64);
        final int perRound = 20;
        for (int round = 0; round < 8; round++) {
            for (int i = 0; i < perRound; i++) {
                offer(feed.publication, message(receiver.group(), receiver.port(), i + 1, payload(1000, i)));
            }
            assertThat(agent.doWork()).isEqualTo(perRound);
            assertThat(feed.counters.sentPosition().get()).isEqualTo(feed.publication.position());
            assertThat(receiver.receive(perRound, () -> { })).hasSize(perRound);
        }
        assertThat(feed.publication.position()).as("the stream wrapped past two terms").isGreaterThan(2 * 64 * 1024);
    }

    private static long totalSendErrors(final EgressCounters counters) {
        long total = 0;
        for (final SendError error : SendError.values()) {
            total += counters.sendErrors(error).get();
        }
        return total;
    }
}
