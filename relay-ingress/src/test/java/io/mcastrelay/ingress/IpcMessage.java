package io.mcastrelay.ingress;

import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.mcastrelay.wire.Ipv4;
import org.agrona.DirectBuffer;

/**
 * One message taken off a feed's IPC stream and decoded with {@link IpcMessageFlyweight}, as a third-party
 * subscriber would read it.
 */
record IpcMessage(
    int version,
    int group,
    int port,
    int sourceGroup,
    int sourcePort,
    int connectionId,
    long sequence,
    long sendTimeNanos,
    long ingressTimeNanos,
    byte[] payload) {

    static IpcMessage decode(final DirectBuffer buffer, final int offset, final int length) {
        final IpcMessageFlyweight message = new IpcMessageFlyweight().wrap(buffer, offset);
        if (message.headerLength() != IpcMessageDescriptor.HEADER_LENGTH
            || message.headerLength() + message.payloadLength() != length) {
            throw new AssertionError("message of " + length + " bytes has header " + message.headerLength()
                + " and payload " + message.payloadLength());
        }
        final byte[] payload = new byte[message.payloadLength()];
        buffer.getBytes(message.payloadOffset(), payload);
        return new IpcMessage(message.version(), message.group(), message.port(), message.sourceGroup(),
            message.sourcePort(), message.connectionId(), message.sequence(), message.sendTimeNanos(),
            message.ingressTimeNanos(), payload);
    }

    /** @return the VPC-side destination as text, for assertions. */
    String destination() {
        return Ipv4.toString(group) + ":" + port;
    }

    /** @return the exchange-side destination as text, for assertions. */
    String source() {
        return Ipv4.toString(sourceGroup) + ":" + sourcePort;
    }
}
