package io.mcastrelay.capture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.HeartbeatFrameFlyweight;
import io.mcastrelay.wire.HelloFrameFlyweight;
import io.mcastrelay.wire.RelayV1Decoder;
import io.mcastrelay.wire.RelayV1Encoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A relay for the tests: a server socket on loopback whose thread accepts one connection at a time, decodes what the
 * capture sends with the relay's own decoder, records every frame and answers as a relay-v1.1 relay would, as far as
 * the test lets it: an ACK of {@code firstSequence - 1} after the HELLO, then an ACK after each read up to
 * {@link #ackUpTo} (or everything), optionally a close after acknowledging a given sequence, or nothing at all
 * ({@link #silent}). Thread-safe: the test reads what it recorded while the relay's thread runs.
 */
final class FakeRelay implements AutoCloseable {
    /** A DATA frame as it arrived. */
    record Data(int connection, int group, int port, long sequence, long sendTimeNanos, byte[] payload) {
    }

    /** A HELLO as it arrived. */
    record Hello(int connection, long sessionId, long firstSequence, String feed, int versionMajor) {
    }

    /** A HEARTBEAT as it arrived. */
    record Heartbeat(int connection, long lastSequence, long receivedAtNs) {
    }

    private final ServerSocketChannel server;
    private final Thread thread;
    private final List<Data> data = new ArrayList<>();
    private final List<Hello> hellos = new ArrayList<>();
    private final List<Heartbeat> heartbeats = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long ackUpTo = Long.MAX_VALUE;
    private volatile long closeAfterAcking = -1;
    private volatile boolean silent;
    private volatile boolean closeAfterHello;
    private volatile boolean wrongSession;
    private volatile SocketChannel current;
    private int connections;

    FakeRelay() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(this::serve, "fake-relay-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        try {
            return ((InetSocketAddress)server.getLocalAddress()).getPort();
        } catch (final IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    RelayAddress address() {
        return new RelayAddress("127.0.0.1", port());
    }

    /** Acknowledges nothing beyond this sequence from now on. */
    void ackUpTo(final long sequence) {
        ackUpTo = sequence;
    }

    /** Closes the connection once it has acknowledged this sequence. */
    void closeAfterAcking(final long sequence) {
        closeAfterAcking = sequence;
    }

    /** Sends nothing at all from now on (no ACK, no HEARTBEAT), as a hung relay. */
    void silent(final boolean silent) {
        this.silent = silent;
    }

    /** Closes each connection as soon as its HELLO arrives, as a relay-v1.0 relay does. */
    void closeAfterHello(final boolean close) {
        closeAfterHello = close;
    }

    /** Acknowledges with another session's id, as a confused relay would. */
    void wrongSession(final boolean wrong) {
        wrongSession = wrong;
    }

    synchronized List<Data> data() {
        return List.copyOf(data);
    }

    synchronized List<Hello> hellos() {
        return List.copyOf(hellos);
    }

    synchronized List<Heartbeat> heartbeats() {
        return List.copyOf(heartbeats);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized int connections() {
        return connections;
    }

    /** Waits until the condition holds, running {@code between} meanwhile (an agent's duty cycle, say). */
    static void await(final BooleanSupplier condition, final Runnable between, final String what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            between.run();
            LockSupport.parkNanos(100_000);
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        final SocketChannel connection = current;
        if (connection != null) {
            connection.close();
        }
        server.close();
        try {
            thread.join(5_000);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        while (running) {
            try (SocketChannel connection = server.accept()) {
                final int number;
                synchronized (this) {
                    number = ++connections;
                }
                current = connection;
                serve(connection, number);
            } catch (final IOException ex) {
                if (running) {
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }
    }

    private void serve(final SocketChannel connection, final int number) throws IOException {
        final ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
        final UnsafeBuffer inView = new UnsafeBuffer(in);
        final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        final DataFrameFlyweight frame = new DataFrameFlyweight();
        final HelloFrameFlyweight hello = new HelloFrameFlyweight();
        final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();
        long sessionId = 0;
        long acked = 0;
        long received = 0;
        while (running && connection.read(in) >= 0) {
            int offset = 0;
            final int available = in.position();
            while (true) {
                final int length = RelayV1Decoder.decode(inView, offset, available - offset);
                if (length < 0) {
                    synchronized (this) {
                        errors.add("protocol error " + length);
                    }
                    return;
                }
                if (length == 0) {
                    break;
                }
                final int type = RelayV1Decoder.type(inView, offset);
                if (type == FrameDescriptor.TYPE_HELLO) {
                    hello.wrap(inView, offset, length);
                    sessionId = hello.sessionId() + (wrongSession ? 1 : 0);
                    acked = hello.firstSequence() - 1;
                    received = acked;
                    synchronized (this) {
                        hellos.add(new Hello(number, sessionId, hello.firstSequence(), hello.feed(),
                            hello.versionMajor()));
                    }
                    if (closeAfterHello) {
                        return;
                    }
                    if (!silent) {
                        send(connection, out, RelayV1Encoder.encodeAck(out, 0, sessionId, acked, 0));
                    }
                } else if (type == FrameDescriptor.TYPE_DATA) {
                    frame.wrap(inView, offset);
                    final byte[] payload = new byte[frame.payloadLength()];
                    inView.getBytes(frame.payloadOffset(), payload);
                    received = frame.sequence();
                    synchronized (this) {
                        data.add(new Data(number, frame.group(), frame.port(), frame.sequence(),
                            frame.sendTimeNanos(), payload));
                    }
                } else if (type == FrameDescriptor.TYPE_HEARTBEAT) {
                    heartbeat.wrap(inView, offset);
                    synchronized (this) {
                        heartbeats.add(new Heartbeat(number, heartbeat.lastSequence(), System.nanoTime()));
                    }
                    if (!silent) {
                        send(connection, out, RelayV1Encoder.encodeHeartbeat(out, 0, received, 0));
                    }
                }
                offset += length;
            }
            in.limit(available).position(offset);
            in.compact();
            final long ackable = Math.min(received, ackUpTo);
            if (!silent && ackable > acked && sessionId != 0) {
                acked = ackable;
                send(connection, out, RelayV1Encoder.encodeAck(out, 0, sessionId, acked, 0));
                if (closeAfterAcking >= 0 && acked >= closeAfterAcking) {
                    return;
                }
            }
        }
    }

    private static void send(final SocketChannel connection, final UnsafeBuffer out, final int length)
        throws IOException {
        final ByteBuffer bytes = out.byteBuffer().duplicate().position(0).limit(length);
        while (bytes.hasRemaining()) {
            connection.write(bytes);
        }
    }
}
