package io.mcastrelay.ingress;

import io.mcastrelay.wire.ProtocolError;
import org.agrona.DirectBuffer;

/**
 * Cuts one connection's bytes into frames of the feed's framing and acts on each: checks it, publishes its datagram
 * through the connection's {@link FramePublisher}, counts it. One subclass per framing: {@link RelayV1FrameDecoder},
 * {@link LengthPrefixedFrameDecoder}. What the two share, the counting of accepted frames and of sequence gaps, is
 * here.
 *
 * <p>Event loop only. Allocates nothing per frame.
 */
abstract class FrameDecoder {
    /** The frame is done with: published, dropped or counted. */
    static final int CONSUMED = 0;
    /** The stream has no room: keep this frame and everything after it, and try again later. */
    static final int BLOCKED = 1;
    /** The connection must close: {@link #protocolError()} says why, or the publication closed. */
    static final int CLOSE = 2;

    final IngressFeed feed;
    final IngressCounters counters;
    final FramePublisher publisher;
    /** When the bytes being decoded were read. */
    long ingressTimeNs;
    /** The connection's last DATA sequence, 0 if none. */
    long lastSequence;
    private ProtocolError protocolError;

    FrameDecoder(final IngressFeed feed, final FramePublisher publisher) {
        this.feed = feed;
        this.counters = feed.counters;
        this.publisher = publisher;
    }

    /**
     * The length of the whole frame at {@code offset}.
     *
     * @param buffer    the bytes read.
     * @param offset    where the frame starts.
     * @param remaining bytes from there.
     * @return the frame's length, {@code NEED_MORE} (0) if it is incomplete, or a negative {@link ProtocolError}
     *     result.
     */
    abstract int frameLength(DirectBuffer buffer, int offset, int remaining);

    /**
     * Acts on one whole frame.
     *
     * @param buffer the bytes read.
     * @param offset where the frame starts.
     * @param length its length.
     * @return {@link #CONSUMED}, {@link #BLOCKED} or {@link #CLOSE}.
     */
    abstract int onFrame(DirectBuffer buffer, int offset, int length);

    /** After a run of frames (one read, or a retry): a hook for session bookkeeping. */
    void afterFrames() {
    }

    /** The connection is gone. */
    void onClosed() {
    }

    /** @param readTimeNs when the bytes about to be decoded were read. */
    final void readAt(final long readTimeNs) {
        ingressTimeNs = readTimeNs;
    }

    /** @return why {@link #onFrame} or {@link #frameLength} asked to close, null if the publication closed. */
    final ProtocolError protocolError() {
        return protocolError;
    }

    final int close(final ProtocolError error) {
        protocolError = error;
        return CLOSE;
    }

    /** Publishes a datagram; {@link #CONSUMED} once it is in the stream. */
    final int publish(
        final long egressKey, final int group, final int port, final long sequence, final long sendTimeNanos,
        final DirectBuffer buffer, final int payloadOffset, final int payloadLength) {
        final int result = publisher.publish(egressKey, group, port, sequence, sendTimeNanos, ingressTimeNs, buffer,
            payloadOffset, payloadLength);
        if (result == FramePublisher.PUBLISHED) {
            accept(sequence, payloadLength);
            return CONSUMED;
        }
        return result == FramePublisher.CLOSED ? CLOSE : BLOCKED;
    }

    /** Drops a frame the feed does not relay; counted by reason, and as a frame taken in. */
    final int drop(final DropReason reason, final long sequence, final int payloadLength) {
        counters.drops(reason).incrementRelease();
        accept(sequence, payloadLength);
        return CONSUMED;
    }

    private void accept(final long sequence, final int payloadLength) {
        counters.frames().incrementRelease();
        counters.bytes().getAndAddRelease(payloadLength);
        counters.lastFrameTimeNs().setRelease(ingressTimeNs);
        if (sequence != 0) {
            if (lastSequence != 0 && sequence != lastSequence + 1) {
                if (sequence > lastSequence) {
                    counters.sequenceGaps().incrementRelease();
                } else {
                    counters.sequenceRepeats().incrementRelease();
                }
            }
            lastSequence = sequence;
        }
    }
}
