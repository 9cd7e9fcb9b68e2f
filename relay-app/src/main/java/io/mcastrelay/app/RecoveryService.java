package io.mcastrelay.app;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.aeron.Aeron;
import io.mcastrelay.recovery.Recorder;
import io.mcastrelay.recovery.RecoverySettings;
import io.mcastrelay.recovery.ReplayServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.agrona.CloseHelper;

/**
 * The recorder and the replay port of one relay generation (they live and die with its Aeron client), with their
 * meters ({@code relay.recovery.*}, docs/metrics.md) and their health details. A broken recording shows in the
 * details and the meters, never in readiness: live multicast does not depend on it.
 */
final class RecoveryService implements AutoCloseable {
    private final RecoverySettings settings;
    private final Recorder recorder;
    private final ReplayServer replay;

    private RecoveryService(final RecoverySettings settings, final Recorder recorder, final ReplayServer replay) {
        this.settings = settings;
        this.recorder = recorder;
        this.replay = replay;
    }

    /** Starts recording every feed, then opens the replay port; on failure closes what it started. */
    static RecoveryService start(final RecoverySettings settings, final Aeron aeron) {
        // The archive's one thread records, answers replay requests and runs replays. It parks 1 ms after every
        // cycle, busy or not, as the driver's conductor does: a recording keeps up in blocks of a millisecond of
        // traffic and never spins a core the feeds' event loops need, and a replay request waits at most 1 ms per
        // step, not the 16 ms of an idle conductor.
        final Recorder recorder = Recorder.start(settings, aeron,
            () -> new DriverIdleStrategy(DriverIdleStrategy.MIN_PARK_NS));
        final ReplayServer replay = new ReplayServer(settings, recorder);
        try {
            replay.start();
        } catch (final RuntimeException ex) {
            CloseHelper.quietClose(recorder);
            throw ex;
        }
        return new RecoveryService(settings, recorder, replay);
    }

    private static double heldAgeSeconds(final long oldestNs) {
        return oldestNs == 0 ? 0 : Math.max(0, System.currentTimeMillis() / 1e3 - oldestNs / 1e9);
    }

    void bindMeters(final MeterRegistry registry) {
        for (final RecoverySettings.Feed feed : settings.feeds()) {
            final Tags tags = Tags.of("feed", feed.name());
            Gauge.builder("relay.recovery.recorded.position", recorder, r -> r.recordedPosition(feed.name()))
                .tags(tags).baseUnit("bytes")
                .description("Position up to which the feed's IPC stream is recorded").register(registry);
            Gauge.builder("relay.recovery.held", recorder, r -> r.heldBytes(feed.name()))
                .tags(tags).baseUnit("bytes")
                .description("Bytes of the feed the archive holds (all its recordings)").register(registry);
            Gauge.builder("relay.recovery.held.age", recorder, r -> heldAgeSeconds(r.oldestHeldTimeNs(feed.name())))
                .tags(tags).baseUnit("seconds")
                .description("Age of the oldest datagram of the feed the archive holds: the window a customer can "
                    + "ask for (0 when nothing is held)").register(registry);
            Gauge.builder("relay.recovery.recording", recorder,
                    r -> r.state(feed.name()) == Recorder.State.RECORDING ? 1 : 0)
                .tags(tags).description("1 while the feed is being recorded, 0 while starting or broken")
                .register(registry);
            FunctionCounter.builder("relay.recovery.recording.breaks", recorder, r -> r.breaks(feed.name()))
                .tags(tags).description("Times the feed's recording stopped without being asked (archive behind "
                    + "or disk full)").register(registry);
            FunctionCounter.builder("relay.recovery.purged", recorder, r -> r.purgedBytes(feed.name()))
                .tags(tags).baseUnit("bytes").description("Bytes of the feed purged by retention")
                .register(registry);
            FunctionCounter.builder("relay.recovery.replayed", replay, r -> r.replayed(feed.name()))
                .tags(tags).description("Datagrams of the feed sent to replay customers").register(registry);
        }
        Gauge.builder("relay.recovery.replay.sessions", replay, ReplayServer::sessions)
            .description("Replay connections open now").register(registry);
        FunctionCounter.builder("relay.recovery.replay.sessions.accepted", replay, ReplayServer::sessionsTotal)
            .description("Replay connections accepted").register(registry);
        for (final ReplayServer.Refusal refusal : ReplayServer.Refusal.values()) {
            FunctionCounter.builder("relay.recovery.refused", replay, r -> r.refusals(refusal))
                .tag("reason", refusal.tag()).description("Replay requests or connections refused, by reason")
                .register(registry);
        }
        FunctionCounter.builder("relay.recovery.archive.errors", recorder, Recorder::archiveErrors)
            .description("Errors the archive reported").register(registry);
    }

    /** @return the health details: each feed's recording state and breaks, the replay port and its sessions. */
    Map<String, Object> details() {
        final Map<String, Object> details = new LinkedHashMap<>();
        for (final RecoverySettings.Feed feed : settings.feeds()) {
            details.put("recovery." + feed.name() + ".recording",
                recorder.state(feed.name()).name().toLowerCase(Locale.ROOT));
            details.put("recovery." + feed.name() + ".breaks", recorder.breaks(feed.name()));
        }
        details.put("recovery.replay.port", replay.boundPort());
        details.put("recovery.replay.sessions", replay.sessions());
        return details;
    }

    /** @return the replay port bound. */
    int replayPort() {
        return replay.boundPort();
    }

    @Override
    public void close() {
        CloseHelper.quietCloseAll(replay, recorder);
    }
}
