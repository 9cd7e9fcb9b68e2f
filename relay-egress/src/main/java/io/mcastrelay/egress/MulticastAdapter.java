package io.mcastrelay.egress;

import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.mcastrelay.wire.Ipv4;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;

/**
 * Decodes each message of a feed's IPC stream and hands its payload to the feed's {@link MulticastSender}. When the
 * socket buffer is full it aborts the poll, so the same message is offered again on the next duty cycle: the
 * stream, and through it ingress and TCP, absorb the pause; nothing is dropped. The same holds while the network
 * refuses the datagram ({@link MulticastSender#RETRY}: the interface is down), which the sender counts itself.
 *
 * <p>Egress agent thread only.
 */
final class MulticastAdapter implements ControlledFragmentHandler {
    private final MulticastSender sender;
    private final EgressCounters counters;
    private final EpochNanoClock clock;
    private final IpcMessageFlyweight message = new IpcMessageFlyweight();
    private boolean blocked;

    MulticastAdapter(final MulticastSender sender, final EgressCounters counters, final EpochNanoClock clock) {
        this.sender = sender;
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        message.wrap(buffer, offset);
        if (length > 0 && message.version() != IpcMessageDescriptor.VERSION) {
            counters.sendErrors(SendError.UNSUPPORTED_VERSION).incrementRelease();
            return Action.CONTINUE;
        }
        if (length < IpcMessageDescriptor.HEADER_LENGTH) {
            counters.sendErrors(SendError.MALFORMED_MESSAGE).incrementRelease();
            return Action.CONTINUE;
        }
        final int payloadLength = message.payloadLength();
        final int headerLength = message.headerLength();
        if (headerLength < IpcMessageDescriptor.HEADER_LENGTH || payloadLength < 0
            || payloadLength > length - headerLength) {
            counters.sendErrors(SendError.MALFORMED_MESSAGE).incrementRelease();
            return Action.CONTINUE;
        }
        final int result = sender.send(
            buffer, offset + headerLength, payloadLength, Ipv4.destinationKey(message.group(), message.port()));
        if (result == MulticastSender.WOULD_BLOCK) {
            if (!blocked) {
                blocked = true;
                counters.sendBufferFull().incrementRelease();
            }
            return Action.ABORT;
        }
        if (result == MulticastSender.RETRY) {
            return Action.ABORT;
        }
        blocked = false;
        if (result == MulticastSender.SENT) {
            counters.latency().record(clock.nanoTime(), message.ingressTimeNanos(), message.sendTimeNanos());
        }
        return Action.CONTINUE;
    }
}
