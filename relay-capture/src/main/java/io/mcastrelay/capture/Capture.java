package io.mcastrelay.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.NetworkInterfaces;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running capture: per feed, the group sockets, the replay buffer, the relay connection and the agent thread that
 * drives them, plus a thread that writes the periodic stats line and threads that resolve relay addresses (so a
 * slow DNS never stalls a feed). Start it
 * with {@link #start}; {@link #close} stops it gracefully (stop receiving, wait up to {@code drain-timeout} for the
 * relay to acknowledge the rest, close) and logs each feed's final counters. {@link CaptureMain} runs one from the
 * command line; tests and harnesses may run one in-process. Thread-safe.
 */
public final class Capture implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Capture.class);

    private final CaptureSettings settings;
    private final List<Feed> feeds;
    private final ScheduledExecutorService support;
    private final ExecutorService resolver;
    private boolean closed;

    private record Feed(CaptureFeedSettings settings, CaptureAgent agent, AgentRunner runner,
        CaptureCounters counters, long sessionId) {
    }

    private Capture(
        final CaptureSettings settings, final List<Feed> feeds, final ScheduledExecutorService support,
        final ExecutorService resolver) {
        this.settings = settings;
        this.feeds = feeds;
        this.support = support;
        this.resolver = resolver;
    }

    /**
     * Joins every feed's groups and starts each feed's agent thread, which connects to the relay.
     *
     * @param settings what to capture.
     * @return the running capture.
     * @throws IllegalArgumentException naming the setting, if an interface does not exist.
     * @throws UncheckedIOException naming the setting, if a group socket cannot be bound or joined.
     */
    public static Capture start(final CaptureSettings settings) {
        final ScheduledExecutorService support = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "capture-stats");
            thread.setDaemon(true);
            return thread;
        });
        final ExecutorService resolver = Executors.newCachedThreadPool(runnable -> {
            final Thread thread = new Thread(runnable, "capture-resolver");
            thread.setDaemon(true);
            return thread;
        });
        final List<Feed> feeds = new ArrayList<>();
        final SecureRandom random = new SecureRandom();
        try {
            for (int i = 0; i < settings.feeds().size(); i++) {
                final CaptureFeedSettings feed = settings.feeds().get(i);
                long sessionId = 0;
                while (sessionId == 0) {
                    sessionId = random.nextLong();
                }
                final CaptureCounters counters = new CaptureCounters(feed.name());
                final CaptureAgent agent = agent(feed, "capture.feeds[" + i + "].", counters, resolver, sessionId);
                final AgentRunner runner = new AgentRunner(settings.newIdleStrategy(),
                    error -> LOG.error("feed {}: unexpected error in the capture agent", feed.name(), error), null,
                    agent);
                LOG.info("feed {}: session {}, relays {}, replay buffer {} bytes / {} frames, idle strategy {}",
                    feed.name(), Long.toHexString(sessionId), feed.relays(), feed.replayBufferBytes(),
                    feed.replayBufferFrames(), settings.idleStrategy());
                feeds.add(new Feed(feed, agent, runner, counters, sessionId));
            }
        } catch (final RuntimeException ex) {
            feeds.forEach(feed -> feed.agent().onClose());
            support.shutdownNow();
            resolver.shutdownNow();
            throw ex;
        }
        final Capture capture = new Capture(settings, List.copyOf(feeds), support, resolver);
        for (final Feed feed : feeds) {
            AgentRunner.startOnThread(feed.runner(), runnable -> new Thread(runnable, feed.agent().roleName()));
        }
        if (settings.statsIntervalNs() > 0) {
            support.scheduleAtFixedRate(capture::logStats, settings.statsIntervalNs(), settings.statsIntervalNs(),
                TimeUnit.NANOSECONDS);
        }
        return capture;
    }

    /** The datacenter interface the groups are joined on: it must be up at start. */
    private static NetworkInterface upInterface(final String nameOrAddress) {
        final NetworkInterface found = NetworkInterfaces.find(nameOrAddress);
        try {
            if (!found.isUp()) {
                throw new IllegalArgumentException("interface '" + nameOrAddress + "' is down");
            }
        } catch (final SocketException ex) {
            throw new IllegalArgumentException("cannot look up interface '" + nameOrAddress + "': " + ex, ex);
        }
        return found;
    }

    /**
     * Joins a feed's groups and builds its agent, not yet running; {@link #start} runs each on its own thread.
     *
     * @param feed      the feed.
     * @param prefix    of the feed's keys, for error messages ({@code capture.feeds[0].}).
     * @param counters  the feed's counters.
     * @param resolver  where relay addresses are resolved.
     * @param sessionId the session's id, non-zero.
     * @return the agent, owning the sockets.
     */
    static CaptureAgent agent(
        final CaptureFeedSettings feed, final String prefix, final CaptureCounters counters,
        final Executor resolver, final long sessionId) {
        final NetworkInterface networkInterface;
        try {
            networkInterface = upInterface(feed.networkInterface());
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException(prefix + "interface: " + ex.getMessage(), ex);
        }
        final DatagramChannel[] channels = new DatagramChannel[feed.groups().size()];
        try {
            joinAll(feed, prefix, networkInterface, channels);
        } catch (final RuntimeException ex) {
            CloseHelper.closeAll(channels);
            throw ex;
        }
        final int[] groups = new int[channels.length];
        final int[] ports = new int[channels.length];
        for (int g = 0; g < channels.length; g++) {
            groups[g] = feed.groups().get(g).group();
            ports[g] = feed.groups().get(g).port();
        }
        final ReplayBuffer replay = new ReplayBuffer(feed.replayBufferBytes(), feed.replayBufferFrames());
        final OffsetEpochNanoClock epochClock = new OffsetEpochNanoClock();
        final RelayLink link = new RelayLink(feed, replay, counters, resolver, epochClock, sessionId);
        return new CaptureAgent(
            feed.name(), channels, groups, ports, replay, link, counters, new SystemNanoClock(), epochClock);
    }

    private static void joinAll(
        final CaptureFeedSettings feed, final String prefix, final NetworkInterface networkInterface,
        final DatagramChannel[] channels) {
        for (int g = 0; g < channels.length; g++) {
            final Destination group = feed.groups().get(g);
            try {
                final InetAddress address = InetAddress.getByAddress(intToBytes(group.group()));
                final DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
                channels[g] = channel;
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true)
                    .setOption(StandardSocketOptions.SO_RCVBUF, feed.receiveBufferBytes())
                    .bind(new InetSocketAddress(address, group.port()))
                    .configureBlocking(false);
                channel.join(address, networkInterface);
                final int granted = channel.getOption(StandardSocketOptions.SO_RCVBUF);
                if (granted < feed.receiveBufferBytes()) {
                    LOG.warn("feed {}: {} got SO_RCVBUF {} bytes of the {} asked (raise net.core.rmem_max)",
                        feed.name(), group, granted, feed.receiveBufferBytes());
                }
                LOG.info("feed {}: joined {} on {} (SO_RCVBUF {} bytes)", feed.name(), group,
                    networkInterface.getName(), granted);
            } catch (final IOException ex) {
                throw new UncheckedIOException(prefix + "groups: cannot bind or join " + group + " on "
                    + networkInterface.getName() + ": " + ex.getMessage(), ex);
            }
        }
    }

    private static byte[] intToBytes(final int address) {
        return new byte[] {(byte)(address >>> 24), (byte)(address >>> 16), (byte)(address >>> 8), (byte)address};
    }

    /** @return each feed's counters, in the order of the settings. */
    public List<CaptureCounters> counters() {
        return feeds.stream().map(Feed::counters).toList();
    }

    /**
     * @param feed a feed's name.
     * @return its counters.
     * @throws IllegalArgumentException if there is no such feed.
     */
    public CaptureCounters counters(final String feed) {
        return find(feed).counters();
    }

    /**
     * @param feed a feed's name.
     * @return the session id its HELLOs carry.
     */
    public long sessionId(final String feed) {
        return find(feed).sessionId();
    }

    /** @return the settings it runs with. */
    public CaptureSettings settings() {
        return settings;
    }

    /**
     * Stops gracefully: stops receiving, waits up to {@code drain-timeout} until the relay has acknowledged every
     * frame, closes the sockets and logs the final counters. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        feeds.forEach(feed -> feed.agent().stopReceiving());
        final long deadlineNs = System.nanoTime() + settings.drainTimeoutNs();
        while (!feeds.stream().allMatch(feed -> feed.agent().drained()) && System.nanoTime() - deadlineNs < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        feeds.forEach(feed -> CloseHelper.quietClose(feed.runner()));
        support.shutdownNow();
        resolver.shutdownNow();
        for (final Feed feed : feeds) {
            final CaptureCounters counters = feed.counters();
            if (counters.unackedFrames() > 0) {
                LOG.warn("feed {}: stopped with {} frames unacknowledged (sequences from {}): the relay may not have "
                        + "sent them", feed.settings().name(), counters.unackedFrames(),
                    counters.lastSequence() - counters.unackedFrames() + 1);
            }
            LOG.info("feed {}: stopped: {}", feed.settings().name(), counters.summary());
        }
    }

    private void logStats() {
        for (final Feed feed : feeds) {
            LOG.info("capture stats: {}", feed.counters().summary());
        }
    }

    private Feed find(final String name) {
        for (final Feed feed : feeds) {
            if (feed.settings().name().equals(name)) {
                return feed;
            }
        }
        throw new IllegalArgumentException("no feed named '" + name + "'");
    }

}
