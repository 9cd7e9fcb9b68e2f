package io.mcastrelay.egress;

import static io.mcastrelay.egress.IpcMessages.message;
import static io.mcastrelay.egress.IpcMessages.offer;
import static io.mcastrelay.egress.IpcMessages.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Publication;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.testing.MulticastReceiver.Datagram;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Egress on its own thread, from a real embedded media driver to real loopback multicast groups. */
@Timeout(15)
class EgressIT {
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(4000);
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Egress egress;

    @AfterEach
    void closeAll() {
        CloseHelper.close(egress);
        CloseHelper.closeAll(resources);
    }

    private <T extends AutoCloseable> T track(final T resource) {
        resources.add(resource);
        return resource;
    }

    private static EgressSettings.Feed feed(final String name, final Destination... destinations) {
        return new EgressSettings.Feed(name, "aeron:ipc", STREAM_IDS.incrementAndGet(), List.of(destinations));
    }

    /** Egress on dedicated threads, one per feed: these tests publish and let the threads send. */
    private Egress start(final String networkInterface, final EgressSettings.Feed... feeds) {
        return start("dedicated", networkInterface, feeds);
    }

    private Egress start(final String threading, final String networkInterface, final EgressSettings.Feed... feeds) {
        egress = new Egress(new EgressSettings(
            networkInterface, 1, true, 1 << 20, threading, "backoff", 64, List.of(feeds)), aeron.aeron());
        egress.start();
        return egress;
    }

    @Test
    void shouldStartNoThreadByDefaultAndSendOnlyWhenTheFeedsEventLoopRunsItsAgent() throws IOException {
        final MulticastReceiver receiver = track(new MulticastReceiver("239.255.2.8"));
        final EgressSettings.Feed feed = feed("a", receiver.destination());
        final long threadsBefore = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("relay-egress")).count();
        start("event-loop", "lo", feed);
        final Publication publication = publication(feed);
        offer(publication, message(receiver.group(), receiver.port(), 1, payload(10, 1)));

        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("relay-egress")))
            .hasSize((int)threadsBefore);
        assertThat(egress.isRunning()).isTrue();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(receiver.receive()).as("nothing runs egress but the feed's event loop").isNull();
        final Agent agent = egress.agent("a");
        assertThat(agent.roleName()).isEqualTo("relay-egress-a");
        assertThat(receiver.receive(1, () -> {
            try {
                agent.doWork();
            } catch (final Exception ex) {
                throw new AssertionError(ex);
            }
        }).get(0).payload()).isEqualTo(payload(10, 1));
        assertThat(egress.position("a")).isEqualTo(publication.position());
    }

    @Test
    void shouldRunOneThreadPerFeedWhenDedicatedAndHandNoAgentToEventLoops() {
        start("dedicated", "lo", feed("a", Destination.parse("239.255.2.9:5000")),
            feed("b", Destination.parse("239.255.2.10:5000")));

        assertThat(egress.agent("a")).isNull();
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
            .contains("relay-egress-a", "relay-egress-b");
    }

    private Publication publication(final EgressSettings.Feed feed) {
        final Publication publication = track(aeron.aeron().addPublication(feed.channel(), feed.streamId()));
        final long deadline = System.nanoTime() + 5 * SECOND_NS;
        while (!publication.isConnected()) {
            assertThat(System.nanoTime() - deadline).as("egress subscribed").isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return publication;
    }

    @Test
    void shouldSendEveryMessageOfEveryFeedInOrderAndReachThePublishedPosition() throws IOException {
        final MulticastReceiver toA = track(new MulticastReceiver("239.255.2.1"));
        final MulticastReceiver toB = track(new MulticastReceiver("239.255.2.2"));
        final EgressSettings.Feed a = feed("a", toA.destination());
        final EgressSettings.Feed b = feed("b", toB.remappedFrom("239.1.1.1:5000"));
        start("lo", a, b);
        assertThat(egress.isRunning()).isTrue();
        assertThat(egress.egressInterface().networkInterface().getName()).isEqualTo("lo");
        final Publication publicationA = publication(a);
        final Publication publicationB = publication(b);
        final int count = 500;

        for (int i = 0; i < count; i++) {
            offer(publicationA, message(toA.group(), toA.port(), i + 1, payload(i % 1300, i)));
            offer(publicationB, message(toB.group(), toB.port(), i + 1, payload(100, -i)));
        }

        assertThat(egress.awaitPosition("a", publicationA.position(), 5 * SECOND_NS)).isTrue();
        assertThat(egress.awaitPosition("b", publicationB.position(), 5 * SECOND_NS)).isTrue();
        assertThat(egress.position("a")).isEqualTo(publicationA.position());
        final List<Datagram> datagramsA = toA.receive(count, () -> { });
        final List<Datagram> datagramsB = toB.receive(count, () -> { });
        for (int i = 0; i < count; i++) {
            assertThat(datagramsA.get(i).payload()).as("datagram %d of a", i).isEqualTo(payload(i % 1300, i));
            assertThat(datagramsB.get(i).payload()).as("datagram %d of b", i).isEqualTo(payload(100, -i));
            assertThat(datagramsA.get(i).source().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        }
        final EgressCounters.PerDestination countersA = egress.counters("a").destinations().get(0);
        assertThat(countersA.datagrams().get()).isEqualTo(count);
        assertThat(countersA.bytes().get()).isEqualTo(datagramsA.stream().mapToLong(d -> d.payload().length).sum());
        assertThat(egress.counters("b").destinations().get(0).datagrams().get()).isEqualTo(count);
        assertThat(egress.counters("b").destinations().get(0).group()).isEqualTo(toB.group());
        assertThat(egress.agentErrors().get()).isZero();
    }

    @Test
    void shouldCountAnUnknownDestinationAndKeepSending() throws IOException {
        final MulticastReceiver receiver = track(new MulticastReceiver("239.255.2.3"));
        final EgressSettings.Feed feed = feed("a", receiver.destination());
        start("127.0.0.1", feed);
        final Publication publication = publication(feed);

        offer(publication, message(Ipv4.parse("239.255.2.99"), receiver.port(), 1, payload(10, 1)));
        offer(publication, message(receiver.group(), receiver.port(), 2, payload(10, 2)));

        assertThat(receiver.receive(1, () -> { }).get(0).payload()).isEqualTo(payload(10, 2));
        assertThat(egress.awaitPosition("a", publication.position(), 5 * SECOND_NS)).isTrue();
        assertThat(egress.counters("a").sendErrors(SendError.UNKNOWN_DESTINATION).get()).isEqualTo(1);
        assertThat(egress.isRunning()).isTrue();
    }

    @Test
    void shouldReportRunningAsSoonAsStartReturns() {
        for (int i = 0; i < 20; i++) {
            start("lo", feed("a", Destination.parse("239.255.2.4:5000")));
            assertThat(egress.isRunning()).as("start %d", i).isTrue();
            egress.close();
            assertThat(egress.isRunning()).isFalse();
        }
    }

    @Test
    void shouldNotReachAPositionNothingWasPublishedTo() {
        final EgressSettings.Feed feed = feed("a", Destination.parse("239.255.2.5:5000"));
        start("lo", feed);
        final Publication publication = publication(feed);
        final long startNs = System.nanoTime();

        assertThat(egress.awaitPosition("a", publication.position() + 64, TimeUnit.MILLISECONDS.toNanos(100)))
            .isFalse();
        assertThat(System.nanoTime() - startNs).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(egress.awaitPosition("a", publication.position(), TimeUnit.MILLISECONDS.toNanos(100))).isTrue();
    }

    @Test
    void shouldStopSendingOnceClosed() throws IOException {
        final MulticastReceiver receiver = track(new MulticastReceiver("239.255.2.6"));
        final EgressSettings.Feed feed = feed("a", receiver.destination());
        start("lo", feed);
        final Publication publication = publication(feed);
        offer(publication, message(receiver.group(), receiver.port(), 1, payload(10, 1)));
        receiver.receive(1, () -> { });

        egress.close();
        assertThat(egress.isRunning()).isFalse();
        // The driver unlinks the closed subscription asynchronously, so this offer may still succeed; nobody sends it.
        publication.offer(message(receiver.group(), receiver.port(), 2, payload(10, 2)));

        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(receiver.receive()).isNull();
        assertThat(egress.counters("a").destinations().get(0).datagrams().get()).isEqualTo(1);
    }

    @Test
    void shouldFailToStartOnAnUnknownInterfaceListingTheInterfaces() {
        assertThatThrownBy(() -> start("nosuch0", feed("a", Destination.parse("239.255.2.7:5000"))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'nosuch0'")
            .hasMessageContaining("lo (127.0.0.1)");
        assertThat(egress.isRunning()).isFalse();
    }
}
