package io.mcastrelay.ingress;

import static io.mcastrelay.ingress.Frames.data;
import static io.mcastrelay.ingress.Frames.payload;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the {@code IngressServer*IT} classes share: an {@link IngressServer} on loopback, the subscriptions that read
 * its streams and the sender sockets that connect to it, all closed after the test; plus the waits the tests share.
 * Registered per test, next to the class's media driver:
 * <pre>
 * &#64;RegisterExtension
 * static final EmbeddedAeron aeron = new EmbeddedAeron();
 * &#64;RegisterExtension
 * final TestIngress ingress = new TestIngress(aeron.aeron());
 * </pre>
 */
final class TestIngress implements AfterEachCallback {
    static final Destination DESTINATION = Destination.parse("239.1.1.1:5000");
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(2000);

    private final Aeron aeron;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private IngressServer server;

    TestIngress(final Aeron aeron) {
        this.aeron = aeron;
    }

    static FeedSettings feed(
        final String name, final String bindAddress, final int port, final String allowed, final int maxConnections,
        final long idleTimeoutNs, final String channel) {
        return feed(name, bindAddress, port, allowed, maxConnections, idleTimeoutNs, channel, 1328);
    }

    static FeedSettings feed(
        final String name, final String bindAddress, final int port, final String allowed, final int maxConnections,
        final long idleTimeoutNs, final String channel, final int maxPayloadBytes) {
        return new FeedSettings(name, bindAddress, port, Framing.RELAY_V1, List.of(DESTINATION), maxPayloadBytes,
            List.of(allowed), maxConnections, idleTimeoutNs, channel, STREAM_IDS.incrementAndGet());
    }

    static FeedSettings feed(final String name) {
        return feed(name, "127.0.0.1", 0, "127.0.0.0/8", 4, TimeUnit.SECONDS.toNanos(10), "aeron:ipc");
    }

    /** A server for the feeds, not started. */
    IngressServer server(final FeedSettings... feeds) {
        CloseHelper.close(server);
        server = new IngressServer(List.of(feeds), aeron, new SystemEpochNanoClock(),
            IngressServer.DEFAULT_BACK_PRESSURE_RETRY_NS);
        return server;
    }

    IngressServer start(final FeedSettings... feeds) {
        server(feeds).start();
        return server;
    }

    Subscription subscribe(final FeedSettings feed) {
        final Subscription subscription = aeron.addSubscription(feed.channel(), feed.streamId());
        resources.add(subscription);
        return subscription;
    }

    Socket connect(final String feed) throws IOException {
        final Socket socket = new Socket();
        resources.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", server.boundPort(feed)), 2000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5000);
        return socket;
    }

    /**
     * Starts feeds {@code a} and {@code b} with two connections to {@code a} and one to {@code b}, each of which has
     * had one frame relayed.
     */
    TwoFeeds startTwoFeeds() throws IOException {
        final FeedSettings a = feed("a");
        final FeedSettings b = feed("b");
        final Subscription subscriptionA = subscribe(a);
        final Subscription subscriptionB = subscribe(b);
        start(a, b);
        final Socket firstToA = connect("a");
        final Socket secondToA = connect("a");
        final Socket toB = connect("b");
        send(firstToA, data("239.1.1.1", 5000, 1, payload(10, 1)));
        send(secondToA, data("239.1.1.1", 5000, 1, payload(10, 2)));
        send(toB, data("239.1.1.1", 5000, 1, payload(10, 3)));
        assertThat(poll(subscriptionA, 2)).hasSize(2);
        assertThat(poll(subscriptionB, 1)).hasSize(1);
        return new TwoFeeds(server, subscriptionA, subscriptionB, firstToA, secondToA, toB);
    }

    /** What {@link #startTwoFeeds()} started: the server, the subscriptions to each feed's stream, the connections. */
    record TwoFeeds(IngressServer server, Subscription subscriptionA, Subscription subscriptionB, Socket firstToA,
        Socket secondToA, Socket toB) {
    }

    <T extends AutoCloseable> T track(final T resource) {
        resources.add(resource);
        return resource;
    }

    static List<IpcMessage> poll(final Subscription subscription, final int count) {
        final List<IpcMessage> messages = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (messages.size() < count) {
            if (subscription.poll((buffer, offset, length, header) ->
                messages.add(IpcMessage.decode(buffer, offset, length)), 64) == 0) {
                assertThat(System.nanoTime() - deadline).as("%d of %d messages", messages.size(), count)
                    .isNegative();
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            }
        }
        return messages;
    }

    static void await(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** The relay closed the connection: end of stream, or a reset if it left bytes unread. */
    static void assertClosedByRelay(final Socket socket) throws IOException {
        final InputStream in = socket.getInputStream();
        try {
            int read;
            do {
                read = in.read();
            } while (read >= 0);
        } catch (final SocketException ex) {
            assertThat(ex).hasMessageContaining("reset");
        }
    }

    static void send(final Socket socket, final byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        CloseHelper.closeAll(resources);
        CloseHelper.close(server);
    }
}
