package io.mcastrelay.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Ipv4;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One feed's capture duty cycle: receive what arrived on each group's socket (a bounded burst per socket), encode
 * each datagram as the next DATA frame straight into the replay buffer, then let the {@link RelayLink} read ACKs and
 * write frames. The group and port of a datagram are those of the socket it arrived on (each socket is bound to its
 * group:port), so no source or destination address is parsed.
 *
 * <p>Runs on the feed's own thread under an Agrona {@code AgentRunner}; {@link #stopReceiving()} may be called from
 * any thread. Allocates nothing per datagram. Nothing is logged per datagram: a full replay buffer logs one WARN
 * when it starts evicting and one INFO when it has room again.
 */
final class CaptureAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureAgent.class);
    private static final int DATAGRAMS_PER_SOCKET_PER_CYCLE = 64;

    private final String feed;
    private final DatagramChannel[] channels;
    private final int[] groups;
    private final int[] ports;
    private final ReplayBuffer replay;
    private final RelayLink link;
    private final CaptureCounters counters;
    private final NanoClock nanoClock;
    private final EpochNanoClock epochClock;
    private final ByteBuffer datagram = ByteBuffer.allocateDirect(FrameDescriptor.MAX_PAYLOAD_LENGTH + 1);
    private final UnsafeBuffer datagramView = new UnsafeBuffer(datagram);
    private volatile boolean receiving = true;
    private long evictedSeen;
    private long evictedAtEpisodeStart;
    private boolean overflowing;

    CaptureAgent(
        final String feed, final DatagramChannel[] channels, final int[] groups, final int[] ports,
        final ReplayBuffer replay, final RelayLink link, final CaptureCounters counters, final NanoClock nanoClock,
        final EpochNanoClock epochClock) {
        this.feed = feed;
        this.channels = channels;
        this.groups = groups;
        this.ports = ports;
        this.replay = replay;
        this.link = link;
        this.counters = counters;
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;
    }

    @Override
    public int doWork() {
        int work = receiving ? receive() : 0;
        work += link.doWork(nanoClock.nanoTime());
        if (overflowing) {
            checkOverflowEnded();
        }
        return work;
    }

    @Override
    public void onClose() {
        CloseHelper.closeAll(channels);
        link.close();
    }

    @Override
    public String roleName() {
        return "capture-" + feed;
    }

    /** Stops reading the groups' sockets (on the way to a graceful stop); any thread. */
    void stopReceiving() {
        receiving = false;
    }

    /** @return whether everything received has been acknowledged; any thread, through the counters. */
    boolean drained() {
        return counters.unackedFrames() == 0;
    }

    private int receive() {
        int received = 0;
        for (int i = 0; i < channels.length; i++) {
            final DatagramChannel channel = channels[i];
            for (int n = 0; n < DATAGRAMS_PER_SOCKET_PER_CYCLE; n++) {
                datagram.clear();
                try {
                    if (channel.receive(datagram) == null) {
                        break;
                    }
                } catch (final IOException ex) {
                    onReceiveError(i, ex);
                    break;
                }
                final int length = datagram.position();
                final long sequence = replay.append(
                    groups[i], ports[i], epochClock.nanoTime(), datagramView, 0, length);
                counters.onDatagram(sequence, length);
                received++;
            }
        }
        if (received > 0) {
            counters.replay(replay);
            if (replay.evictedFrames() != evictedSeen) {
                onEvicted();
            }
        }
        return received;
    }

    private void onEvicted() {
        if (!overflowing) {
            overflowing = true;
            evictedAtEpisodeStart = evictedSeen;
            LOG.warn("feed {}: replay buffer full ({} frames, {} bytes unacknowledged; limits {} frames, {} bytes): "
                    + "evicting the oldest unacknowledged frames, which customers miss if the relay had not sent "
                    + "them; counted in replayOverflowFrames", feed, replay.frames(), replay.bytes(),
                replay.capacityFrames(), replay.capacityBytes());
        }
        evictedSeen = replay.evictedFrames();
    }

    private void checkOverflowEnded() {
        if (replay.bytes() <= replay.capacityBytes() / 2 && replay.frames() <= replay.capacityFrames() / 2) {
            overflowing = false;
            LOG.info("feed {}: replay buffer has room again; {} frames were evicted unacknowledged in that episode",
                feed, evictedSeen - evictedAtEpisodeStart);
        }
    }

    private void onReceiveError(final int index, final IOException ex) {
        counters.onReceiveError();
        if (counters.receiveErrors() == 1) {
            LOG.warn("feed {}: receive failed on {}:{}: {} (further errors only counted in receiveErrors)", feed,
                Ipv4.toString(groups[index]), ports[index], ex.toString());
        }
    }
}
