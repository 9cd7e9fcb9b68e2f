package io.mcastrelay.capture;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one feed's capture. Single writer: the feed's agent thread, which publishes each value with a
 * release store and never allocates doing so; any thread may read them (tests, the stats line, the lead's
 * harnesses). Totals only grow; {@link #ackedSequence()}, {@link #unackedFrames()}, {@link #unackedBytes()} and
 * {@link #state()} are gauges.
 */
public final class CaptureCounters {
    private final String feed;
    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong framesResent = new AtomicLong();
    private final AtomicLong heartbeatsSent = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong ackedSequence = new AtomicLong();
    private final AtomicLong lastSequence = new AtomicLong();
    private final AtomicLong unackedFrames = new AtomicLong();
    private final AtomicLong unackedBytes = new AtomicLong();
    private final AtomicLong replayOverflowFrames = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong receiveErrors = new AtomicLong();
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;

    CaptureCounters(final String feed) {
        this.feed = feed;
    }

    /** @return the feed these count. */
    public String feed() {
        return feed;
    }

    /** @return datagrams received from the joined groups. */
    public long datagrams() {
        return datagrams.get();
    }

    /** @return payload bytes of those datagrams. */
    public long bytes() {
        return bytes.get();
    }

    /** @return DATA frames handed to TCP for the first time. */
    public long framesSent() {
        return framesSent.get();
    }

    /** @return DATA frames handed to TCP again after a reconnection (not acknowledged before it). */
    public long framesResent() {
        return framesResent.get();
    }

    /** @return HEARTBEATs sent. */
    public long heartbeatsSent() {
        return heartbeatsSent.get();
    }

    /** @return ACKs received. */
    public long acks() {
        return acks.get();
    }

    /** @return the highest sequence the relay acknowledged; 0 before the first. */
    public long ackedSequence() {
        return ackedSequence.get();
    }

    /** @return the sequence given to the latest datagram; 0 before the first. */
    public long lastSequence() {
        return lastSequence.get();
    }

    /** @return frames in the replay buffer, waiting for an ACK. */
    public long unackedFrames() {
        return unackedFrames.get();
    }

    /** @return bytes of those frames. */
    public long unackedBytes() {
        return unackedBytes.get();
    }

    /** @return frames evicted from the full replay buffer before an ACK covered them: possibly lost. */
    public long replayOverflowFrames() {
        return replayOverflowFrames.get();
    }

    /** @return TCP connections established (the first one included). */
    public long connects() {
        return connects.get();
    }

    /** @return connections established after the first: reconnections. */
    public long reconnects() {
        return Math.max(0, connects.get() - 1);
    }

    /** @return attempts that did not connect (refused, timed out, address unknown). */
    public long connectFailures() {
        return connectFailures.get();
    }

    /** @return established connections that ended (closed, protocol error, liveness timeout). */
    public long disconnects() {
        return disconnects.get();
    }

    /** @return errors receiving from a group's socket. */
    public long receiveErrors() {
        return receiveErrors.get();
    }

    /** @return the connection's state now. */
    public ConnectionState state() {
        return state;
    }

    /** @return one line with every counter, for logs. */
    public String summary() {
        return "feed=" + feed + " state=" + state + " datagrams=" + datagrams() + " bytes=" + bytes()
            + " framesSent=" + framesSent() + " framesResent=" + framesResent() + " lastSequence=" + lastSequence()
            + " ackedSequence=" + ackedSequence() + " unackedFrames=" + unackedFrames() + " unackedBytes="
            + unackedBytes() + " replayOverflowFrames=" + replayOverflowFrames() + " connects=" + connects()
            + " reconnects=" + reconnects() + " connectFailures=" + connectFailures() + " disconnects="
            + disconnects() + " heartbeatsSent=" + heartbeatsSent() + " receiveErrors=" + receiveErrors();
    }

    @Override
    public String toString() {
        return summary();
    }

    void onDatagram(final long sequence, final int payloadLength) {
        increment(datagrams);
        add(bytes, payloadLength);
        lastSequence.setRelease(sequence);
    }

    void onFrameSent(final boolean resent) {
        increment(resent ? framesResent : framesSent);
    }

    void onHeartbeatSent() {
        increment(heartbeatsSent);
    }

    void onAck(final long sequence) {
        increment(acks);
        ackedSequence.setRelease(sequence);
    }

    void replay(final ReplayBuffer replay) {
        unackedFrames.setRelease(replay.frames());
        unackedBytes.setRelease(replay.bytes());
        replayOverflowFrames.setRelease(replay.evictedFrames());
    }

    void onConnect() {
        increment(connects);
    }

    void onConnectFailure() {
        increment(connectFailures);
    }

    void onDisconnect() {
        increment(disconnects);
    }

    void onReceiveError() {
        increment(receiveErrors);
    }

    void state(final ConnectionState state) {
        this.state = state;
    }

    private static void increment(final AtomicLong counter) {
        counter.setRelease(counter.getPlain() + 1);
    }

    private static void add(final AtomicLong counter, final long delta) {
        counter.setRelease(counter.getPlain() + delta);
    }
}
