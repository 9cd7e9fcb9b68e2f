package io.mcastrelay.ingress;

import io.mcastrelay.wire.LengthPrefixedDecoder;
import org.agrona.DirectBuffer;

/**
 * {@code length-prefixed} frames: each payload goes to the feed's one destination. No types, no sequence, no
 * heartbeats; a length over the feed's maximum is a protocol error ({@link LengthPrefixedDecoder}, relay-wire's).
 *
 * <p>Event loop only. Allocates nothing per frame.
 */
final class LengthPrefixedFrameDecoder extends FrameDecoder {
    private final long egressKey;
    private final int group;
    private final int port;

    LengthPrefixedFrameDecoder(final IngressFeed feed, final FramePublisher publisher) {
        super(feed, publisher);
        final long key = feed.singleDestination;
        this.egressKey = feed.destinations.get(key);
        this.group = (int)(key >>> 16);
        this.port = (int)(key & 0xFFFF);
    }

    @Override
    int frameLength(final DirectBuffer buffer, final int offset, final int remaining) {
        return LengthPrefixedDecoder.decode(buffer, offset, remaining, feed.settings.maxPayloadBytes());
    }

    @Override
    int onFrame(final DirectBuffer buffer, final int offset, final int length) {
        return publish(egressKey, group, port, 0, 0, buffer, offset + LengthPrefixedDecoder.PREFIX_LENGTH,
            length - LengthPrefixedDecoder.PREFIX_LENGTH);
    }
}
