package io.mcastrelay.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import io.mcastrelay.wire.AckFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayV1Decoder;
import io.mcastrelay.wire.RelayV1Encoder;
import org.agrona.concurrent.UnsafeBuffer;

/** A datacenter sender in a test: one TCP connection to a feed, writing relay-v1 frames. */
final class FeedClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final byte[] frame = new byte[65_536];
    private final UnsafeBuffer frameBuffer = new UnsafeBuffer(frame);
    private final byte[] inbound = new byte[4096];
    private final UnsafeBuffer inboundBuffer = new UnsafeBuffer(inbound);
    private final AckFrameFlyweight ack = new AckFrameFlyweight();
    private int inboundLength;
    private long acked = -1;
    private int acks;
    private long sequence;

    FeedClient(final int port) throws IOException {
        this(port, 0);
    }

    FeedClient(final int port, final int sendBufferBytes) throws IOException {
        this("127.0.0.1", port, sendBufferBytes);
    }

    /** A connection to a relay elsewhere, such as the relay's address in a network namespace. */
    FeedClient(final String host, final int port, final int sendBufferBytes) throws IOException {
        socket = new Socket();
        if (sendBufferBytes > 0) {
            socket.setSendBufferSize(sendBufferBytes);
        }
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
    }

    /** A sender over a connection the test made itself, such as a TLS socket after its handshake. */
    FeedClient(final Socket connected) throws IOException {
        socket = connected;
        out = socket.getOutputStream();
    }

    /** Sends one DATA frame with the next sequence; returns the payload sent. */
    byte[] send(final String group, final int port, final String text) throws IOException {
        final byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        send(group, port, payload);
        return payload;
    }

    void send(final String group, final int port, final byte[] payload) throws IOException {
        final int length = RelayV1Encoder.encodeData(frameBuffer, 0, Ipv4.parse(group), port, ++sequence,
            System.currentTimeMillis() * 1_000_000L, new UnsafeBuffer(payload), 0, payload.length);
        out.write(frame, 0, length);
    }

    /** Says HELLO (relay-v1.1): the frames that follow belong to the session, from {@code firstSequence} on. */
    void hello(final long sessionId, final long firstSequence, final String feed) throws IOException {
        final int length = RelayV1Encoder.encodeHello(frameBuffer, 0, sessionId, firstSequence, 0,
            feed.getBytes(StandardCharsets.US_ASCII));
        out.write(frame, 0, length);
        sequence = firstSequence - 1;
    }

    /**
     * Reads what the relay sends until an ACK of at least {@code sequence} arrives or the time is up.
     *
     * @return the highest sequence acknowledged so far, -1 if no ACK came.
     */
    long awaitAck(final long sequence, final int timeoutMs) throws IOException {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        final InputStream in = socket.getInputStream();
        while (acked < sequence) {
            final long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            socket.setSoTimeout((int)left);
            final int read;
            try {
                read = in.read(inbound, inboundLength, inbound.length - inboundLength);
            } catch (final SocketTimeoutException ex) {
                break;
            }
            if (read < 0) {
                break;
            }
            inboundLength += read;
            int offset = 0;
            for (int length = RelayV1Decoder.decodeFromRelay(inboundBuffer, 0, inboundLength); length > 0;
                 length = RelayV1Decoder.decodeFromRelay(inboundBuffer, offset, inboundLength - offset)) {
                if (RelayV1Decoder.type(inboundBuffer, offset) == FrameDescriptor.TYPE_ACK) {
                    acked = Math.max(acked, ack.wrap(inboundBuffer, offset).ackedSequence());
                    acks++;
                }
                offset += length;
            }
            System.arraycopy(inbound, offset, inbound, 0, inboundLength - offset);
            inboundLength -= offset;
        }
        return acked;
    }

    /** @return how many ACK frames {@link #awaitAck} has read. */
    int acks() {
        return acks;
    }

    /** Sends a HEARTBEAT with the last sequence sent, as a sender does after a second without data. */
    void heartbeat() throws IOException {
        final int length =
            RelayV1Encoder.encodeHeartbeat(frameBuffer, 0, sequence, System.currentTimeMillis() * 1_000_000L);
        out.write(frame, 0, length);
    }

    /** Half-closes the connection: the relay reads every frame sent before it sees the end of the stream. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    void sendRaw(final byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Whether the relay closed this connection: reads until end of stream, skipping the relay's heartbeats.
     *
     * @param timeoutMs how long to wait for the close.
     */
    boolean closedByPeer(final int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        final InputStream in = socket.getInputStream();
        try {
            final byte[] sink = new byte[256];
            while (true) {
                if (in.read(sink) < 0) {
                    return true;
                }
            }
        } catch (final SocketTimeoutException ex) {
            return false;
        } catch (final IOException ex) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
