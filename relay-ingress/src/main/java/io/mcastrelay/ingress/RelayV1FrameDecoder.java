package io.mcastrelay.ingress;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.HelloFrameFlyweight;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Decoder;
import org.agrona.DirectBuffer;

/**
 * relay-v1(.1) frames: DATA is checked (a session's numbering and duplicates, the feed's allowed destinations and
 * maximum payload) and published; HEARTBEAT is counted; HELLO, first on the connection or not at all, opens the
 * connection's {@link IngressSession}. The framing itself ({@link RelayV1Decoder}) is relay-wire's.
 *
 * <p>Event loop only. Allocates nothing per frame.
 */
final class RelayV1FrameDecoder extends FrameDecoder {
    private final DataFrameFlyweight data = new DataFrameFlyweight();
    private final HelloFrameFlyweight hello = new HelloFrameFlyweight();
    private final IngressSession session;
    private boolean anyFrame;

    RelayV1FrameDecoder(final IngressFeed feed, final FramePublisher publisher, final IngressSession session) {
        super(feed, publisher);
        this.session = session;
    }

    @Override
    int frameLength(final DirectBuffer buffer, final int offset, final int remaining) {
        return RelayV1Decoder.decode(buffer, offset, remaining);
    }

    @Override
    int onFrame(final DirectBuffer buffer, final int offset, final int length) {
        final int type = RelayV1Decoder.type(buffer, offset);
        final boolean first = !anyFrame;
        anyFrame = true;
        if (type == FrameDescriptor.TYPE_HEARTBEAT) {
            counters.heartbeats().incrementRelease();
            return CONSUMED;
        }
        if (type == FrameDescriptor.TYPE_HELLO) {
            return onHello(buffer, offset, length, first);
        }
        data.wrap(buffer, offset);
        final long sequence = data.sequence();
        if (session.active()) {
            if (sequence == 0) {
                return close(ProtocolError.UNNUMBERED_IN_SESSION);
            }
            if (session.duplicate(sequence)) {
                lastSequence = sequence;
                return CONSUMED;
            }
        }
        final int group = data.group();
        final int port = data.port();
        final int payloadLength = length - DataFrameFlyweight.HEADER_LENGTH;
        final long egressKey = feed.destinations.get(Ipv4.destinationKey(group, port));
        if (egressKey == IngressFeed.NOT_ALLOWED) {
            return drop(DropReason.DESTINATION_NOT_ALLOWED, sequence, payloadLength);
        }
        if (payloadLength > feed.settings.maxPayloadBytes()) {
            return drop(DropReason.PAYLOAD_OVER_MAXIMUM, sequence, payloadLength);
        }
        return publish(egressKey, group, port, sequence, data.sendTimeNanos(), buffer,
            offset + DataFrameFlyweight.PAYLOAD_OFFSET, payloadLength);
    }

    private int onHello(final DirectBuffer buffer, final int offset, final int length, final boolean first) {
        if (!first) {
            return close(ProtocolError.LATE_HELLO);
        }
        hello.wrap(buffer, offset, length);
        final ProtocolError error = session.onHello(hello);
        if (error != null) {
            return close(error);
        }
        lastSequence = hello.firstSequence() - 1;
        return CONSUMED;
    }

    @Override
    void afterFrames() {
        if (session.active()) {
            session.progress(lastSequence);
        }
    }

    @Override
    void onClosed() {
        session.close();
    }
}
