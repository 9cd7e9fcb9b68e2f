package io.mcastrelay.recovery;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.aeron.Aeron;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayCounterTypes;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.status.CountersReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each feed's IPC stream with an Aeron Archive on the relay's media driver, purges what ages out, and tells
 * the replay port where in the recordings a time lies.
 *
 * <p>The recording subscription is untethered ({@code tether=false}): the driver never holds the feed's publisher
 * back for it. If the archive falls behind by more than a term window, or its disk fills, the driver drops it; the
 * recording stops, the feed's multicast goes on, the recording counts as broken (logged once, counted, in health
 * details) and the archive starts a new recording when the subscription rejoins. Each recording carries the feed's
 * name as the channel's {@code alias}, so that after a restart on the same directory the catalog's earlier
 * recordings of the feed are found, replayable and purged like the rest.
 *
 * <p>Time to position: every {@link #SAMPLE_INTERVAL_NS} the control thread notes (wall clock, recorded position)
 * of the active recording. Everything recorded before a sample was read off the socket before it, so a replay from
 * the term that holds the last sample before a time, skipping what is older, misses nothing. Recordings of an
 * earlier run have no samples and are read from their start.
 *
 * <p>Threads: the archive's own (one, shared mode); this class's control thread (discovery, samples, retention);
 * the replay port's event loop calls {@link #plan}, {@link #startReplay} and {@link #stopReplay}. The archive client
 * is not thread-safe: every use holds this object's lock. None of it is on the feed's frame path.
 */
public final class Recorder implements AutoCloseable {
    /** A span's end that follows the active recording as it grows, until the reader stops the replay. */
    public static final long FOLLOW = Long.MAX_VALUE;
    /** How often the active recording's position is sampled against the wall clock. */
    static final long SAMPLE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How often a recording the archive refused is asked for again. */
    static final long START_RETRY_NS = TimeUnit.SECONDS.toNanos(10);
    /** How long start-up waits for a dead process's archive mark file to expire (the archive's timeout is 10 s). */
    static final long MARK_FILE_WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long RETENTION_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final String ALIAS_PREFIX = "relay-feed-";
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

    private final RecoverySettings settings;
    private final Aeron aeron;
    private final Archive archive;
    private final AeronArchive client;
    private final Map<String, FeedRecording> feeds = new LinkedHashMap<>();
    private final ScheduledExecutorService control;
    private final AtomicLong archiveErrors;
    private long lastRetentionNs;
    private volatile boolean closed;

    /** The recording state of a feed, as health and meters show it. */
    public enum State {
        /** Waiting for the archive to start the feed's recording. */
        STARTING,
        /** The feed's stream is being recorded. */
        RECORDING,
        /** The archive dropped the recording (behind, or disk full); live multicast carries on. */
        BROKEN
    }

    private Recorder(final RecoverySettings settings, final Aeron aeron, final Archive archive,
        final AeronArchive client, final AtomicLong archiveErrors) {
        this.settings = settings;
        this.archiveErrors = archiveErrors;
        this.aeron = aeron;
        this.archive = archive;
        this.client = client;
        for (final RecoverySettings.Feed feed : settings.feeds()) {
            feeds.put(feed.name(), new FeedRecording(feed, samples(settings)));
        }
        control = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "relay-recovery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Launches the archive on the media driver in {@code aeronDirectory}, starts recording every feed and the
     * control thread.
     *
     * @param settings       what to record.
     * @param aeron          the relay's client of the driver: the recorder connects a client of its own to the same
     *                       driver, whose conductor wakes every millisecond (Aeron's default is 16 ms), so that a
     *                       replay's image is seen at once rather than up to 16 ms later.
     * @param idleStrategies the archive thread's idle strategy, one per call.
     * @return the running recorder.
     */
    public static Recorder start(final RecoverySettings settings, final Aeron aeron,
        final Supplier<IdleStrategy> idleStrategies) {
        final File directory = new File(settings.archiveDirectory());
        if (!directory.isDirectory() && !directory.mkdirs()) {
            throw new IllegalStateException("cannot create the archive directory " + directory.getAbsolutePath() +
                " (relay.recovery.archive-directory)");
        }
        final AtomicLong errors = new AtomicLong();
        Archive archive = null;
        AeronArchive client = null;
        Aeron own = null;
        try {
            own = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeron.context().aeronDirectoryName())
                .driverTimeoutMs(aeron.context().driverTimeoutMs())
                .idleStrategy(new SleepingMillisIdleStrategy(1))
                .errorHandler(error -> {
                    errors.incrementAndGet();
                    LOG.warn("recovery's Aeron client: {}", error.toString());
                }));
            archive = launch(settings, own, directory, idleStrategies, errors);
            client = AeronArchive.connect(new AeronArchive.Context()
                .aeron(own)
                .ownsAeronClient(false)
                .controlRequestChannel(archive.context().localControlChannel())
                .controlRequestStreamId(archive.context().localControlStreamId())
                .controlResponseChannel("aeron:ipc")
                .controlResponseStreamId(AeronArchive.Configuration.CONTROL_RESPONSE_STREAM_ID_DEFAULT));
            final Recorder recorder = new Recorder(settings, own, archive, client, errors);
            synchronized (recorder) {
                for (final FeedRecording feed : recorder.feeds.values()) {
                    recorder.requestRecording(feed, System.nanoTime());
                }
            }
            recorder.control.scheduleWithFixedDelay(recorder::tick, 0, SAMPLE_INTERVAL_NS, TimeUnit.NANOSECONDS);
            LOG.info("recording {} feed(s) in {} (retention {} s or {} MB per feed, segments of {} MB)",
                settings.feeds().size(), directory.getAbsolutePath(), TimeUnit.NANOSECONDS.toSeconds(
                    settings.maxAgeNs()), settings.maxBytesPerFeed() >> 20, settings.segmentBytes() >> 20);
            return recorder;
        } catch (final RuntimeException ex) {
            CloseHelper.quietCloseAll(client, archive, own);
            throw ex;
        }
    }

    /**
     * Launches the archive. A process that died without closing it (kill -9, out of memory) leaves the directory's
     * mark file active until its timeout; the archive refuses it until then, so this waits up to
     * {@link #MARK_FILE_WAIT_NS} for it, with one log line, instead of failing the restart.
     */
    private static Archive launch(final RecoverySettings settings, final Aeron aeron, final File directory,
        final Supplier<IdleStrategy> idleStrategies, final AtomicLong errors) {
        final long deadline = System.nanoTime() + MARK_FILE_WAIT_NS;
        boolean logged = false;
        while (true) {
            try {
                return Archive.launch(new Archive.Context()
                    .aeronDirectoryName(aeron.context().aeronDirectoryName())
                    .archiveDir(directory)
                    .deleteArchiveOnStart(false)
                    .controlChannelEnabled(false)
                    .replicationChannel("aeron:udp?endpoint=localhost:0")
                    .recordingEventsEnabled(false)
                    .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:ipc"))
                    .segmentFileLength(settings.segmentBytes())
                    // Aeron's default refuses to record below 128 MB free; one segment free is what a recording
                    // needs to go on, and retention keeps the volume from filling
                    .lowStorageSpaceThreshold(settings.segmentBytes())
                    .threadingMode(ArchiveThreadingMode.SHARED)
                    .idleStrategySupplier(idleStrategies)
                    .errorHandler(error -> {
                        errors.incrementAndGet();
                        LOG.warn("archive error (relay.recovery.archive.errors): {}", error.toString());
                    }));
            } catch (final IllegalStateException ex) {
                final String message = String.valueOf(ex.getMessage());
                if (!message.contains("active mark file") || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("cannot open the archive in " + directory.getAbsolutePath() +
                        " (relay.recovery.archive-directory): " + message + (message.contains("active mark file") ?
                        "; is another relay using this directory?" : ""), ex);
                }
                if (!logged) {
                    logged = true;
                    LOG.warn("the archive in {} is still marked in use, by a relay that stopped without closing it "
                        + "or by another one; waiting up to {} s for the mark to expire", directory,
                        TimeUnit.NANOSECONDS.toSeconds(MARK_FILE_WAIT_NS));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    private static int samples(final RecoverySettings settings) {
        return (int)Math.min(20_000, settings.maxAgeNs() / SAMPLE_INTERVAL_NS + 100);
    }

    /** On the control thread: find or check each feed's recording, sample it, purge what ages out. */
    private void tick() {
        if (closed) {
            return;
        }
        try {
            final long nowNs = System.currentTimeMillis() * 1_000_000L;
            synchronized (this) {
                final CountersReader counters = aeron.countersReader();
                for (final FeedRecording feed : feeds.values()) {
                    feed.catalog = recordings(feed.settings.name());
                    track(feed, counters, nowNs);
                }
                final long monotonicNs = System.nanoTime();
                if (monotonicNs - lastRetentionNs >= RETENTION_INTERVAL_NS) {
                    lastRetentionNs = monotonicNs;
                    for (final FeedRecording feed : feeds.values()) {
                        purge(feed, nowNs);
                        feed.catalog = recordings(feed.settings.name());
                    }
                }
            }
        } catch (final RuntimeException ex) {
            archiveErrors.incrementAndGet();
            LOG.warn("recovery control: {}", ex.toString());
        }
    }

    /**
     * Under the lock: asks the archive to record the feed's stream. A refusal (the disk below the archive's free space
     * threshold, for one) must not stop the relay: the feed counts as broken, it is logged and counted, and the
     * control thread asks again every {@link #START_RETRY_NS}.
     */
    private void requestRecording(final FeedRecording feed, final long monotonicNs) {
        try {
            client.startRecording("aeron:ipc?tether=false|alias=" + ALIAS_PREFIX + feed.settings.name(),
                feed.settings.streamId(), SourceLocation.LOCAL);
            feed.recordingRequested = true;
            if (feed.state == State.BROKEN) {
                LOG.info("feed '{}': the archive takes the recording again", feed.settings.name());
            }
        } catch (final RuntimeException ex) {
            feed.nextStartAttemptNs = monotonicNs + START_RETRY_NS;
            if (feed.state != State.BROKEN) {
                feed.state = State.BROKEN;
                feed.breaks.incrementAndGet();
                archiveErrors.incrementAndGet();
                LOG.error("feed '{}': the archive refused to record ({}); live multicast carries on; asking again "
                    + "every {} s (relay.recovery.recording.breaks)", feed.settings.name(), ex.getMessage(),
                    TimeUnit.NANOSECONDS.toSeconds(START_RETRY_NS));
            }
        }
    }

    private void track(final FeedRecording feed, final CountersReader counters, final long nowNs) {
        if (!feed.recordingRequested) {
            final long monotonicNs = System.nanoTime();
            if (monotonicNs - feed.nextStartAttemptNs >= 0) {
                requestRecording(feed, monotonicNs);
            }
            return;
        }
        if (feed.counterId != CountersReader.NULL_COUNTER_ID &&
            !RecordingPos.isActive(counters, feed.counterId, feed.activeRecordingId)) {
            feed.counterId = CountersReader.NULL_COUNTER_ID;
            feed.activeRecordingId = RecordingPos.NULL_RECORDING_ID;
            feed.breaks.incrementAndGet();
            feed.state = State.BROKEN;
            LOG.error("feed '{}': the recording stopped (the archive fell behind the feed or its disk is full); "
                + "live multicast carries on; a new recording starts when the archive catches up "
                + "(relay.recovery.recording.breaks)", feed.settings.name());
        }
        if (feed.counterId == CountersReader.NULL_COUNTER_ID) {
            final long recordingId = activeRecording(feed);
            if (recordingId == RecordingPos.NULL_RECORDING_ID) {
                return;
            }
            final int counterId =
                RecordingPos.findCounterIdByRecording(counters, recordingId, archive.context().archiveId());
            if (counterId == CountersReader.NULL_COUNTER_ID) {
                return;
            }
            feed.counterId = counterId;
            feed.activeRecordingId = recordingId;
            feed.clearSamples();
            if (feed.state == State.BROKEN) {
                LOG.info("feed '{}': recording again (recording {})", feed.settings.name(), recordingId);
            }
            feed.state = State.RECORDING;
        }
        final long position = counters.getCounterValue(feed.counterId);
        feed.recordedPosition = position;
        feed.samples.add(nowNs, position);
        if (feed.settings.sequence() != null) {
            sampleSequences(feed, counters);
        }
    }

    /**
     * Notes, per destination, egress's last exchange sequence against the position egress had sent up to just
     * before: the datagram after that sequence lies at or beyond that position, so a replay by sequence starts
     * there instead of at the oldest datagram held. The sent position is read first: it only grows, and egress
     * takes a datagram (and notes its sequence) before the position passes it.
     */
    private void sampleSequences(final FeedRecording feed, final CountersReader counters) {
        if (feed.sentPositionId == CountersReader.NULL_COUNTER_ID) {
            counters.forEach((counterId, typeId, key, label) -> {
                if (key.getInt(0) != feed.settings.streamId()) {
                    return;
                }
                if (typeId == RelayCounterTypes.EGRESS_SENT_POSITION) {
                    feed.sentPositionId = counterId;
                } else if (typeId == RelayCounterTypes.EGRESS_EXCHANGE_SEQUENCE) {
                    feed.exchangeSequenceIds.put(Ipv4.destinationKey(key.getInt(4), key.getInt(8)), counterId);
                }
            });
            if (feed.sentPositionId == CountersReader.NULL_COUNTER_ID) {
                return;
            }
        }
        final long sent = counters.getCounterValue(feed.sentPositionId);
        for (final Map.Entry<Long, Integer> entry : feed.exchangeSequenceIds.entrySet()) {
            final long sequence = counters.getCounterValue(entry.getValue());
            final PositionSamples samples = feed.sequenceSamples.get(entry.getKey());
            if (sequence >= 0 && samples != null) {
                samples.addSequence(sequence, sent);
            }
        }
    }

    /**
     * Where to read one group's datagrams from an exchange sequence on: the active recording from the sent position
     * sampled when egress had not yet taken that sequence; every recording from its start
     * when no sample is that old.
     *
     * @param feed          the feed.
     * @param destinationKey {@link Ipv4#destinationKey} of the VPC-side group:port.
     * @param startSequence the first exchange sequence wanted.
     * @param follow        whether the active recording's span follows it as it grows ({@link #FOLLOW}): the reader
     *                      stops once it has read past the sequence it wants, which egress has already sent, so the
     *                      answer does not stop short while the archive catches up by a millisecond.
     * @return the spans to replay, oldest first.
     */
    public synchronized List<Span> planBySequence(final String feed, final long destinationKey,
        final long startSequence, final boolean follow) {
        final FeedRecording recording = feeds.get(feed);
        final PositionSamples samples = recording.sequenceSamples.get(destinationKey);
        final long sampled = samples == null || startSequence <= 0 ? Long.MIN_VALUE
            : samples.positionAtOrBefore(startSequence - 1);
        if (sampled != Long.MIN_VALUE && recording.activeRecordingId != RecordingPos.NULL_RECORDING_ID) {
            for (final RecordingInfo info : recording.catalog) {
                if (info.recordingId() == recording.activeRecordingId && sampled >= info.startPosition()) {
                    // egress's sent position always lies where a message starts: a replay may start right there
                    final long start = sampled;
                    if (follow) {
                        return List.of(new Span(info.recordingId(), start, FOLLOW, false));
                    }
                    return start < recording.recordedPosition
                        ? List.of(new Span(info.recordingId(), start, recording.recordedPosition, false))
                        : List.of();
                }
            }
        }
        return plan(feed, Long.MIN_VALUE, follow);
    }

    /** @return the feed's recording the archive is writing now, or {@link RecordingPos#NULL_RECORDING_ID}. */
    private static long activeRecording(final FeedRecording feed) {
        long active = RecordingPos.NULL_RECORDING_ID;
        for (final RecordingInfo info : feed.catalog) {
            if (info.stopPosition() == AeronArchive.NULL_POSITION) {
                active = info.recordingId();
            }
        }
        return active;
    }

    /** Under the lock, on the control thread: the feed's recordings in the catalog, oldest first (an archive call). */
    private List<RecordingInfo> recordings(final String feed) {
        final String alias = "alias=" + ALIAS_PREFIX + feed;
        final List<RecordingInfo> found = new ArrayList<>();
        long from = 0;
        while (true) {
            final int[] seen = {0};
            final long[] last = {from - 1};
            client.listRecordings(from, 100, (controlSessionId, correlationId, recordingId, startTimestamp,
                stopTimestamp, startPosition, stopPosition, initialTermId, segmentFileLength, termBufferLength,
                mtuLength, sessionId, streamId, strippedChannel, originalChannel, sourceIdentity) -> {
                seen[0]++;
                last[0] = recordingId;
                if (originalChannel.contains(alias + "|") || originalChannel.endsWith(alias)) {
                    found.add(new RecordingInfo(recordingId, startTimestamp, stopTimestamp, startPosition,
                        stopPosition, termBufferLength, segmentFileLength));
                }
            });
            if (seen[0] < 100) {
                return found;
            }
            from = last[0] + 1;
        }
    }

    /** Under the lock: purges whole old recordings, then whole segments of the active one, by age and by size. */
    private void purge(final FeedRecording feed, final long nowNs) {
        final long oldestAllowedNs = nowNs - settings.maxAgeNs();
        final List<RecordingInfo> all = recordings(feed.settings.name());
        long total = 0;
        for (final RecordingInfo info : all) {
            total += info.length(feed);
        }
        for (final RecordingInfo info : all) {
            if (info.recordingId() == feed.activeRecordingId) {
                continue;
            }
            final boolean tooOld = info.stopTimestamp() != AeronArchive.NULL_TIMESTAMP &&
                info.stopTimestamp() * 1_000_000L < oldestAllowedNs;
            if (tooOld || total > settings.maxBytesPerFeed()) {
                total -= info.length(feed);
                client.purgeRecording(info.recordingId());
                feed.purgedBytes.addAndGet(info.length(feed));
                LOG.info("feed '{}': purged recording {} ({})", feed.settings.name(), info.recordingId(),
                    tooOld ? "older than max-age" : "over max-bytes");
            }
        }
        for (final RecordingInfo info : all) {
            if (info.recordingId() != feed.activeRecordingId) {
                continue;
            }
            final long recorded = feed.recordedPosition;
            long target = info.startPosition();
            final long agedOut = feed.samples.positionAtOrBefore(oldestAllowedNs);
            if (agedOut > target) {
                target = agedOut;
            }
            if (recorded - target > settings.maxBytesPerFeed() - (total - info.length(feed))) {
                target = recorded - (settings.maxBytesPerFeed() - (total - info.length(feed)));
            }
            final long base = AeronArchive.segmentFileBasePosition(info.startPosition(), target,
                info.termBufferLength(), info.segmentFileLength());
            final long activeBase = AeronArchive.segmentFileBasePosition(info.startPosition(), recorded,
                info.termBufferLength(), info.segmentFileLength());
            final long newStart = Math.min(base, activeBase);
            if (newStart > info.startPosition()) {
                client.purgeSegments(info.recordingId(), newStart);
                feed.purgedBytes.addAndGet(newStart - info.startPosition());
            }
        }
    }

    /**
     * Where to read a feed's datagrams from a time on: the recordings that may hold them, oldest first, each from a
     * term boundary at or before the first such datagram up to what is recorded now.
     *
     * @param feed        the feed.
     * @param startTimeNs the first ingress time wanted.
     * @return the spans to replay, oldest first; empty if nothing is held.
     */
    public List<Span> plan(final String feed, final long startTimeNs) {
        return plan(feed, startTimeNs, false);
    }

    /**
     * Where to read a feed's datagrams from a time on, as {@link #plan(String, long)}; with {@code follow} the active
     * recording's span, even an empty one, ends at {@link #FOLLOW}: its replay carries on with what the archive
     * records next, which is how a {@code live} answer joins the live stream with no gap and no duplicate.
     *
     * @param feed        the feed.
     * @param startTimeNs the first ingress time wanted.
     * @param follow      whether the last span follows the active recording.
     * @return the spans to replay, oldest first; the last one ends at {@link #FOLLOW} only if a recording is active.
     */
    public synchronized List<Span> plan(final String feed, final long startTimeNs, final boolean follow) {
        final FeedRecording recording = feeds.get(feed);
        final List<Span> spans = new ArrayList<>();
        for (final RecordingInfo info : recording.catalog) {
            final boolean active = info.recordingId() == recording.activeRecordingId;
            final long stop = active ? (follow ? FOLLOW : recording.recordedPosition) : info.stopPosition();
            if (stop == AeronArchive.NULL_POSITION || stop <= info.startPosition()) {
                continue;
            }
            if (!active && info.stopTimestamp() != AeronArchive.NULL_TIMESTAMP &&
                (info.stopTimestamp() + 1) * 1_000_000L < startTimeNs) {
                continue;
            }
            long from = info.startPosition();
            if (active) {
                final long sampled = recording.samples.positionAtOrBefore(startTimeNs);
                final long termStart = sampled - (sampled & (info.termBufferLength() - 1));
                from = Math.max(from, termStart);
            }
            spans.add(new Span(info.recordingId(), from, stop, from == info.startPosition() &&
                spans.isEmpty()));
        }
        return spans;
    }

    /**
     * Asks the archive to replay part of a recording to an IPC stream.
     *
     * @return the replay session id; its low 32 bits are the replay stream's session id.
     */
    public synchronized long startReplay(final Span span, final int replayStreamId) {
        return client.startReplay(span.recordingId(), span.from(),
            span.to() == FOLLOW ? AeronArchive.NULL_LENGTH : span.to() - span.from(), "aeron:ipc", replayStreamId);
    }

    /** Stops a replay that is still running; quiet if it has ended. */
    public synchronized void stopReplay(final long replaySessionId) {
        if (closed) {
            return;
        }
        try {
            client.stopReplay(replaySessionId);
        } catch (final RuntimeException ignore) {
            // the replay had already ended
        }
    }

    /**
     * @return the last exchange sequence egress has taken for a destination of the feed (sampled every 100 ms and
     * read now), or -1 if unknown.
     */
    public synchronized long lastExchangeSequence(final String feed, final long destinationKey) {
        final Integer counterId = feeds.get(feed).exchangeSequenceIds.get(destinationKey);
        return counterId == null ? -1 : aeron.countersReader().getCounterValue(counterId);
    }

    /** @return the feed's recording state. */
    public State state(final String feed) {
        return feeds.get(feed).state;
    }

    /** @return times the feed's recording stopped without being asked to. */
    public long breaks(final String feed) {
        return feeds.get(feed).breaks.get();
    }

    /** @return the active recording's recorded position, or the last one seen. */
    public long recordedPosition(final String feed) {
        return feeds.get(feed).recordedPosition;
    }

    /** @return bytes the retention purged for the feed since start. */
    public long purgedBytes(final String feed) {
        return feeds.get(feed).purgedBytes.get();
    }

    /** @return bytes the feed's recordings hold now. */
    public synchronized long heldBytes(final String feed) {
        long total = 0;
        final FeedRecording recording = feeds.get(feed);
        for (final RecordingInfo info : recording.catalog) {
            total += info.length(recording);
        }
        return total;
    }

    /**
     * @return about when the oldest datagram the feed's recordings hold was recorded, epoch ns (within a sample
     * interval, 100 ms); 0 if nothing is held.
     */
    public synchronized long oldestHeldTimeNs(final String feed) {
        final FeedRecording recording = feeds.get(feed);
        for (final RecordingInfo info : recording.catalog) {
            if (info.length(recording) == 0) {
                continue;
            }
            if (info.recordingId() == recording.activeRecordingId) {
                // purgeSegments moves the start on; the samples say when that position was recorded
                final long sampled = recording.samples.keyAtOrBefore(info.startPosition());
                if (sampled != Long.MIN_VALUE) {
                    return sampled;
                }
            }
            return info.startTimestamp() * 1_000_000L;
        }
        return 0;
    }

    /** @return errors the archive and the control thread reported. */
    public long archiveErrors() {
        return archiveErrors.get();
    }

    /** @return the Aeron client the replays are read with. */
    public Aeron aeron() {
        return aeron;
    }

    /** @return the settings. */
    public RecoverySettings settings() {
        return settings;
    }

    @Override
    public void close() {
        closed = true;
        control.shutdownNow();
        try {
            control.awaitTermination(5, TimeUnit.SECONDS);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            CloseHelper.quietCloseAll(client, archive, aeron);
        }
    }

    /**
     * A part of one recording to replay.
     *
     * @param recordingId  the recording.
     * @param from         a position where a fragment starts.
     * @param to           the position to stop at.
     * @param oldestHeld   whether {@code from} is the oldest position the relay holds for the feed.
     */
    public record Span(long recordingId, long from, long to, boolean oldestHeld) {
    }

    /** A recording of the catalog. */
    private record RecordingInfo(long recordingId, long startTimestamp, long stopTimestamp, long startPosition,
        long stopPosition, int termBufferLength, int segmentFileLength) {
        long length(final FeedRecording feed) {
            final long stop = stopPosition == AeronArchive.NULL_POSITION ? feed.recordedPosition : stopPosition;
            return Math.max(0, stop - startPosition);
        }
    }

    /** One feed's recording state; fields other than the atomics are written under the recorder's lock. */
    private static final class FeedRecording {
        final RecoverySettings.Feed settings;
        final PositionSamples samples;
        final AtomicLong breaks = new AtomicLong();
        final AtomicLong purgedBytes = new AtomicLong();
        volatile State state = State.STARTING;
        volatile long recordedPosition;
        long activeRecordingId = RecordingPos.NULL_RECORDING_ID;
        int counterId = CountersReader.NULL_COUNTER_ID;
        /** Egress's sent position of the feed, and per destination its last exchange sequence: sequence samples. */
        int sentPositionId = CountersReader.NULL_COUNTER_ID;
        boolean recordingRequested;
        long nextStartAttemptNs;
        /** The feed's recordings as the catalog listed them at the last tick (every 100 ms), oldest first. */
        List<RecordingInfo> catalog = List.of();
        final Map<Long, Integer> exchangeSequenceIds = new LinkedHashMap<>();
        final Map<Long, PositionSamples> sequenceSamples = new LinkedHashMap<>();

        FeedRecording(final RecoverySettings.Feed settings, final int samples) {
            this.settings = settings;
            this.samples = new PositionSamples(samples);
            for (final Destination destination : settings.destinations()) {
                sequenceSamples.put(destination.egressKey(), new PositionSamples(samples));
            }
        }

        void clearSamples() {
            samples.clear();
            sequenceSamples.values().forEach(PositionSamples::clear);
        }
    }
}
