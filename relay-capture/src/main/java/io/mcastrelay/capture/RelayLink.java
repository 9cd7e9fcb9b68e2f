package io.mcastrelay.capture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.wire.AckFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Decoder;
import io.mcastrelay.wire.RelayV1Encoder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One feed's TCP connection to the relay, as relay-v1.1 session control describes it: connect to the next relay
 * address (resolved again each time, on a resolver thread so DNS never stalls the agent), send HELLO with the
 * oldest unacknowledged sequence, resend from there, carry on with new frames, release what ACKs cover; on a close,
 * a protocol error or a silent relay, close and try again after a backoff (immediately on the next address the first
 * time, then doubling from {@code backoff-initial} up to {@code backoff-max}, reset once a HELLO is acknowledged).
 *
 * <p>Frames go from the replay buffer into a staging buffer and from there to the socket, so a partial write never
 * holds bytes in the replay buffer that an eviction or an ACK could free; the copy costs less than the system call.
 * Non-blocking throughout and allocation-free while connected. Called only from the feed's agent thread; the file is
 * long because the connection's states and their transitions read best in one place.
 */
final class RelayLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLink.class);
    private static final int STAGING_BYTES = 256 * 1024;
    private static final int READ_BYTES = 8 * 1024;

    private final CaptureFeedSettings settings;
    private final ReplayBuffer replay;
    private final CaptureCounters counters;
    private final Executor resolver;
    private final EpochNanoClock epochClock;
    private final long sessionId;
    private final byte[] feedName;
    private final List<RelayAddress> relays;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
    private final UnsafeBuffer stagingView = new UnsafeBuffer(staging);
    private final ByteBuffer received = ByteBuffer.allocateDirect(READ_BYTES);
    private final UnsafeBuffer receivedView = new UnsafeBuffer(received);
    private final AckFrameFlyweight ack = new AckFrameFlyweight();

    private ConnectionState state = ConnectionState.DISCONNECTED;
    private SocketChannel channel;
    private CompletableFuture<InetSocketAddress> resolving;
    private RelayAddress target;
    private InetSocketAddress remote;
    private int addressIndex;
    private int failuresInARow;
    private long nextAttemptNs;
    private boolean attemptDue = true;
    private long attemptStartNs;
    private long lastReceiveNs;
    private long lastSendNs;
    private long sendSequence;
    private long highestStagedSequence;
    private long lastSequenceOnConnection;
    private boolean ackedOnConnection;

    RelayLink(
        final CaptureFeedSettings settings, final ReplayBuffer replay, final CaptureCounters counters,
        final Executor resolver, final EpochNanoClock epochClock, final long sessionId) {
        this.settings = settings;
        this.replay = replay;
        this.counters = counters;
        this.resolver = resolver;
        this.epochClock = epochClock;
        this.sessionId = sessionId;
        this.feedName = settings.name().getBytes(StandardCharsets.US_ASCII);
        this.relays = settings.relays();
    }

    /**
     * Moves the connection on: an attempt when its time has come, or reading ACKs and writing frames.
     *
     * @param nowNs the agent's monotonic clock.
     * @return work done.
     */
    int doWork(final long nowNs) {
        switch (state) {
            case DISCONNECTED:
                return attemptDue || nowNs - nextAttemptNs >= 0 ? startAttempt(nowNs) : 0;
            case RESOLVING:
                return pollResolving(nowNs);
            case CONNECTING:
                return pollConnecting(nowNs);
            case HELLO_SENT:
            case STREAMING:
                return stream(nowNs);
            default:
                return 0;
        }
    }

    /** @return whether the replay buffer holds nothing unacknowledged. */
    boolean drained() {
        return replay.frames() == 0;
    }

    @Override
    public void close() {
        CloseHelper.quietClose(channel);
        channel = null;
        state(ConnectionState.CLOSED);
    }

    private int startAttempt(final long nowNs) {
        target = relays.get(addressIndex);
        attemptDue = false;
        attemptStartNs = nowNs;
        state(ConnectionState.RESOLVING);
        final RelayAddress address = target;
        resolving = CompletableFuture.supplyAsync(() -> new InetSocketAddress(address.host(), address.port()),
            resolver);
        return 1;
    }

    private int pollResolving(final long nowNs) {
        if (!resolving.isDone()) {
            if (nowNs - attemptStartNs > settings.connectTimeoutNs()) {
                resolving.cancel(false);
                attemptFailed(nowNs, "could not resolve '" + target.host() + "' within connect-timeout");
                return 1;
            }
            return 0;
        }
        final InetSocketAddress address = resolving.getNow(null);
        resolving = null;
        if (address == null || address.isUnresolved()) {
            attemptFailed(nowNs, "unknown host '" + target.host() + "'");
            return 1;
        }
        remote = address;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            state(ConnectionState.CONNECTING);
            if (channel.connect(address)) {
                onConnected(nowNs);
            }
        } catch (final IOException ex) {
            attemptFailed(nowNs, reason(ex));
        }
        return 1;
    }

    private int pollConnecting(final long nowNs) {
        try {
            if (channel.finishConnect()) {
                onConnected(nowNs);
                return 1;
            }
        } catch (final IOException ex) {
            attemptFailed(nowNs, reason(ex));
            return 1;
        }
        if (nowNs - attemptStartNs > settings.connectTimeoutNs()) {
            attemptFailed(nowNs, "no answer within connect-timeout ("
                + TimeUnit.NANOSECONDS.toMillis(settings.connectTimeoutNs()) + " ms)");
            return 1;
        }
        return 0;
    }

    private void onConnected(final long nowNs) {
        counters.onConnect();
        staging.clear();
        received.clear();
        final long firstSequence = replay.oldestSequence();
        final int helloLength = RelayV1Encoder.encodeHello(
            stagingView, 0, sessionId, firstSequence, epochClock.nanoTime(), feedName);
        staging.position(helloLength);
        sendSequence = firstSequence;
        lastSequenceOnConnection = 0;
        ackedOnConnection = false;
        lastReceiveNs = nowNs;
        lastSendNs = nowNs;
        state(ConnectionState.HELLO_SENT);
        LOG.info("feed {}: connected to relay {} ({}), HELLO session {} firstSequence {}, {} unacknowledged "
                + "frames to resend", settings.name(), target, remote, Long.toHexString(sessionId), firstSequence,
            replay.frames());
    }

    private int stream(final long nowNs) {
        int work = read(nowNs);
        if (channel == null) {
            return work;
        }
        work += stage();
        work += flush(nowNs);
        if (channel == null) {
            return work;
        }
        if (staging.position() == 0 && nowNs - lastSendNs >= settings.heartbeatIntervalNs()) {
            staging.position(RelayV1Encoder.encodeHeartbeat(
                stagingView, 0, lastSequenceOnConnection, epochClock.nanoTime()));
            counters.onHeartbeatSent();
            work += flush(nowNs);
        }
        if (channel != null && nowNs - lastReceiveNs > settings.livenessTimeoutNs()) {
            disconnect(nowNs, "liveness-timeout: nothing from the relay for "
                + TimeUnit.NANOSECONDS.toMillis(nowNs - lastReceiveNs) + " ms", false);
            work++;
        }
        return work;
    }

    private int read(final long nowNs) {
        final int bytes;
        try {
            bytes = channel.read(received);
        } catch (final IOException ex) {
            disconnect(nowNs, "read failed: " + reason(ex), true);
            return 1;
        }
        if (bytes < 0) {
            disconnect(nowNs, "closed by the relay", true);
            return 1;
        }
        if (bytes == 0) {
            return 0;
        }
        lastReceiveNs = nowNs;
        final int available = received.position();
        int offset = 0;
        while (true) {
            final int result = RelayV1Decoder.decodeFromRelay(receivedView, offset, available - offset);
            if (result == RelayV1Decoder.NEED_MORE) {
                break;
            }
            if (result < 0) {
                disconnect(nowNs, "protocol error " + ProtocolError.fromResult(result).reason(), false);
                return 1;
            }
            if (RelayV1Decoder.type(receivedView, offset) == FrameDescriptor.TYPE_ACK && !onAck(nowNs, offset)) {
                return 1;
            }
            offset += result;
        }
        received.limit(available).position(offset);
        received.compact();
        return 1;
    }

    private boolean onAck(final long nowNs, final int offset) {
        ack.wrap(receivedView, offset);
        if (ack.sessionId() != sessionId) {
            disconnect(nowNs, "protocol error: ACK for session " + Long.toHexString(ack.sessionId()), false);
            return false;
        }
        final long ackedSequence = ack.ackedSequence();
        if (ackedSequence >= replay.nextSequence()) {
            disconnect(nowNs, "protocol error: ACK of sequence " + ackedSequence + " beyond the last one, "
                + (replay.nextSequence() - 1), false);
            return false;
        }
        replay.release(ackedSequence);
        if (sendSequence <= ackedSequence) {
            sendSequence = ackedSequence + 1;
        }
        counters.onAck(Math.max(ackedSequence, replay.oldestSequence() - 1));
        counters.replay(replay);
        if (!ackedOnConnection) {
            ackedOnConnection = true;
            failuresInARow = 0;
            state(ConnectionState.STREAMING);
            LOG.info("feed {}: relay {} acknowledged the HELLO up to sequence {}", settings.name(), target,
                ackedSequence);
        }
        return true;
    }

    private int stage() {
        int staged = 0;
        while (sendSequence < replay.nextSequence()) {
            if (sendSequence < replay.oldestSequence()) {
                sendSequence = replay.oldestSequence();
                continue;
            }
            if (replay.copyFrame(sendSequence, staging) == 0) {
                break;
            }
            final boolean resent = sendSequence <= highestStagedSequence;
            counters.onFrameSent(resent);
            if (!resent) {
                highestStagedSequence = sendSequence;
            }
            lastSequenceOnConnection = sendSequence++;
            staged++;
        }
        return staged;
    }

    private int flush(final long nowNs) {
        if (staging.position() == 0) {
            return 0;
        }
        staging.flip();
        final int written;
        try {
            written = channel.write(staging);
        } catch (final IOException ex) {
            staging.clear();
            disconnect(nowNs, "write failed: " + reason(ex), true);
            return 1;
        }
        staging.compact();
        if (written > 0) {
            lastSendNs = nowNs;
            return 1;
        }
        return 0;
    }

    private void disconnect(final long nowNs, final String reason, final boolean closedByPeer) {
        CloseHelper.quietClose(channel);
        channel = null;
        counters.onDisconnect();
        final boolean helloRefused = closedByPeer && !ackedOnConnection;
        scheduleRetry(nowNs);
        if (helloRefused) {
            LOG.error("feed {}: relay {} closed the connection after the HELLO without acknowledging it; a "
                + "relay-v1.0 relay refuses HELLO (reserved-type): the capture needs a relay-v1.1 relay, or the "
                + "relay does not know the feed '{}' (feed-mismatch)", settings.name(), target, settings.name());
        }
        LOG.warn("feed {}: disconnected from relay {} ({}): {}; {} frames unacknowledged from sequence {}; next "
                + "attempt to {} in {} ms", settings.name(), target, remote, reason, replay.frames(),
            replay.oldestSequence(), relays.get(addressIndex), TimeUnit.NANOSECONDS.toMillis(nextAttemptNs - nowNs));
    }

    private void attemptFailed(final long nowNs, final String reason) {
        CloseHelper.quietClose(channel);
        channel = null;
        counters.onConnectFailure();
        scheduleRetry(nowNs);
        LOG.warn("feed {}: cannot connect to relay {}: {}; next attempt to {} in {} ms", settings.name(), target,
            reason, relays.get(addressIndex), TimeUnit.NANOSECONDS.toMillis(nextAttemptNs - nowNs));
    }

    private void scheduleRetry(final long nowNs) {
        failuresInARow++;
        nextAttemptNs = nowNs + backoffNs(failuresInARow, settings.backoffInitialNs(), settings.backoffMaxNs());
        addressIndex = (addressIndex + 1) % relays.size();
        state(ConnectionState.DISCONNECTED);
    }

    /**
     * The pause before the next attempt.
     *
     * @param failuresInARow attempts and connections that failed since the last acknowledged HELLO, this one too.
     * @param initialNs      the first non-zero pause.
     * @param maxNs          the longest pause.
     * @return 0 after the first failure, then {@code initialNs} doubling up to {@code maxNs}.
     */
    static long backoffNs(final int failuresInARow, final long initialNs, final long maxNs) {
        if (failuresInARow <= 1) {
            return 0;
        }
        final int doublings = Math.min(failuresInARow - 2, 40);
        final long pause = initialNs << doublings;
        return pause <= 0 || pause > maxNs || (pause >> doublings) != initialNs ? maxNs : pause;
    }

    private void state(final ConnectionState newState) {
        state = newState;
        counters.state(newState);
    }

    private static String reason(final IOException ex) {
        return ex.getMessage() != null ? ex.getClass().getSimpleName() + ": " + ex.getMessage() : ex.toString();
    }
}
