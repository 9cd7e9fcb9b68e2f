package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.Frames.concat;
import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.hex;
import static io.mcastrelay.ingress.Frames.payload;
import static io.mcastrelay.ingress.TestIngress.assertClosedByRelay;
import static io.mcastrelay.ingress.TestIngress.await;
import static io.mcastrelay.ingress.TestIngress.feed;
import static io.mcastrelay.ingress.TestIngress.poll;
import static io.mcastrelay.ingress.TestIngress.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.Subscription;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.HeartbeatFrameFlyweight;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Decoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connections to ingress over real loopback TCP, published into a real embedded media driver. */
@Timeout(15)
class IngressServerIT {
    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();
    @RegisterExtension
    final TestIngress ingress = new TestIngress(aeron.aeron());

    @Test
    void shouldRelayFramesFromAnAllowedSourceOnAWildcardListener() throws IOException {
        final FeedSettings settings = feed("wild", "0.0.0.0", 0, "127.0.0.0/8", 4, TimeUnit.SECONDS.toNanos(10),
            "aeron:ipc");
        final Subscription subscription = ingress.subscribe(settings);
        final IngressServer server = ingress.start(settings);
        assertThat(server.isListening("wild")).isTrue();
        final Socket socket = ingress.connect("wild");

        send(socket, concat(data("239.1.1.1", 5000, 1, payload(100, 1)), data("239.1.1.1", 5000, 2,
            payload(1328, 2))));

        final List<IpcMessage> messages = poll(subscription, 2);
        assertThat(messages.get(0).payload()).isEqualTo(payload(100, 1));
        assertThat(messages.get(1).payload()).isEqualTo(payload(1328, 2));
        assertThat(messages.get(0).connectionId()).isEqualTo(messages.get(1).connectionId());
        final IngressCounters counters = server.counters("wild");
        assertThat(counters.connectionsAccepted().get()).isEqualTo(1);
        assertThat(counters.connectionsCurrent().get()).isEqualTo(1);

        socket.close();
        await("connection gone", () -> counters.connectionsCurrent().get() == 0);
    }


    @Test
    void shouldRefuseAndCountASourceOutsideTheAllowedCidrs() throws IOException {
        final FeedSettings settings = feed("closed", "127.0.0.1", 0, "10.0.0.0/8", 4, TimeUnit.SECONDS.toNanos(10),
            "aeron:ipc");
        final IngressServer server = ingress.start(settings);
        final Socket socket = ingress.connect("closed");

        assertClosedByRelay(socket);
        final IngressCounters counters = server.counters("closed");
        await("refusal counted", () -> counters.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get() == 1);
        assertThat(counters.connectionsAccepted().get()).isZero();
        assertThat(counters.connectionsCurrent().get()).isZero();
    }


    @Test
    void shouldRefuseTheConnectionOverTheMaximumAndAcceptAnotherOnceOneLeaves() throws IOException {
        final FeedSettings settings = feed("one", "127.0.0.1", 0, "127.0.0.0/8", 1, TimeUnit.SECONDS.toNanos(10),
            "aeron:ipc");
        final Subscription subscription = ingress.subscribe(settings);
        final IngressServer server = ingress.start(settings);
        final IngressCounters counters = server.counters("one");
        final Socket first = ingress.connect("one");
        await("first accepted", () -> counters.connectionsCurrent().get() == 1);

        final Socket second = ingress.connect("one");
        assertClosedByRelay(second);
        await("refusal counted", () -> counters.refusals(RefusalReason.MAX_CONNECTIONS).get() == 1);

        send(first, data("239.1.1.1", 5000, 1, payload(10, 1)));
        assertThat(poll(subscription, 1).get(0).sequence()).isEqualTo(1);
        first.close();
        await("first gone", () -> counters.connectionsCurrent().get() == 0);
        final Socket third = ingress.connect("one");
        send(third, data("239.1.1.1", 5000, 1, payload(10, 3)));
        assertThat(poll(subscription, 1).get(0).payload()).isEqualTo(payload(10, 3));
        assertThat(counters.connectionsAccepted().get()).isEqualTo(2);
        assertThat(counters.refusals(RefusalReason.MAX_CONNECTIONS).get()).isEqualTo(1);
    }


    @Test
    void shouldCloseOnlyTheOffendingConnectionOnProtocolError() throws IOException {
        final TestIngress.TwoFeeds feeds = ingress.startTwoFeeds();
        final IngressServer server = feeds.server();
        final Socket offender = feeds.firstToA();
        final Socket neighbour = feeds.secondToA();
        final Socket other = feeds.toB();

        send(offender, hex("001c0101 ef010101 13880000 0000000000000002 0000000000000000"));

        assertClosedByRelay(offender);
        final IngressCounters counters = server.counters("a");
        await("error counted", () -> counters.protocolErrors(ProtocolError.NON_ZERO_FLAGS).get() == 1);
        await("offender gone", () -> counters.connectionsCurrent().get() == 1);
        send(neighbour, data("239.1.1.1", 5000, 2, payload(10, 4)));
        send(other, data("239.1.1.1", 5000, 2, payload(10, 5)));
        assertThat(poll(feeds.subscriptionA(), 1).get(0).payload()).isEqualTo(payload(10, 4));
        assertThat(poll(feeds.subscriptionB(), 1).get(0).payload()).isEqualTo(payload(10, 5));
        assertThat(server.counters("b").protocolErrors(ProtocolError.NON_ZERO_FLAGS).get()).isZero();
        assertThat(server.counters("b").connectionsCurrent().get()).isEqualTo(1);
    }


    @Test
    void shouldCloseAndCountAConnectionSilentForTheIdleTimeout() throws IOException {
        final FeedSettings settings = feed("idle", "127.0.0.1", 0, "127.0.0.0/8", 4,
            TimeUnit.MILLISECONDS.toNanos(300), "aeron:ipc");
        final IngressServer server = ingress.start(settings);
        final Socket socket = ingress.connect("idle");
        final long connectedNs = System.nanoTime();

        assertClosedByRelay(socket);

        assertThat(System.nanoTime() - connectedNs).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        final IngressCounters counters = server.counters("idle");
        await("timeout counted", () -> counters.idleTimeouts().get() == 1);
        await("connection gone", () -> counters.connectionsCurrent().get() == 0);
    }


    @Test
    void shouldSendTheSenderAHeartbeatAfterOneSecondOfWriteSilence() throws IOException {
        final FeedSettings settings = feed("beat");
        final Subscription subscription = ingress.subscribe(settings);
        final IngressServer server = ingress.start(settings);
        final Socket socket = ingress.connect("beat");
        send(socket, data("239.1.1.1", 5000, 17, payload(10, 1)));
        poll(subscription, 1);
        final long sentNs = System.nanoTime();

        final byte[] frame = socket.getInputStream().readNBytes(HeartbeatFrameFlyweight.FRAME_LENGTH);

        final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
        assertThat(waitedMs).isBetween(500L, 2500L);
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        assertThat(RelayV1Decoder.decode(buffer, 0, frame.length)).isEqualTo(HeartbeatFrameFlyweight.FRAME_LENGTH);
        assertThat(RelayV1Decoder.type(buffer, 0)).isEqualTo(FrameDescriptor.TYPE_HEARTBEAT);
        assertThat(new HeartbeatFrameFlyweight().wrap(buffer, 0).lastSequence()).isEqualTo(17);
    }


    @Test
    void shouldRelayTheLargestPayloadWhenTheChannelMtuFitsIt() throws IOException {
        final FeedSettings big =
            feed("big", "127.0.0.1", 0, "127.0.0.0/8", 4, TimeUnit.SECONDS.toNanos(10), "aeron:ipc?mtu=8576", 8472);
        final Subscription subscription = ingress.subscribe(big);
        final IngressServer server = ingress.start(big);
        final Socket socket = ingress.connect("big");

        send(socket, concat(data("239.1.1.1", 5000, 1, payload(8472, 1)), data("239.1.1.1", 5000, 2,
            payload(8473, 2)), data("239.1.1.1", 5000, 3, payload(1, 3))));

        final List<IpcMessage> messages = poll(subscription, 2);
        assertThat(messages.get(0).payload()).isEqualTo(payload(8472, 1));
        assertThat(messages.get(1).sequence()).isEqualTo(3);
        assertThat(server.counters("big").drops(DropReason.PAYLOAD_OVER_MAXIMUM).get()).isEqualTo(1);
    }
}
