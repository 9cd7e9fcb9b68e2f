package io.mcastrelay.ingress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.mcastrelay.wire.MeteredCounter;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayCounterTypes;
import io.mcastrelay.wire.RelayMeter;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A feed's ingress counters, allocated as Aeron counters (type {@link RelayCounterTypes#INGRESS}) so that AeronStat
 * shows them too. Each comes from the {@link RelayMeter} table with its tags ({@link #meters()}); its label is the
 * counter's name and those tags, for example {@code relay.ingress.frames feed=prod}.
 *
 * <p>Single writer: the feed's ingress event loop, the only thread that runs its connections (the TLS reload
 * counters: the relay's TLS reload thread). Any thread may read.
 */
public final class IngressCounters implements AutoCloseable {
    private final String feed;
    private final List<Counter> all = new ArrayList<>();
    private final List<MeteredCounter> meters = new ArrayList<>();
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
        frames = add(aeron, RelayMeter.INGRESS_FRAMES);
        bytes = add(aeron, RelayMeter.INGRESS_BYTES);
        heartbeats = add(aeron, RelayMeter.INGRESS_HEARTBEATS);
        connectionsCurrent = add(aeron, RelayMeter.INGRESS_CONNECTIONS_CURRENT);
        connectionsAccepted = add(aeron, RelayMeter.INGRESS_CONNECTIONS_ACCEPTED);
        idleTimeouts = add(aeron, RelayMeter.INGRESS_IDLE_TIMEOUTS);
        backPressureEpisodes = add(aeron, RelayMeter.INGRESS_BACKPRESSURE_EPISODES);
        backPressureNs = add(aeron, RelayMeter.INGRESS_BACKPRESSURE_TIME);
        sequenceGaps = add(aeron, RelayMeter.INGRESS_SEQUENCE_GAPS);
        sequenceRepeats = add(aeron, RelayMeter.INGRESS_SEQUENCE_REPEATS);
        sessions = add(aeron, RelayMeter.INGRESS_SESSIONS);
        duplicates = add(aeron, RelayMeter.INGRESS_DUPLICATES);
        lastFrameTimeNs = add(aeron, RelayMeter.INGRESS_LAST_FRAME_TIME);
        for (final RefusalReason reason : RefusalReason.values()) {
            refusals[reason.ordinal()] = add(aeron, RelayMeter.INGRESS_CONNECTIONS_REFUSED, "reason", reason.reason());
        }
        for (int i = 0; i < protocolErrors.length; i++) {
            protocolErrors[i] = add(aeron, RelayMeter.INGRESS_PROTOCOL_ERRORS, "reason", ProtocolError.get(i).reason());
        }
        for (final DropReason reason : DropReason.values()) {
            drops[reason.ordinal()] = add(aeron, RelayMeter.INGRESS_DROPS, "reason", reason.reason());
        }
        tlsReloads = add(aeron, RelayMeter.INGRESS_TLS_RELOADS, "result", "ok");
        tlsReloadFailures = add(aeron, RelayMeter.INGRESS_TLS_RELOADS, "result", "failed");
        tlsCertificateNotAfter = add(aeron, RelayMeter.INGRESS_TLS_CERTIFICATE_NOT_AFTER);
    }

    private AtomicCounter add(final Aeron aeron, final RelayMeter meter, final String... tags) {
        final String[] all = new String[tags.length + 2];
        all[0] = "feed";
        all[1] = feed;
        System.arraycopy(tags, 0, all, 2, tags.length);
        final Counter counter = aeron.addCounter(RelayCounterTypes.INGRESS, meter.label(all));
        this.all.add(counter);
        meters.add(MeteredCounter.of(meter, counter, all));
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

    /** @return every counter with the meter it becomes and its tags, in allocation order. */
    public List<MeteredCounter> meters() {
        return Collections.unmodifiableList(meters);
    }

    @Override
    public void close() {
        CloseHelper.closeAll(all);
    }
}
