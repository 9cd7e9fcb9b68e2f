package io.mcastrelay.tools;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.ReplayFrames;
import io.mcastrelay.wire.ReplayFrames.Outcome;
import io.mcastrelay.wire.SequenceLocator;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One multicast group of a customer's feed handler, made whole: datagrams are delivered in the exchange's sequence
 * order, each once; when multicast skips sequence numbers, the missing ones are asked of the relay's replay port
 * (by exchange sequence, on one kept TCP connection) and delivered in their place. Embed it in a feed handler: hand
 * every datagram of the group to {@link #onDatagram} and act in {@link Delivery}; with {@link #lateJoin} it starts
 * from a time in the past and carries on with multicast, none missing or repeated at the join.
 *
 * <p>What the relay no longer holds (retention) stays missing and is counted; a datagram that arrives after a later
 * one was delivered is a duplicate and dropped. Datagrams that arrive while a gap is being filled wait in order
 * (at most {@link #MAX_PENDING}; beyond that the gap is given up as missing). Not thread-safe: one thread per
 * instance, the one that receives the group's datagrams. The recovery request runs on that thread, which holds up
 * reading: the socket's receive buffer must hold what arrives meanwhile (a replay round trip is about a millisecond
 * in a VPC).
 */
public final class GapFiller {
    /** Datagrams held back while a gap is open, at most. */
    public static final int MAX_PENDING = 100_000;
    /** The most datagrams {@link #onIdle} asks for after the last one delivered. */
    public static final int TAIL_MAX = 10_000;
    /** Tries at a gap: the relay may not have recorded the very latest datagrams yet when the gap is seen. */
    private static final int ATTEMPTS = 4;
    private static final long[] RETRY_DELAYS_NS = {0, TimeUnit.MILLISECONDS.toNanos(5),
        TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(100)};

    /** Where the group's datagrams go, in order, each once. */
    @FunctionalInterface
    public interface Delivery {
        /**
         * @param sequence  the exchange's sequence number.
         * @param buffer    holding the payload; valid during the call only.
         * @param offset    where it starts.
         * @param length    its bytes.
         * @param recovered true if it came from the relay's replay port rather than multicast.
         */
        void deliver(long sequence, DirectBuffer buffer, int offset, int length, boolean recovered);
    }

    /** Opens a connection to the replay port when one is needed. */
    @FunctionalInterface
    public interface Connector {
        ReplayClient connect() throws IOException;
    }

    private final Destination group;
    private final String feed;
    private final SequenceLocator sequence;
    private final Connector connector;
    private final Delivery delivery;
    private final TreeMap<Long, byte[]> pending = new TreeMap<>();
    private final Histogram recoveryMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 2);
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private ReplayClient client;
    private long expected = SequenceLocator.NONE;
    private long first = SequenceLocator.NONE;
    private long requests;
    private long multicast;
    private long recovered;
    private long missing;
    private long duplicates;
    private long unnumbered;
    private String lastProblem = "";

    /**
     * @param group     the VPC-side group:port.
     * @param feed      the feed's name on the relay.
     * @param sequence  where the group's payloads carry the exchange's sequence.
     * @param connector opens a {@link ReplayClient} to the relay's replay port.
     * @param delivery  where the datagrams go.
     */
    public GapFiller(final Destination group, final String feed, final SequenceLocator sequence,
        final Connector connector, final Delivery delivery) {
        this.group = group;
        this.feed = feed;
        this.sequence = sequence;
        this.connector = connector;
        this.delivery = delivery;
    }

    /**
     * Starts from {@code fromEpochNanos} (the relay's ingress time): replays the group from then up to now, then
     * takes multicast from where the replay ended. Call before the first {@link #onDatagram}, with the group already
     * joined so that nothing sent meanwhile is lost.
     *
     * @return the relay's verdict on the replay.
     * @throws IOException if the replay port cannot be reached.
     */
    public ReplayClient.Answer lateJoin(final long fromEpochNanos) throws IOException {
        final long untilNs = System.currentTimeMillis() * 1_000_000L + 1;
        final ReplayClient.Answer answer = client().request(new ReplayFrames.Request(ReplayFrames.KIND_TIME,
            ReplayFrames.KIND_TIME, group.group(), group.port(), fromEpochNanos, untilNs, ++requests, feed),
            (g, p, relaySequence, time, buffer, offset, length) -> {
                final long exchangeSequence = sequence.read(buffer, offset, length);
                if (exchangeSequence != SequenceLocator.NONE &&
                    (expected == SequenceLocator.NONE || exchangeSequence >= expected)) {
                    if (first == SequenceLocator.NONE) {
                        first = exchangeSequence;
                    }
                    expected = exchangeSequence + 1;
                    recovered++;
                    delivery.deliver(exchangeSequence, buffer, offset, length, true);
                }
            });
        return answer;
    }

    /**
     * Takes one datagram of the group from multicast.
     *
     * @param buffer holding it.
     * @param offset where it starts.
     * @param length its bytes.
     */
    public void onDatagram(final DirectBuffer buffer, final int offset, final int length) {
        final long current = sequence.read(buffer, offset, length);
        if (current == SequenceLocator.NONE) {
            unnumbered++;
            return;
        }
        multicast++;
        if (expected == SequenceLocator.NONE) {
            expected = current;
            first = current;
        }
        if (current < expected) {
            duplicates++;
            return;
        }
        if (current > expected) {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            pending.put(current, copy);
            drainPending();
            return;
        }
        expected = current + 1;
        delivery.deliver(current, buffer, offset, length, false);
        drainPending();
    }

    /**
     * Call when the group has been quiet for a while: a datagram lost at the end of a burst (the tail) leaves no
     * later one to show the gap, so this asks the relay for whatever follows the last one delivered (up to
     * {@link #TAIL_MAX} datagrams) and delivers it in order. Nothing is asked before the first datagram.
     */
    public void onIdle() {
        if (expected == SequenceLocator.NONE) {
            return;
        }
        final long before = expected;
        try {
            final ReplayClient.Answer answer = client().request(new ReplayFrames.Request(ReplayFrames.KIND_SEQUENCE,
                ReplayFrames.KIND_COUNT, group.group(), group.port(), expected, TAIL_MAX, ++requests, feed),
                this::onRecovered);
            if (answer.outcome() != Outcome.COMPLETE && answer.outcome() != Outcome.PARTIAL) {
                lastProblem = answer.outcome() + ": " + answer.reason();
            }
        } catch (final IOException ex) {
            lastProblem = ex.toString();
            closeClient();
        }
        if (expected > before) {
            drainPending();
        }
    }

    /** Asks the relay for {@code expected .. upTo-1}, retrying while it may not have recorded them yet. */
    private void fill(final long upTo) {
        final long openedNs = System.nanoTime();
        final long first = expected;
        for (int attempt = 0; attempt < ATTEMPTS && expected < upTo && pending.size() <= MAX_PENDING; attempt++) {
            LockSupport.parkNanos(RETRY_DELAYS_NS[attempt]);
            try {
                final ReplayClient.Answer answer = client().request(new ReplayFrames.Request(
                    ReplayFrames.KIND_SEQUENCE, ReplayFrames.KIND_SEQUENCE, group.group(), group.port(), expected,
                    upTo - 1, ++requests, feed), this::onRecovered);
                if (answer.outcome() != Outcome.COMPLETE && answer.outcome() != Outcome.PARTIAL) {
                    lastProblem = answer.outcome() + ": " + answer.reason();
                    break;
                }
            } catch (final IOException ex) {
                lastProblem = ex.toString();
                closeClient();
            }
        }
        if (expected > first) {
            recoveryMicros.recordValue(Math.min(recoveryMicros.getHighestTrackableValue(),
                TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - openedNs)));
        }
        if (expected < upTo) {
            missing += upTo - expected;
            expected = upTo;
        }
    }

    private void onRecovered(final int g, final int p, final long relaySequence, final long time,
        final DirectBuffer buffer, final int offset, final int length) {
        final long exchangeSequence = sequence.read(buffer, offset, length);
        if (exchangeSequence == expected) {
            expected++;
            recovered++;
            delivery.deliver(exchangeSequence, buffer, offset, length, true);
        }
    }

    /** Delivers what waited, in order; each gap before a waiting datagram is filled (or given up) first. */
    private void drainPending() {
        while (!pending.isEmpty()) {
            final Map.Entry<Long, byte[]> next = pending.firstEntry();
            if (next.getKey() < expected) {
                pending.pollFirstEntry();
                duplicates++;
            } else if (next.getKey() == expected) {
                pending.pollFirstEntry();
                expected++;
                view.wrap(next.getValue());
                delivery.deliver(next.getKey(), view, 0, next.getValue().length, false);
            } else {
                fill(next.getKey());
            }
        }
    }

    private ReplayClient client() throws IOException {
        if (client == null) {
            client = connector.connect();
        }
        return client;
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (final IOException ignore) {
                // already broken
            }
            client = null;
        }
    }

    /** Closes the replay connection. */
    public void close() {
        closeClient();
    }

    /** @return the group. */
    public Destination group() {
        return group;
    }

    /** @return datagrams that arrived by multicast (duplicates included). */
    public long multicast() {
        return multicast;
    }

    /** @return datagrams recovered from the relay's replay port. */
    public long recovered() {
        return recovered;
    }

    /** @return sequence numbers given up as lost (the relay no longer held them, or could not be asked). */
    public long missing() {
        return missing;
    }

    /** @return datagrams dropped because their sequence had been delivered already. */
    public long duplicates() {
        return duplicates;
    }

    /** @return datagrams too short to carry a sequence (not delivered). */
    public long unnumbered() {
        return unnumbered;
    }

    /** @return the first sequence delivered, or {@link SequenceLocator#NONE} before it. */
    public long first() {
        return first;
    }

    /** @return the next sequence expected, or {@link SequenceLocator#NONE} before the first. */
    public long expected() {
        return expected;
    }

    /** @return time from seeing a gap to having filled what could be, in microseconds. */
    public Histogram recoveryMicros() {
        return recoveryMicros;
    }

    /** @return the last failure to recover, empty if none. */
    public String lastProblem() {
        return lastProblem;
    }
}
