package io.mcastrelay.egress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.concurrent.UnsafeBuffer;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.MeteredCounter;
import io.mcastrelay.wire.RelayCounterTypes;
import io.mcastrelay.wire.RelayMeter;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A feed's egress counters, allocated as Aeron counters so that AeronStat shows them too: datagrams and bytes per
 * VPC-side destination, send errors by reason, and how often the socket buffer was full.
 *
 * <p>Single writer: the egress agent thread. Any thread may read.
 */
public final class EgressCounters implements AutoCloseable {
    private final String feed;
    private final List<Counter> all = new ArrayList<>();
    /** Counters that are positions, not meters: closed with the rest, never published. */
    private final List<AtomicCounter> positions = new ArrayList<>();
    private final List<MeteredCounter> meters = new ArrayList<>();
    private final Long2ObjectHashMap<PerDestination> destinations = new Long2ObjectHashMap<>();
    private final List<PerDestination> destinationList = new ArrayList<>();
    private final AtomicCounter[] sendErrors = new AtomicCounter[SendError.values().length];
    private final AtomicCounter sendBufferFull;
    private final Counter sentPosition;
    private final EgressLatency latency = new EgressLatency();

    /**
     * Allocates the counters of one feed.
     *
     * @param aeron        a connected client.
     * @param feed         the feed's name.
     * @param destinations the feed's destinations; one pair of counters per distinct VPC-side group:port.
     * @param streamId     the feed's IPC stream id, the key of its sent-position counter.
     */
    public EgressCounters(
        final Aeron aeron, final String feed, final List<Destination> destinations, final int streamId) {
        this.feed = feed;
        for (final Destination destination : destinations) {
            if (!this.destinations.containsKey(destination.egressKey())) {
                final String group = Ipv4.toString(destination.egressGroup());
                final String port = Integer.toString(destination.egressPort());
                final PerDestination counters = new PerDestination(destination.egressGroup(), destination.egressPort(),
                    add(aeron, RelayCounterTypes.EGRESS_DESTINATION, RelayMeter.EGRESS_DATAGRAMS,
                        "feed", feed, "group", group, "port", port),
                    add(aeron, RelayCounterTypes.EGRESS_DESTINATION, RelayMeter.EGRESS_BYTES,
                        "feed", feed, "group", group, "port", port),
                    add(aeron, RelayCounterTypes.EGRESS_DESTINATION, RelayMeter.EGRESS_EXCHANGE_GAPS,
                        "feed", feed, "group", group, "port", port),
                    add(aeron, RelayCounterTypes.EGRESS_DESTINATION, RelayMeter.EGRESS_EXCHANGE_REPEATS,
                        "feed", feed, "group", group, "port", port),
                    exchangeSequence(aeron, feed, streamId, destination));
                this.destinations.put(destination.egressKey(), counters);
                destinationList.add(counters);
            }
        }
        for (final SendError error : SendError.values()) {
            sendErrors[error.ordinal()] = add(aeron, RelayCounterTypes.EGRESS, RelayMeter.EGRESS_SEND_ERRORS,
                "feed", feed, "reason", error.reason());
        }
        sendBufferFull = add(aeron, RelayCounterTypes.EGRESS, RelayMeter.EGRESS_SEND_BUFFER_FULL, "feed", feed);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[Integer.BYTES]);
        key.putInt(0, streamId);
        final String label = "relay.egress.sent.position feed=" + feed + " stream=" + streamId;
        final UnsafeBuffer labelBuffer = new UnsafeBuffer(new byte[label.length()]);
        labelBuffer.putStringWithoutLengthAscii(0, label);
        sentPosition = aeron.addCounter(
            RelayCounterTypes.EGRESS_SENT_POSITION, key, 0, Integer.BYTES, labelBuffer, 0, label.length());
    }

    private AtomicCounter exchangeSequence(final Aeron aeron, final String feed, final int streamId,
        final Destination destination) {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[3 * Integer.BYTES]);
        key.putInt(0, streamId);
        key.putInt(Integer.BYTES, destination.egressGroup());
        key.putInt(2 * Integer.BYTES, destination.egressPort());
        final String label = "relay.egress.exchange.sequence feed=" + feed + " group=" +
            Ipv4.toString(destination.egressGroup()) + " port=" + destination.egressPort();
        final UnsafeBuffer labelBuffer = new UnsafeBuffer(new byte[label.length()]);
        labelBuffer.putStringWithoutLengthAscii(0, label);
        final AtomicCounter counter = aeron.addCounter(RelayCounterTypes.EGRESS_EXCHANGE_SEQUENCE, key, 0,
            key.capacity(), labelBuffer, 0, label.length());
        counter.set(-1);
        positions.add(counter);
        return counter;
    }

    private AtomicCounter add(final Aeron aeron, final int typeId, final RelayMeter meter, final String... tags) {
        final Counter counter = aeron.addCounter(typeId, meter.label(tags));
        all.add(counter);
        meters.add(MeteredCounter.of(meter, counter, tags));
        return counter;
    }

    /** @return the feed's name. */
    public String feed() {
        return feed;
    }

    /**
     * The counters of one VPC-side destination.
     *
     * @param egressKey {@link Ipv4#destinationKey} of the VPC-side group:port.
     * @return its counters, or null if the feed has no such destination.
     */
    public PerDestination destination(final long egressKey) {
        return destinations.get(egressKey);
    }

    /** @return every destination's counters, in configuration order. */
    public List<PerDestination> destinations() {
        return Collections.unmodifiableList(destinationList);
    }

    /**
     * Send errors.
     *
     * @param error which.
     * @return the counter for that reason.
     */
    public AtomicCounter sendErrors(final SendError error) {
        return sendErrors[error.ordinal()];
    }

    /** @return times a send found the socket buffer full and was retried later (not an error: nothing is lost). */
    public AtomicCounter sendBufferFull() {
        return sendBufferFull;
    }

    /**
     * The position in the feed's IPC stream up to which every message has been sent (or dropped as malformed):
     * ingress acknowledges session frames (relay-v1.1 ACK) once this passes them. Not among {@link #all()}: a
     * position, not a meter.
     *
     * @return the counter, type {@link RelayCounterTypes#EGRESS_SENT_POSITION}, key the stream id.
     */
    public AtomicCounter sentPosition() {
        return sentPosition;
    }

    /** @return the feed's ingress-to-egress and sender-to-egress latency recorders. */
    public EgressLatency latency() {
        return latency;
    }

    /** @return every counter of this feed, for meters and tools that list them. */
    public List<Counter> all() {
        return Collections.unmodifiableList(all);
    }

    /** @return every meter of this feed with its tags, in allocation order (not the sent position). */
    public List<MeteredCounter> meters() {
        return Collections.unmodifiableList(meters);
    }

    @Override
    public void close() {
        CloseHelper.closeAll(all);
        CloseHelper.closeAll(positions);
        CloseHelper.close(sentPosition);
    }

    /**
     * Datagrams and bytes sent to one VPC-side group:port, and what the exchange's own sequence there says.
     *
     * @param group           the group.
     * @param port            the port.
     * @param datagrams       datagrams sent.
     * @param bytes           payload bytes sent.
     * @param exchangeGaps    exchange sequence numbers skipped (with a sequence locator): lost before the relay.
     * @param exchangeRepeats exchange sequence numbers not above the previous one.
     * @param exchangeSequence the last exchange sequence taken to send, -1 before any (not a meter: a position for
     *                         the recorder, {@link RelayCounterTypes#EGRESS_EXCHANGE_SEQUENCE}).
     */
    public record PerDestination(int group, int port, AtomicCounter datagrams, AtomicCounter bytes,
        AtomicCounter exchangeGaps, AtomicCounter exchangeRepeats, AtomicCounter exchangeSequence) {
    }
}
