package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.Frames.concat;
import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.payload;
import static io.mcastrelay.ingress.TestIngress.assertClosedByRelay;
import static io.mcastrelay.ingress.TestIngress.await;
import static io.mcastrelay.ingress.TestIngress.feed;
import static io.mcastrelay.ingress.TestIngress.poll;
import static io.mcastrelay.ingress.TestIngress.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.Subscription;
import io.mcastrelay.testing.EmbeddedAeron;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starting, stopping and draining ingress, over real loopback TCP and a real embedded media driver. */
@Timeout(15)
class IngressServerLifecycleIT {
    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();
    @RegisterExtension
    final TestIngress ingress = new TestIngress(aeron.aeron());

    @Test
    void shouldFailToStartNamingTheFeedWhosePortIsTakenAndReleaseTheOthers() throws IOException {
        final ServerSocket taken = new ServerSocket();
        ingress.track(taken);
        taken.bind(new InetSocketAddress("127.0.0.1", 0));
        final FeedSettings first = feed("first");
        final FeedSettings clash = feed("clash", "127.0.0.1", taken.getLocalPort(), "127.0.0.0/8", 4,
            TimeUnit.SECONDS.toNanos(10), "aeron:ipc");
        final IngressServer server = ingress.server(first, clash);

        assertThatThrownBy(server::start)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("feed 'clash'")
            .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        assertThat(server.boundPort("first")).isEqualTo(-1);
        assertThat(server.isListening("clash")).isFalse();
    }


    @Test
    void shouldFailToStartWhenTheChannelCannotCarryTheMaximumPayloadInOneClaim() {
        final FeedSettings big =
            feed("big", "127.0.0.1", 0, "127.0.0.0/8", 4, TimeUnit.SECONDS.toNanos(10), "aeron:ipc", 8472);
        final IngressServer server = ingress.server(big);

        assertThatThrownBy(server::start)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("feed 'big'")
            .hasMessageContaining("8472")
            .hasMessageContaining("mtu");
        assertThat(server.boundPort("big")).isEqualTo(-1);
    }


    @Test
    void shouldRefuseNewConnectionsAfterStopAcceptingWhileExistingOnesGoOn() throws IOException {
        final FeedSettings settings = feed("stop");
        final Subscription subscription = ingress.subscribe(settings);
        final IngressServer server = ingress.start(settings);
        final int port = server.boundPort("stop");
        final Socket existing = ingress.connect("stop");
        await("accepted", () -> server.counters("stop").connectionsCurrent().get() == 1);

        server.stopAccepting();

        assertThat(server.isListening("stop")).isFalse();
        assertThatThrownBy(() -> {
            try (Socket late = new Socket()) {
                late.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
        send(existing, data("239.1.1.1", 5000, 1, payload(10, 1)));
        assertThat(poll(subscription, 1).get(0).payload()).isEqualTo(payload(10, 1));
    }


    @Test
    void shouldDisconnectEveryConnectionAndReportDrained() throws IOException {
        final TestIngress.TwoFeeds feeds = ingress.startTwoFeeds();
        final IngressServer server = feeds.server();
        assertThat(server.awaitDrained(TimeUnit.MILLISECONDS.toNanos(50))).as("connections still live").isFalse();

        server.stopAccepting();
        server.disconnectAll();

        assertThat(server.awaitDrained(TimeUnit.SECONDS.toNanos(2))).isTrue();
        assertClosedByRelay(feeds.firstToA());
        assertClosedByRelay(feeds.secondToA());
        assertClosedByRelay(feeds.toB());
        assertThat(server.counters("a").connectionsCurrent().get()).isZero();
        assertThat(server.counters("b").connectionsCurrent().get()).isZero();
    }


    @Test
    void shouldPublishEverythingTheSenderWroteWhenItClosesWhileBackPressured() throws IOException {
        final FeedSettings settings = feed("slow", "127.0.0.1", 0, "127.0.0.0/8", 4, TimeUnit.SECONDS.toNanos(10),
            "aeron:ipc?term-length=64k");
        final Subscription subscription = ingress.subscribe(settings);
        final IngressServer server = ingress.start(settings);
        final Socket socket = ingress.connect("slow");
        final int frames = 300;
        final byte[][] stream = new byte[frames][];
        for (int i = 0; i < frames; i++) {
            stream[i] = data("239.1.1.1", 5000, i + 1, payload(1000, i));
        }

        send(socket, concat(stream));
        final IngressCounters counters = server.counters("slow");
        await("back-pressured", () -> counters.backPressureEpisodes().get() >= 1);
        socket.close();

        final List<IpcMessage> messages = poll(subscription, frames);
        for (int i = 0; i < frames; i++) {
            assertThat(messages.get(i).sequence()).isEqualTo(i + 1);
            assertThat(messages.get(i).payload()).isEqualTo(payload(1000, i));
        }
        assertThat(server.awaitDrained(TimeUnit.SECONDS.toNanos(2))).isTrue();
        assertThat(counters.frames().get()).isEqualTo(frames);
        assertThat(counters.sequenceGaps().get()).isZero();
    }
}
