package io.mcastrelay.tools;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.ReplayFrames;
import io.mcastrelay.wire.ReplayFrames.Outcome;
import io.mcastrelay.wire.ReplayFrames.Request;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A customer's side of the relay's replay port, small enough to embed in a feed handler: connect, ask for a feed's
 * datagrams between two times (or a count from a time), receive them in their original order, byte for byte, then
 * the relay's verdict. One request at a time per client; not thread-safe.
 *
 * <pre>{@code
 * try (ReplayClient client = new ReplayClient("10.0.1.5", 6800, 5000)) {
 *     ReplayClient.Answer answer = client.request(new ReplayFrames.Request(ReplayFrames.KIND_TIME,
 *         ReplayFrames.KIND_TIME, 0, 0, fromEpochNanos, toEpochNanos, 1, "prod"),
 *         (group, port, sequence, time, buffer, offset, length) -> handler.onPacket(buffer, offset, length));
 *     if (answer.outcome() != ReplayFrames.Outcome.COMPLETE) { ... answer.reason() ... }
 * }
 * }</pre>
 *
 * The protocol is in docs/wire-format.md ("The replay port"); what the outcomes mean is in docs/recovery.md.
 */
public final class ReplayClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] frame = new byte[FrameDescriptor.MAX_FRAME_LENGTH];
    private final UnsafeBuffer frameBuffer = new UnsafeBuffer(frame);
    private final DataFrameFlyweight data = new DataFrameFlyweight();

    /** One recovered datagram, in the order the relay received it. */
    @FunctionalInterface
    public interface DatagramHandler {
        /**
         * @param group            the VPC-side group it was sent to.
         * @param port             the VPC-side port.
         * @param sequence         the relay-v1 sequence the exchange's sender gave it (0 if none).
         * @param ingressTimeNanos when the relay read it, epoch ns: the key of replay requests.
         * @param buffer           holding the payload; valid during the call only.
         * @param offset           where the payload starts.
         * @param length           payload bytes.
         */
        void onDatagram(int group, int port, long sequence, long ingressTimeNanos, DirectBuffer buffer, int offset,
            int length);
    }

    /**
     * The relay's verdict on a request (REPLAY_END).
     *
     * @param outcome    complete, partial or why not.
     * @param requestId  the request's.
     * @param datagrams  how many the relay sent.
     * @param oldestHeld ingress time of the oldest datagram the relay holds, when the answer reached it; else 0.
     * @param newestHeld ingress time of the last datagram the relay read for the answer; 0 if none.
     * @param reason     why, for anything but complete.
     */
    public record Answer(Outcome outcome, long requestId, long datagrams, long oldestHeld, long newestHeld,
        String reason) {
    }

    /**
     * Connects.
     *
     * @param host      the relay.
     * @param port      its replay port (6800 by default).
     * @param timeoutMs for the connection and for each read.
     * @throws IOException if the relay cannot be reached.
     */
    public ReplayClient(final String host, final int port, final int timeoutMs) throws IOException {
        socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (final IOException ex) {
            socket.close();
            throw ex;
        }
    }

    /**
     * Sends a request and hands each datagram of the answer to {@code handler}, until the REPLAY_END.
     *
     * @return the verdict.
     * @throws IOException if the connection fails or closes before the end, or the relay sends a malformed frame.
     */
    public Answer request(final Request request, final DatagramHandler handler) throws IOException {
        final int length = ReplayFrames.encodeRequest(frameBuffer, 0, request);
        out.write(frame, 0, length);
        out.flush();
        while (true) {
            final int frameLength = readFrame();
            final int type = frameBuffer.getByte(FrameDescriptor.TYPE_OFFSET) & 0xFF;
            if (type == FrameDescriptor.TYPE_DATA) {
                if (frameLength < DataFrameFlyweight.HEADER_LENGTH) {
                    throw new IOException("the relay sent a DATA frame of " + frameLength + " bytes");
                }
                data.wrap(frameBuffer, 0);
                handler.onDatagram(data.group(), data.port(), data.sequence(), data.sendTimeNanos(), frameBuffer,
                    DataFrameFlyweight.PAYLOAD_OFFSET, frameLength - DataFrameFlyweight.PAYLOAD_OFFSET);
            } else if (type == FrameDescriptor.TYPE_REPLAY_END) {
                if (frameLength < ReplayFrames.END_HEADER_LENGTH) {
                    throw new IOException("the relay sent a REPLAY_END of " + frameLength + " bytes");
                }
                return new Answer(ReplayFrames.outcome(frameBuffer, 0), ReplayFrames.endRequestId(frameBuffer, 0),
                    ReplayFrames.datagrams(frameBuffer, 0), ReplayFrames.oldestHeld(frameBuffer, 0),
                    ReplayFrames.newestHeld(frameBuffer, 0), ReplayFrames.reason(frameBuffer, 0, frameLength));
            } else if (type != FrameDescriptor.TYPE_HEARTBEAT) {
                throw new IOException("the relay sent a frame of type 0x" + Integer.toHexString(type));
            }
        }
    }

    private int readFrame() throws IOException {
        readFully(0, FrameDescriptor.PREFIX_LENGTH);
        final int length = frameBuffer.getShort(0, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (length < FrameDescriptor.PREFIX_LENGTH) {
            throw new IOException("the relay sent a frame length of " + length);
        }
        readFully(FrameDescriptor.PREFIX_LENGTH, length - FrameDescriptor.PREFIX_LENGTH);
        return length;
    }

    private void readFully(final int offset, final int length) throws IOException {
        int read = 0;
        while (read < length) {
            final int n = in.read(frame, offset + read, length - read);
            if (n < 0) {
                throw new EOFException("the relay closed the connection before the REPLAY_END");
            }
            read += n;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
