package io.mcastrelay.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.aeron.Publication;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.tools.GapFiller;
import io.mcastrelay.tools.ReplayClient;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.mcastrelay.wire.ReplayFrames;
import io.mcastrelay.wire.ReplayFrames.Outcome;
import io.mcastrelay.wire.ReplayFrames.Request;
import io.mcastrelay.wire.SequenceLocator;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Recording and the replay port on a real media driver, a real Aeron Archive in a temporary directory and real
 * loopback TCP, through the shipped {@link ReplayClient}. Terms of 64 KiB and segments of 128 KiB keep the files small.
 */
@Timeout(60)
class ReplayIT {
    private static final int TERM = 64 * 1024;
    private static final Destination A = Destination.parse("239.255.80.1:7001");
    private static final Destination B = Destination.parse("239.255.80.2:7002");

    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();

    private static int nextStreamId = 4100;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Path archiveDirectory;
    private int streamId;
    private Publication publication;
    private Recorder recorder;
    private ReplayServer server;
    private final List<Sent> sent = new ArrayList<>();
    private long sequence;

    /** What was published; the payload's first 8 bytes (big-endian) are the exchange's sequence per group. */
    private record Sent(Destination to, long sequence, long ingressTime, byte[] payload, long exchangeSequence) {
    }

    private record Got(int group, int port, long sequence, long ingressTime, byte[] payload) {
    }

    @BeforeEach
    void openFeed() throws IOException {
        archiveDirectory = Files.createTempDirectory("relay-archive");
        streamId = nextStreamId++;
        publication = aeron.aeron().addPublication("aeron:ipc?term-length=" + TERM, streamId);
    }

    @AfterEach
    void closeAll() {
        CloseHelper.quietCloseAll(server, recorder, publication);
        CloseHelper.quietCloseAll(resources);
        IoUtil.delete(archiveDirectory.toFile(), true);
    }

    private RecoverySettings settings(final long maxBytes, final String allowed, final int maxSessions) {
        return settings(maxBytes, allowed, maxSessions, 1_000_000, TimeUnit.SECONDS.toNanos(5));
    }

    private RecoverySettings settings(final long maxBytes, final String allowed, final int maxSessions,
        final int maxFramesPerSecond, final long writeTimeoutNs) {
        return new RecoverySettings(archiveDirectory.toString(), TimeUnit.MINUTES.toNanos(15), maxBytes, 2 * TERM,
            "127.0.0.1", 0, List.of(allowed), maxSessions, TimeUnit.HOURS.toNanos(1), maxFramesPerSecond,
            writeTimeoutNs, List.of(new RecoverySettings.Feed("prod", "aeron:ipc", streamId, TERM,
            List.of(A, B), SequenceLocator.parse("0:8:big-endian"))));
    }

    private void startRecovery(final RecoverySettings settings) {
        recorder = Recorder.start(settings, aeron.aeron(), () -> new BackoffIdleStrategy());
        server = new ReplayServer(settings, recorder);
        server.start();
        await("recording", () -> recorder.state("prod") == Recorder.State.RECORDING);
    }

    /** Publishes messages as ingress does, alternating A and B, each 1 µs of ingress time after the last. */
    private void publish(final int count, final int payloadBytes) {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[IpcMessageDescriptor.HEADER_LENGTH + payloadBytes]);
        for (int i = 0; i < count; i++) {
            final Destination to = sequence % 2 == 0 ? A : B;
            final long ingressTime = System.currentTimeMillis() * 1_000_000L + (sequence % 1000) * 1000;
            final byte[] payload = new byte[payloadBytes];
            for (int b = 0; b < payloadBytes; b++) {
                payload[b] = (byte)(sequence * 31 + b);
            }
            final long exchangeSequence = sequence / 2 + 1;
            new UnsafeBuffer(payload).putLong(0, exchangeSequence, ByteOrder.BIG_ENDIAN);
            sequence++;
            final long ingress = sent.isEmpty() ? ingressTime :
                Math.max(ingressTime, sent.get(sent.size() - 1).ingressTime() + 1);
            IpcMessageFlyweight.encodeHeader(message, 0, payloadBytes, to.group(), to.port(), to.group(), to.port(),
                1, sequence, 0, ingress);
            message.putBytes(IpcMessageDescriptor.HEADER_LENGTH, payload);
            while (publication.offer(message) < 0) {
                LockSupport.parkNanos(10_000);
            }
            sent.add(new Sent(to, sequence, ingress, payload, exchangeSequence));
        }
        await("recorded", () -> recorder.recordedPosition("prod") >= publication.position());
    }

    private ReplayClient client() throws IOException {
        final ReplayClient client = new ReplayClient("127.0.0.1", server.boundPort(), 10_000);
        resources.add(client);
        return client;
    }

    private ReplayClient.Answer replay(final Request request, final List<Got> into) throws IOException {
        return client().request(request, collect(into));
    }

    private static Request byTime(final long from, final long to, final Destination group) {
        return new Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_TIME, group == null ? 0 : group.group(),
            group == null ? 0 : group.port(), from, to, 42, "prod");
    }

    private static void assertSame(final List<Got> got, final List<Sent> expected) {
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < got.size(); i++) {
            final Got g = got.get(i);
            final Sent s = expected.get(i);
            assertThat(g.group()).as("group of %d", i).isEqualTo(s.to().group());
            assertThat(g.port()).as("port of %d", i).isEqualTo(s.to().port());
            assertThat(g.sequence()).as("sequence of %d", i).isEqualTo(s.sequence());
            assertThat(g.ingressTime()).as("time of %d", i).isEqualTo(s.ingressTime());
            assertThat(Arrays.equals(g.payload(), s.payload())).as("payload of %d byte for byte", i).isTrue();
        }
    }

    @Test
    void shouldReplayOneGroupsDatagramsBetweenTwoTimesByteIdenticalInOrderThenComplete() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(3000, 300);

        final List<Got> got = new ArrayList<>();
        final long from = sent.get(1000).ingressTime();
        final long to = sent.get(2500).ingressTime();
        final ReplayClient.Answer answer = replay(byTime(from, to, B), got);

        final List<Sent> expected = sent.subList(1000, 2500).stream().filter(s -> s.to().equals(B)).toList();
        assertThat(answer.outcome()).as(answer.reason()).isEqualTo(Outcome.COMPLETE);
        assertThat(answer.requestId()).isEqualTo(42);
        assertThat(answer.datagrams()).isEqualTo(expected.size());
        assertSame(got, expected);
        assertThat(server.replayed("prod")).isEqualTo(expected.size());
    }

    @Test
    void shouldAnswerACountFromATimeAndThenTakeTheNextRequestOnTheSameConnection() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(500, 100);
        final ReplayClient client = client();

        final List<Got> first = new ArrayList<>();
        final ReplayClient.Answer answer = client.request(new Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_COUNT,
            0, 0, sent.get(100).ingressTime(), 50, 1, "prod"), collect(first));
        final List<Got> second = new ArrayList<>();
        final ReplayClient.Answer again = client.request(new Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_COUNT,
            A.group(), A.port(), sent.get(0).ingressTime(), 3, 2, "prod"), collect(second));

        assertThat(answer.outcome()).isEqualTo(Outcome.COMPLETE);
        assertSame(first, sent.subList(100, 150));
        assertThat(again.outcome()).isEqualTo(Outcome.COMPLETE);
        assertThat(again.requestId()).isEqualTo(2);
        assertSame(second, List.of(sent.get(0), sent.get(2), sent.get(4)));
    }

    private static ReplayClient.DatagramHandler collect(final List<Got> into) {
        return (group, port, seq, time, buffer, offset, length) -> {
            final byte[] payload = new byte[length];
            buffer.getBytes(offset, payload);
            into.add(new Got(group, port, seq, time, payload));
        };
    }

    @Test
    void shouldReplayOneGroupBetweenTwoExchangeSequencesAndSayPartialForASequenceNoLongerHeld() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(1000, 100);

        final List<Got> got = new ArrayList<>();
        final ReplayClient.Answer answer = replay(new Request(ReplayFrames.KIND_SEQUENCE, ReplayFrames.KIND_SEQUENCE,
            B.group(), B.port(), 100, 199, 5, "prod"), got);

        final List<Sent> expected = sent.stream()
            .filter(s -> s.to().equals(B) && s.exchangeSequence() >= 100 && s.exchangeSequence() <= 199).toList();
        assertThat(expected).hasSize(100);
        assertThat(answer.outcome()).as(answer.reason()).isEqualTo(Outcome.COMPLETE);
        assertSame(got, expected);

        final List<Got> fromZero = new ArrayList<>();
        final ReplayClient.Answer partial = replay(new Request(ReplayFrames.KIND_SEQUENCE, ReplayFrames.KIND_COUNT,
            A.group(), A.port(), 0, 3, 6, "prod"), fromZero);
        assertThat(partial.outcome()).as("sequence 0 was never held").isEqualTo(Outcome.PARTIAL);
        assertSame(fromZero, List.of(sent.get(0), sent.get(2), sent.get(4)));

        assertRefused(new Request(ReplayFrames.KIND_SEQUENCE, ReplayFrames.KIND_COUNT, 0, 0, 1, 3, 6, "prod"),
            Outcome.BAD_REQUEST, "names one group:port", ReplayServer.Refusal.BAD_REQUEST);
    }

    @Test
    void shouldLetAGapFillerRecoverALostTailWhenTheGroupGoesQuiet() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(200, 64);
        final List<Sent> toA = sent.stream().filter(s -> s.to().equals(A)).toList();
        final List<Long> delivered = new ArrayList<>();
        final GapFiller filler = new GapFiller(A, "prod", SequenceLocator.parse("0:8:big-endian"),
            () -> new ReplayClient("127.0.0.1", server.boundPort(), 5000),
            (exchangeSequence, buffer, offset, length, recovered) -> delivered.add(exchangeSequence));
        // multicast lost the last three: no later datagram shows the gap
        for (int i = 0; i < toA.size() - 3; i++) {
            filler.onDatagram(new UnsafeBuffer(toA.get(i).payload()), 0, toA.get(i).payload().length);
        }
        assertThat(delivered).hasSize(toA.size() - 3);

        filler.onIdle();
        filler.onIdle();
        filler.close();

        assertThat(delivered).as("the tail, once, in order")
            .containsExactlyElementsOf(toA.stream().map(Sent::exchangeSequence).toList());
        assertThat(filler.recovered()).isEqualTo(3);
        assertThat(filler.missing()).isZero();
    }

    @Test
    void shouldLetAGapFillerDeliverEveryDatagramInOrderWhenMulticastLostEveryTenth() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(2000, 64);
        final List<Sent> toA = sent.stream().filter(s -> s.to().equals(A)).toList();
        final List<Long> delivered = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        final GapFiller filler = new GapFiller(A, "prod", SequenceLocator.parse("0:8:big-endian"),
            () -> new ReplayClient("127.0.0.1", server.boundPort(), 5000),
            (exchangeSequence, buffer, offset, length, recovered) -> {
                delivered.add(exchangeSequence);
                final byte[] payload = new byte[length];
                buffer.getBytes(offset, payload);
                payloads.add(payload);
            });

        for (int i = 0; i < toA.size(); i++) {
            if (i % 10 != 5) {
                filler.onDatagram(new UnsafeBuffer(toA.get(i).payload()), 0, toA.get(i).payload().length);
            }
        }
        filler.close();

        assertThat(delivered).hasSize(toA.size());
        for (int i = 0; i < toA.size(); i++) {
            assertThat(delivered.get(i)).isEqualTo(toA.get(i).exchangeSequence());
            assertThat(payloads.get(i)).as("payload %d", i).isEqualTo(toA.get(i).payload());
        }
        assertThat(filler.recovered()).isEqualTo(toA.size() / 10);
        assertThat(filler.missing()).isZero();
        assertThat(filler.recoveryMicros().getTotalCount()).isEqualTo(toA.size() / 10);
    }

    @Test
    void shouldLetAGapFillerJoinLateFromATimeThenTakeMulticastWithoutGapOrRepeat() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(1000, 64);
        final List<Sent> toA = sent.stream().filter(s -> s.to().equals(A)).toList();
        final List<Long> delivered = new ArrayList<>();
        final GapFiller filler = new GapFiller(A, "prod", SequenceLocator.parse("0:8:big-endian"),
            () -> new ReplayClient("127.0.0.1", server.boundPort(), 5000),
            (exchangeSequence, buffer, offset, length, recovered) -> delivered.add(exchangeSequence));

        final ReplayClient.Answer answer = filler.lateJoin(toA.get(100).ingressTime());
        // multicast as the customer's socket buffered it since joining: overlapping the replay's end
        for (int i = 480; i < toA.size(); i++) {
            filler.onDatagram(new UnsafeBuffer(toA.get(i).payload()), 0, toA.get(i).payload().length);
        }
        filler.close();

        assertThat(answer.outcome()).isEqualTo(Outcome.COMPLETE);
        assertThat(delivered).containsExactlyElementsOf(
            toA.subList(100, toA.size()).stream().map(Sent::exchangeSequence).toList());
        assertThat(filler.duplicates()).isEqualTo(20);
        assertThat(filler.missing()).isZero();
    }

    @Test
    void shouldAnswerPartialWithTheOldestHeldWhenTheStartIsOlderThanAnythingRecorded() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(200, 100);

        final List<Got> got = new ArrayList<>();
        final ReplayClient.Answer answer = replay(byTime(sent.get(0).ingressTime() - TimeUnit.SECONDS.toNanos(30),
            sent.get(199).ingressTime() + 1, null), got);

        assertThat(answer.outcome()).isEqualTo(Outcome.PARTIAL);
        assertThat(answer.reason()).contains("older than the oldest");
        assertThat(answer.oldestHeld()).isEqualTo(sent.get(0).ingressTime());
        assertSame(got, sent);
    }

    @Test
    void shouldPurgeWholeSegmentsOverMaxBytesAndAnswerPartialFromTheOldestStillHeld() throws IOException {
        startRecovery(settings(4L * TERM, "127.0.0.0/8", 4));
        publish(4000, 400);
        // whole segments: what is held may exceed max-bytes by less than one segment
        await("purged", () -> recorder.heldBytes("prod") < 4L * TERM + 2 * TERM);

        final List<Got> got = new ArrayList<>();
        final ReplayClient.Answer answer = replay(byTime(sent.get(0).ingressTime(),
            sent.get(sent.size() - 1).ingressTime() + 1, null), got);

        assertThat(recorder.purgedBytes("prod")).isGreaterThan(0);
        assertThat(answer.outcome()).isEqualTo(Outcome.PARTIAL);
        assertThat(got).isNotEmpty().hasSizeLessThan(sent.size());
        final int firstHeld = sent.size() - got.size();
        assertThat(answer.oldestHeld()).isEqualTo(sent.get(firstHeld).ingressTime());
        assertSame(got, sent.subList(firstHeld, sent.size()));
    }

    @Test
    void shouldStillReplayWhatWasRecordedBeforeARestartOnTheSameDirectory() throws IOException {
        final RecoverySettings settings = settings(64L * TERM, "127.0.0.0/8", 4);
        startRecovery(settings);
        publish(300, 200);
        CloseHelper.quietCloseAll(server, recorder, publication);
        publication = aeron.aeron().addPublication("aeron:ipc?term-length=" + TERM, streamId);

        startRecovery(settings);
        final List<Got> got = new ArrayList<>();
        final ReplayClient.Answer answer = replay(byTime(sent.get(0).ingressTime(),
            sent.get(299).ingressTime() + 1, null), got);

        assertThat(answer.outcome()).as(answer.reason()).isIn(Outcome.COMPLETE, Outcome.PARTIAL);
        assertSame(got, sent);
    }

    @Test
    void shouldRefuseEachBadRequestWithItsOwnReasonAndKeepRecording() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(10, 50);
        final long now = sent.get(0).ingressTime();

        assertRefused(new Request(1, 1, 0, 0, now, now + 1, 7, "nope"), Outcome.UNKNOWN_FEED, "no feed 'nope'",
            ReplayServer.Refusal.UNKNOWN_FEED);
        assertRefused(new Request(1, 1, A.group(), 9999, now, now + 1, 7, "prod"), Outcome.UNKNOWN_GROUP,
            "sends nothing to 239.255.80.1:9999", ReplayServer.Refusal.UNKNOWN_GROUP);
        assertRefused(byTime(now, now + TimeUnit.HOURS.toNanos(2), null), Outcome.REFUSED, "max-span",
            ReplayServer.Refusal.SPAN_TOO_LONG);
        assertRefused(byTime(now, now - 1, null), Outcome.REFUSED, "end after its start",
            ReplayServer.Refusal.SPAN_TOO_LONG);
        assertRefused(new Request(1, ReplayFrames.KIND_LIVE, 0, 0, now, 5, 7, "prod"), Outcome.BAD_REQUEST,
            "end must be 0 with endKind 4 (live)", ReplayServer.Refusal.BAD_REQUEST);

        final byte[] wrongType = {0, 20, FrameDescriptor.TYPE_DATA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertRawRefused(wrongType, Outcome.BAD_REQUEST, "frame type 0x1");
        final byte[] badKind = request(byTime(now, now + 1, null));
        badKind[ReplayFrames.START_KIND_OFFSET] = 9;
        assertRawRefused(badKind, Outcome.BAD_REQUEST, "startKind 9");
        assertRawRefused(new byte[] {(byte)0xFF, (byte)0xFF, 0x10, 0}, Outcome.BAD_REQUEST, "above 104 bytes");
        assertThat(server.refusals(ReplayServer.Refusal.BAD_REQUEST)).isEqualTo(4);

        publish(10, 50);
        final List<Got> got = new ArrayList<>();
        assertThat(replay(byTime(now, sent.get(19).ingressTime() + 1, null), got).outcome())
            .isEqualTo(Outcome.COMPLETE);
        assertSame(got, sent);
        CloseHelper.quietCloseAll(resources);
        await("every session closed", () -> server.sessions() == 0);
    }

    @Test
    void shouldPaceEachSessionToItsMaximumFramesPerSecond() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4, 2_000, TimeUnit.SECONDS.toNanos(5)));
        publish(1_000, 50);

        final long startNs = System.nanoTime();
        final List<Got> got = new ArrayList<>();
        final ReplayClient.Answer answer = replay(byTime(sent.get(0).ingressTime(),
            sent.get(999).ingressTime() + 1, null), got);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertThat(answer.outcome()).isEqualTo(Outcome.COMPLETE);
        assertSame(got, sent);
        // 1000 datagrams at 2000/s, after a first burst of a tenth of a second's worth: at least 0.4 s
        assertThat(tookMs).as("1000 datagrams paced at 2000/s").isGreaterThanOrEqualTo(400);
    }

    @Test
    void shouldCutOffAReaderThatTakesNothingForTheWriteTimeoutAndCountIt() throws Exception {
        startRecovery(settings(1024L * TERM, "127.0.0.0/8", 4, 1_000_000, TimeUnit.MILLISECONDS.toNanos(500)));
        publish(60_000, 400);
        try (Socket reader = new Socket()) {
            reader.setReceiveBufferSize(4096);
            reader.connect(new InetSocketAddress("127.0.0.1", server.boundPort()), 5000);
            reader.getOutputStream().write(request(byTime(sent.get(0).ingressTime(),
                sent.get(sent.size() - 1).ingressTime() + 1, null)));
            // reads nothing: the relay holds at most its 1 MB water mark, then gives up after write-timeout
            await("slow reader cut off", () -> server.refusals(ReplayServer.Refusal.SLOW_READER) == 1);
            await("its session closed", () -> server.sessions() == 0);
        }
        final List<Got> got = new ArrayList<>();
        assertThat(replay(new Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_COUNT, 0, 0,
            sent.get(0).ingressTime(), 10, 3, "prod"), got).outcome()).as("others are served").isEqualTo(
            Outcome.COMPLETE);
        assertSame(got, sent.subList(0, 10));
    }

    @Test
    void shouldGoOnFromTheHistoryToTheLiveStreamOnOneConnectionWithNoGapAndNoDuplicateAtTheJoin() throws Exception {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(1000, 100);
        final List<Got> got = Collections.synchronizedList(new ArrayList<>());
        final ReplayClient client = client();
        final Thread reader = new Thread(() -> {
            try {
                client.request(new Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_LIVE, 0, 0,
                    sent.get(200).ingressTime(), 0, 9, "prod"), collect(got));
            } catch (final IOException closedByTheTest) {
                // the customer leaves by closing the connection
            }
        }, "live-reader");
        reader.start();
        await("the history", () -> got.size() == 800);
        // the live stream: a batch while the reader is caught up, a quiet spell longer than the heartbeat, another
        publish(500, 100);
        await("the first live batch", () -> got.size() == 1300);
        LockSupport.parkNanos(ReplaySession.HEARTBEAT_INTERVAL_NS * 2);
        publish(500, 100);
        await("the second live batch", () -> got.size() == 1800);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));

        assertSame(new ArrayList<>(got), sent.subList(200, sent.size()));
        client.close();
        reader.join(5000);
        assertThat(reader.isAlive()).isFalse();
        await("session closed", () -> server.sessions() == 0);
    }

    @Test
    void shouldSendAHeartbeatEverySecondWhileALiveAnswerHasNothingNew() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 4));
        publish(3, 50);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.boundPort()), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request(new Request(ReplayFrames.KIND_TIME, ReplayFrames.KIND_LIVE, 0, 0,
                sent.get(0).ingressTime(), 0, 9, "prod")));
            final InputStream in = socket.getInputStream();
            final List<Integer> types = new ArrayList<>();
            final long startNs = System.nanoTime();
            while (!types.contains(FrameDescriptor.TYPE_HEARTBEAT)) {
                final byte[] prefix = in.readNBytes(FrameDescriptor.PREFIX_LENGTH);
                assertThat(prefix).as("a frame before the timeout").hasSize(FrameDescriptor.PREFIX_LENGTH);
                final int length = ((prefix[0] & 0xFF) << 8) | (prefix[1] & 0xFF);
                in.readNBytes(length - FrameDescriptor.PREFIX_LENGTH);
                types.add(prefix[FrameDescriptor.TYPE_OFFSET] & 0xFF);
            }
            assertThat(types).as("three DATA, then the heartbeat").startsWith(FrameDescriptor.TYPE_DATA,
                FrameDescriptor.TYPE_DATA, FrameDescriptor.TYPE_DATA);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isBetween(900L, 3000L);
            assertThat(types).doesNotContain(FrameDescriptor.TYPE_REPLAY_END);
        }
    }

    @Test
    void shouldRefuseASourceOutsideTheAllowedCidrs() throws IOException {
        startRecovery(settings(64L * TERM, "10.0.0.0/8", 4));

        assertRawRefused(new byte[0], Outcome.REFUSED, "not in relay.recovery.allowed-sources");
        assertThat(server.refusals(ReplayServer.Refusal.SOURCE_NOT_ALLOWED)).isEqualTo(1);
    }

    @Test
    void shouldRefuseTheSessionOverTheMaximumAndAcceptOneWhenASlotFrees() throws IOException {
        startRecovery(settings(64L * TERM, "127.0.0.0/8", 1));
        publish(10, 50);
        final Socket first = new Socket("127.0.0.1", server.boundPort());
        await("first session open", () -> server.sessions() == 1);

        assertRawRefused(new byte[0], Outcome.REFUSED, "too many replay sessions");
        first.close();
        await("first session closed", () -> server.sessions() == 0);
        final List<Got> got = new ArrayList<>();
        assertThat(replay(byTime(sent.get(0).ingressTime(), sent.get(9).ingressTime() + 1, null), got).outcome())
            .isEqualTo(Outcome.COMPLETE);
        assertThat(server.refusals(ReplayServer.Refusal.TOO_MANY_SESSIONS)).isEqualTo(1);
    }

    private void assertRefused(final Request request, final Outcome outcome, final String reason,
        final ReplayServer.Refusal refusal) throws IOException {
        final long before = server.refusals(refusal);
        final ReplayClient.Answer answer = replay(request, new ArrayList<>());
        assertThat(answer.outcome()).isEqualTo(outcome);
        assertThat(answer.reason()).contains(reason);
        assertThat(server.refusals(refusal)).isEqualTo(before + 1);
    }

    private static byte[] request(final Request request) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ReplayFrames.MAX_REQUEST_LENGTH]);
        final int length = ReplayFrames.encodeRequest(buffer, 0, request);
        return Arrays.copyOf(buffer.byteArray(), length);
    }

    /** Sends raw bytes, reads the relay's REPLAY_END and checks the connection is then closed. */
    private void assertRawRefused(final byte[] bytes, final Outcome outcome, final String reason) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.boundPort()), 5000);
            socket.setSoTimeout(5000);
            final OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            final InputStream in = socket.getInputStream();
            final byte[] answer = in.readNBytes(ReplayFrames.MAX_END_LENGTH + 1);
            final UnsafeBuffer end = new UnsafeBuffer(answer);
            assertThat(answer.length).isGreaterThanOrEqualTo(ReplayFrames.END_HEADER_LENGTH);
            final int length = end.getShort(0, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            assertThat(length).as("one REPLAY_END, then the close").isEqualTo(answer.length);
            assertThat(end.getByte(FrameDescriptor.TYPE_OFFSET)).isEqualTo((byte)FrameDescriptor.TYPE_REPLAY_END);
            assertThat(ReplayFrames.outcome(end, 0)).isEqualTo(outcome);
            assertThat(ReplayFrames.reason(end, 0, length)).contains(reason);
        }
    }

    private static void await(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
