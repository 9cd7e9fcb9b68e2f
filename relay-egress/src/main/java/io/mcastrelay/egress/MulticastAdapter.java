package io.mcastrelay.egress;

import java.util.Arrays;

import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.SequenceLocator;
import org.agrona.DirectBuffer;

/**
 * Decodes the messages of a feed's IPC stream, as {@link io.aeron.Image#controlledPeek} offers them, into a
 * {@link DatagramBatch}: each payload stays where it is in the term buffer; the batch points at it. Stops at a full
 * batch. A message that cannot be sent (malformed, an unknown layout version, a destination the feed does not emit
 * to) is counted and skipped; it ends the batch when the batch already holds datagrams, so that the stream position
 * committed after the send never passes a datagram that was not sent.
 *
 * <p>Egress only (the thread that runs the feed's {@link EgressAgent}).
 */
final class MulticastAdapter implements ControlledFragmentHandler {
    private final MulticastSender sender;
    private final EgressCounters counters;
    private final DatagramBatch batch;
    private final IpcMessageFlyweight message = new IpcMessageFlyweight();

    private final SequenceLocator sequence;
    private final long[] lastSequences;
    private long countedPosition = Long.MIN_VALUE;
    private final EgressCounters.PerDestination[] destinations;

    MulticastAdapter(final MulticastSender sender, final EgressCounters counters, final DatagramBatch batch,
        final SequenceLocator sequence) {
        this.sender = sender;
        this.counters = counters;
        this.batch = batch;
        this.sequence = sequence;
        this.destinations = counters.destinations().toArray(new EgressCounters.PerDestination[0]);
        this.lastSequences = new long[destinations.length];
        Arrays.fill(lastSequences, SequenceLocator.NONE);
    }

    @Override
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        message.wrap(buffer, offset);
        if (length > 0 && message.version() != IpcMessageDescriptor.VERSION) {
            return skip(SendError.UNSUPPORTED_VERSION, header);
        }
        if (length < IpcMessageDescriptor.HEADER_LENGTH) {
            return skip(SendError.MALFORMED_MESSAGE, header);
        }
        final int payloadLength = message.payloadLength();
        final int headerLength = message.headerLength();
        if (headerLength < IpcMessageDescriptor.HEADER_LENGTH || payloadLength < 0
            || payloadLength > length - headerLength) {
            return skip(SendError.MALFORMED_MESSAGE, header);
        }
        final int destination = sender.destinationIndex(Ipv4.destinationKey(message.group(), message.port()));
        if (destination < 0) {
            return skip(SendError.UNKNOWN_DESTINATION, header);
        }
        if (!batch.add(sender.sockaddr(destination), destination, buffer, offset + headerLength, payloadLength,
            header.position(), message.ingressTimeNanos(), message.sendTimeNanos())) {
            return Action.ABORT;
        }
        if (sequence != null && header.position() > countedPosition) {
            // a batch only partly sent is peeked again: each message is counted once, by its stream position
            countedPosition = header.position();
            countExchangeSequence(destination, sequence.read(buffer, offset + headerLength, payloadLength));
        }
        return batch.isFull() ? Action.BREAK : Action.CONTINUE;
    }

    /** Gaps and repeats of the exchange's own numbering per destination: loss before the relay, not after it. */
    private void countExchangeSequence(final int destination, final long current) {
        if (current == SequenceLocator.NONE) {
            return;
        }
        final long last = lastSequences[destination];
        if (last != SequenceLocator.NONE) {
            if (current > last + 1) {
                destinations[destination].exchangeGaps().getAndAddRelease(current - last - 1);
            } else if (current <= last) {
                destinations[destination].exchangeRepeats().incrementRelease();
            }
        }
        lastSequences[destination] = current;
        destinations[destination].exchangeSequence().setRelease(current);
    }

    private Action skip(final SendError error, final Header header) {
        if (batch.count() > 0) {
            return Action.ABORT;
        }
        counters.sendErrors(error).incrementRelease();
        batch.skipTo(header.position());
        return Action.CONTINUE;
    }
}
