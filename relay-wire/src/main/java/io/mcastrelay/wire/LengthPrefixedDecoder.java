package io.mcastrelay.wire;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Finds the next frame of the {@code length-prefixed} framing: a 2-byte big-endian payload length, then the payload.
 * Every datagram of such a feed goes to the one group:port configured for it; there are no types, sequences or
 * heartbeats. A length over the feed's maximum payload is a protocol error. Stateless; any thread.
 */
public final class LengthPrefixedDecoder {
    /** Bytes of the length prefix. */
    public static final int PREFIX_LENGTH = 2;

    private LengthPrefixedDecoder() {
    }

    /**
     * Checks the frame that starts at {@code offset}.
     *
     * @param buffer          holding the received bytes.
     * @param offset          where the next frame starts.
     * @param available       bytes from {@code offset} on that have been received.
     * @param maxPayloadBytes the feed's maximum payload.
     * @return the whole frame's length (prefix included, &gt; 0) if it is complete; {@link RelayV1Decoder#NEED_MORE};
     *     or {@link ProtocolError#PAYLOAD_TOO_LARGE}'s result.
     */
    public static int decode(
        final DirectBuffer buffer, final int offset, final int available, final int maxPayloadBytes) {
        if (available < PREFIX_LENGTH) {
            return RelayV1Decoder.NEED_MORE;
        }
        final int payloadLength = buffer.getShort(offset, BIG_ENDIAN) & 0xFFFF;
        if (payloadLength > maxPayloadBytes || payloadLength > FrameDescriptor.MAX_PAYLOAD_LENGTH) {
            return ProtocolError.PAYLOAD_TOO_LARGE.result();
        }
        final int frameLength = PREFIX_LENGTH + payloadLength;
        return available >= frameLength ? frameLength : RelayV1Decoder.NEED_MORE;
    }
}
