package io.mcastrelay.ingress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayCounterTypes;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A feed's ingress counters, allocated as Aeron counters (type {@link RelayCounterTypes#INGRESS}) so that AeronStat
 * shows them too. Each label is the meter name and its tags, for example
 * {@code relay.ingress.frames feed=prod}.
 *
 * <p>Single writer: the feed's ingress event loop, the only thread that runs its connections (the TLS reload
 * counters: the relay's TLS reload thread). Any thread may read.
 */
public final class IngressCounters implements AutoCloseable {
    private final String feed;
    private final List<Counter> all = new ArrayList<>();
    private final AtomicCounter frames;
    private final AtomicCounter bytes;
    private final AtomicCounter heartbeats;
    private final AtomicCounter connectionsCurrent;
    private final AtomicCounter connectionsAccepted;
    private final AtomicCounter idleTimeouts;
    private final AtomicCounter backPressureEpisodes;
    private final AtomicCounter backPressureNs;
    private final AtomicCounter sequenceGaps;
    private final AtomicCounter sequenceRepeats;
    private final AtomicCounter sessions;
    private final AtomicCounter duplicates;
    private final AtomicCounter lastFrameTimeNs;
    private final AtomicCounter[] refusals = new AtomicCounter[RefusalReason.values().length];
    private final AtomicCounter[] protocolErrors = new AtomicCounter[ProtocolError.count()];
    private final AtomicCounter[] drops = new AtomicCounter[DropReason.values().length];
    private final AtomicCounter tlsReloads;
    private final AtomicCounter tlsReloadFailures;
    private final AtomicCounter tlsCertificateNotAfter;

    /**
     * Allocates the counters of one feed.
     *
     * @param aeron a connected client.
     * @param feed  the feed's name.
     */
    public IngressCounters(final Aeron aeron, final String feed) {
        this.feed = feed;
        frames = add(aeron, "relay.ingress.frames", "");
        bytes = add(aeron, "relay.ingress.bytes", "");
        heartbeats = add(aeron, "relay.ingress.heartbeats", "");
        connectionsCurrent = add(aeron, "relay.ingress.connections.current", "");
        connectionsAccepted = add(aeron, "relay.ingress.connections.accepted", "");
        idleTimeouts = add(aeron, "relay.ingress.idle.timeouts", "");
        backPressureEpisodes = add(aeron, "relay.ingress.backpressure.episodes", "");
        backPressureNs = add(aeron, "relay.ingress.backpressure.time", " unit=ns");
        sequenceGaps = add(aeron, "relay.ingress.sequence.gaps", "");
        sequenceRepeats = add(aeron, "relay.ingress.sequence.repeats", "");
        sessions = add(aeron, "relay.ingress.sessions", "");
        duplicates = add(aeron, "relay.ingress.duplicates", "");
        lastFrameTimeNs = add(aeron, "relay.ingress.last.frame.time", " unit=epoch-ns");
        for (final RefusalReason reason : RefusalReason.values()) {
            refusals[reason.ordinal()] = add(aeron, "relay.ingress.connections.refused", " reason=" + reason.reason());
        }
        for (int i = 0; i < protocolErrors.length; i++) {
            protocolErrors[i] = add(aeron, "relay.ingress.protocol.errors", " reason=" + ProtocolError.get(i).reason());
        }
        for (final DropReason reason : DropReason.values()) {
            drops[reason.ordinal()] = add(aeron, "relay.ingress.drops", " reason=" + reason.reason());
        }
        tlsReloads = add(aeron, "relay.ingress.tls.reloads", " result=ok");
        tlsReloadFailures = add(aeron, "relay.ingress.tls.reloads", " result=failed");
        tlsCertificateNotAfter = add(aeron, "relay.ingress.tls.certificate.not.after", " unit=epoch-s");
    }

    private AtomicCounter add(final Aeron aeron, final String name, final String tags) {
        final Counter counter = aeron.addCounter(RelayCounterTypes.INGRESS, name + " feed=" + feed + tags);
        all.add(counter);
        return counter;
    }

    /** @return the feed's name. */
    public String feed() {
        return feed;
    }

    /** @return DATA frames received, well formed, whether relayed or dropped. */
    public AtomicCounter frames() {
        return frames;
    }

    /** @return payload bytes of those frames. */
    public AtomicCounter bytes() {
        return bytes;
    }

    /** @return HEARTBEAT frames received. */
    public AtomicCounter heartbeats() {
        return heartbeats;
    }

    /** @return open connections now. */
    public AtomicCounter connectionsCurrent() {
        return connectionsCurrent;
    }

    /** @return connections accepted since start. */
    public AtomicCounter connectionsAccepted() {
        return connectionsAccepted;
    }

    /** @return connections closed because they sent nothing for the idle timeout. */
    public AtomicCounter idleTimeouts() {
        return idleTimeouts;
    }

    /** @return times a connection stopped reading because the Aeron stream was back-pressured. */
    public AtomicCounter backPressureEpisodes() {
        return backPressureEpisodes;
    }

    /** @return nanoseconds connections spent not reading because of back-pressure (counted when each ends). */
    public AtomicCounter backPressureNs() {
        return backPressureNs;
    }

    /** @return connections that opened with HELLO (relay-v1.1 sessions), new or resumed. */
    public AtomicCounter sessions() {
        return sessions;
    }

    /** @return DATA frames of a resumed session skipped because this relay had published them already. */
    public AtomicCounter duplicates() {
        return duplicates;
    }

    /** @return DATA frames whose sequence skipped ahead of the previous one + 1. */
    public AtomicCounter sequenceGaps() {
        return sequenceGaps;
    }

    /** @return DATA frames whose sequence was not above the previous one. */
    public AtomicCounter sequenceRepeats() {
        return sequenceRepeats;
    }

    /** @return wall clock of the last DATA frame in ns since the epoch, 0 if none yet. */
    public AtomicCounter lastFrameTimeNs() {
        return lastFrameTimeNs;
    }

    /**
     * Connections refused.
     *
     * @param reason why.
     * @return the counter for that reason.
     */
    public AtomicCounter refusals(final RefusalReason reason) {
        return refusals[reason.ordinal()];
    }

    /**
     * Connections closed for a protocol error.
     *
     * @param error which.
     * @return the counter for that error.
     */
    public AtomicCounter protocolErrors(final ProtocolError error) {
        return protocolErrors[error.ordinal()];
    }

    /**
     * Well-formed DATA frames dropped.
     *
     * @param reason why.
     * @return the counter for that reason.
     */
    public AtomicCounter drops(final DropReason reason) {
        return drops[reason.ordinal()];
    }

    /**
     * TLS contexts swapped because the feed's certificate, key or CA files changed. Written by the TLS reload thread.
     *
     * @return the counter.
     */
    public AtomicCounter tlsReloads() {
        return tlsReloads;
    }

    /**
     * Changes to the feed's TLS files that did not load (the previous context stays). Written by the reload thread.
     *
     * @return the counter.
     */
    public AtomicCounter tlsReloadFailures() {
        return tlsReloadFailures;
    }

    /**
     * When the certificate new connections get expires, in seconds since the epoch; 0 without TLS. Written by the
     * starting thread, then the TLS reload thread.
     *
     * @return the counter.
     */
    public AtomicCounter tlsCertificateNotAfter() {
        return tlsCertificateNotAfter;
    }

    /** @return every counter of this feed, for tools that list them. */
    public List<Counter> all() {
        return Collections.unmodifiableList(all);
    }

    @Override
    public void close() {
        CloseHelper.closeAll(all);
    }
}
