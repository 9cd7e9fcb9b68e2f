package io.mcastrelay.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayProbe;
import io.mcastrelay.wire.SequenceLocator;
import org.agrona.CloseHelper;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The canary's receiving side (docs/probes.md): joins the relays' probe groups and, optionally, feed groups, the way
 * a customer's subscriber does, and keeps per relay and feed what the path delivers: probes received and lost, the
 * one-way latency of each, when the last one came and what the relay said it sent; per feed group, datagrams, the
 * last one's time and, with a sequence locator, gaps in the exchange's numbering. Plain Java; {@code relay-canary}
 * (relay-app) publishes it to Prometheus, CloudWatch and a health endpoint.
 *
 * <p>One thread ({@code relay-canary}) receives; the views may be read from any thread.
 */
public final class Canary implements AutoCloseable {
    private static final int RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

    private final Settings settings;
    private final Listener listener;
    private final EpochNanoClock clock = new SystemEpochNanoClock();
    private final Selector selector;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final Map<String, Path> paths = new ConcurrentHashMap<>();
    private final List<Group> groups = new ArrayList<>();
    private final long startedNs = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * What to join.
     *
     * @param networkInterface the interface to join on: a name or an IPv4 address.
     * @param probeGroups      the relays' probe groups.
     * @param feedGroups       feed groups to watch as well (may be empty).
     * @param staleAfterNs     a path or group with nothing for this long is down.
     * @param forgetAfterNs    a relay silent this long is forgotten: a task that was replaced, not a broken path.
     */
    public record Settings(String networkInterface, List<Destination> probeGroups, List<FeedGroup> feedGroups,
        long staleAfterNs, long forgetAfterNs) {
        public Settings {
            probeGroups = List.copyOf(probeGroups);
            feedGroups = List.copyOf(feedGroups);
            if (probeGroups.isEmpty()) {
                throw new IllegalArgumentException("at least one probe group:port is needed");
            }
            if (staleAfterNs <= 0 || forgetAfterNs <= staleAfterNs) {
                throw new IllegalArgumentException("stale-after must be positive and forget-after longer");
            }
        }
    }

    /**
     * A feed group to watch.
     *
     * @param feed     the feed's name, as its probes carry it.
     * @param group    the VPC-side group:port.
     * @param sequence where its payloads carry the exchange's sequence, or null.
     */
    public record FeedGroup(String feed, Destination group, SequenceLocator sequence) {
    }

    /** Told of what the receiving thread sees; called on it, so quick. */
    public interface Listener {
        /** A relay and feed seen for the first time. */
        void onNewPath(Path path);

        /** A probe arrived. */
        void onProbe(Path path, long latencyNs, long lost);

        /** A relay silent for forget-after was dropped (its task was replaced, or it is gone for good). */
        void onForgotten(Path path);

        /** Receiving failed; the canary goes on. */
        void onError(Exception error);
    }

    /** What one relay's probes for one feed show; counters readable from any thread. */
    public static final class Path {
        private final String relayId;
        private final String feed;
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong lost = new AtomicLong();
        private final AtomicLong restarts = new AtomicLong();
        private volatile long lastProbeNs;
        private volatile long relayFramesLastSecond;
        private volatile long lastLatencyNs;
        private long lastSequence;
        private long startedMillis;

        Path(final String relayId, final String feed) {
            this.relayId = relayId;
            this.feed = feed;
        }

        public String relayId() {
            return relayId;
        }

        public String feed() {
            return feed;
        }

        /** @return probes received. */
        public long received() {
            return received.get();
        }

        /** @return probes missing from the sequence (counted when the next one arrives). */
        public long lost() {
            return lost.get();
        }

        /** @return times the relay's run changed (a restart: its numbering starts again, not a loss). */
        public long restarts() {
            return restarts.get();
        }

        /** @return the relay's own count of the feed's datagrams in the second before its last probe. */
        public long relayFramesLastSecond() {
            return relayFramesLastSecond;
        }

        /** @return the last probe's one-way latency, ns (relay's clock to this host's). */
        public long lastLatencyNs() {
            return lastLatencyNs;
        }

        /** @return {@link System#nanoTime()} of the last probe. */
        public long lastProbeNs() {
            return lastProbeNs;
        }
    }

    /** What one feed group shows; readable from any thread. */
    public static final class Group {
        private final FeedGroup settings;
        private final AtomicLong datagrams = new AtomicLong();
        private final AtomicLong exchangeGaps = new AtomicLong();
        private volatile long lastDatagramNs;
        private long lastExchangeSequence = SequenceLocator.NONE;

        Group(final FeedGroup settings) {
            this.settings = settings;
        }

        public FeedGroup settings() {
            return settings;
        }

        public long datagrams() {
            return datagrams.get();
        }

        public long exchangeGaps() {
            return exchangeGaps.get();
        }

        /** @return {@link System#nanoTime()} of the last datagram, 0 before any. */
        public long lastDatagramNs() {
            return lastDatagramNs;
        }
    }

    /**
     * Joins every group and starts receiving.
     *
     * @throws IOException if a socket cannot be opened or a group joined.
     * @throws IllegalArgumentException if the interface does not exist.
     */
    public Canary(final Settings settings, final Listener listener) throws IOException {
        this.settings = settings;
        this.listener = listener;
        final NetworkInterface networkInterface = RelaySubscriber.resolveInterface(settings.networkInterface());
        selector = Selector.open();
        try {
            for (final Destination probe : settings.probeGroups()) {
                open(probe, networkInterface, null);
            }
            for (final FeedGroup feedGroup : settings.feedGroups()) {
                final Group group = new Group(feedGroup);
                groups.add(group);
                open(feedGroup.group(), networkInterface, group);
            }
        } catch (final IOException | RuntimeException ex) {
            close();
            throw ex;
        }
        thread = new Thread(this::receive, "relay-canary");
        thread.setDaemon(true);
        thread.start();
    }

    private void open(final Destination destination, final NetworkInterface networkInterface, final Group group)
        throws IOException {
        final DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channels.add(channel);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
        final InetAddress address = InetAddress.getByName(Ipv4.toString(destination.egressGroup()));
        // bound to the group's address, so the socket sees that group only
        channel.bind(new InetSocketAddress(address, destination.egressPort()));
        try {
            channel.join(address, networkInterface);
        } catch (final IOException ex) {
            throw new IOException("cannot join " + destination + " on " + networkInterface.getName() + ": " + ex, ex);
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, group);
    }

    private void receive() {
        final ByteBuffer datagram = ByteBuffer.allocateDirect(64 * 1024);
        final UnsafeBuffer view = new UnsafeBuffer(datagram);
        long lastSweepNs = System.nanoTime();
        while (running) {
            try {
                final long nowNs = System.nanoTime();
                if (nowNs - lastSweepNs >= 1_000_000_000L) {
                    lastSweepNs = nowNs;
                    forgetSilent(nowNs);
                }
                selector.select(100);
                for (final SelectionKey key : selector.selectedKeys()) {
                    final DatagramChannel channel = (DatagramChannel)key.channel();
                    while (true) {
                        datagram.clear();
                        if (channel.receive(datagram) == null) {
                            break;
                        }
                        final Group group = (Group)key.attachment();
                        if (group == null) {
                            onProbe(view, datagram.position());
                        } else {
                            onFeedDatagram(group, view, datagram.position());
                        }
                    }
                }
                selector.selectedKeys().clear();
            } catch (final IOException | RuntimeException ex) {
                if (running) {
                    listener.onError(ex);
                }
            }
        }
    }

    private void forgetSilent(final long nowNs) {
        for (final Map.Entry<String, Path> entry : paths.entrySet()) {
            if (nowNs - entry.getValue().lastProbeNs > settings.forgetAfterNs()) {
                paths.remove(entry.getKey());
                listener.onForgotten(entry.getValue());
            }
        }
    }

    private void onProbe(final UnsafeBuffer buffer, final int length) {
        final RelayProbe.Probe probe = RelayProbe.read(buffer, 0, length);
        if (probe == null) {
            return;
        }
        final long nowNs = System.nanoTime();
        final String key = probe.relayId() + "\u0000" + probe.feed();
        Path path = paths.get(key);
        final boolean fresh = path == null;
        if (fresh) {
            path = new Path(probe.relayId(), probe.feed());
            paths.put(key, path);
            listener.onNewPath(path);
        }
        long lost = 0;
        if (!fresh && probe.startedMillis() != path.startedMillis) {
            path.restarts.incrementAndGet();
        } else if (!fresh && probe.sequence() > path.lastSequence + 1) {
            lost = probe.sequence() - path.lastSequence - 1;
            path.lost.addAndGet(lost);
        } else if (!fresh && probe.sequence() <= path.lastSequence) {
            return;
        }
        path.startedMillis = probe.startedMillis();
        path.lastSequence = probe.sequence();
        path.relayFramesLastSecond = probe.feedFramesLastSecond();
        path.lastLatencyNs = clock.nanoTime() - probe.sendTimeNanos();
        path.lastProbeNs = nowNs;
        path.received.incrementAndGet();
        listener.onProbe(path, path.lastLatencyNs, lost);
    }

    private static void onFeedDatagram(final Group group, final UnsafeBuffer buffer, final int length) {
        group.datagrams.incrementAndGet();
        group.lastDatagramNs = System.nanoTime();
        final SequenceLocator locator = group.settings.sequence();
        if (locator == null) {
            return;
        }
        final long sequence = locator.read(buffer, 0, length);
        if (sequence == SequenceLocator.NONE) {
            return;
        }
        if (group.lastExchangeSequence != SequenceLocator.NONE && sequence > group.lastExchangeSequence + 1) {
            group.exchangeGaps.addAndGet(sequence - group.lastExchangeSequence - 1);
        }
        if (group.lastExchangeSequence == SequenceLocator.NONE || sequence > group.lastExchangeSequence) {
            group.lastExchangeSequence = sequence;
        }
    }

    /** @return every relay and feed seen so far. */
    public List<Path> paths() {
        return List.copyOf(paths.values());
    }

    /** @return the feed groups watched. */
    public List<Group> groups() {
        return List.copyOf(groups);
    }

    /** @return the settings. */
    public Settings settings() {
        return settings;
    }

    /** @return {@link System#nanoTime()} when the canary started. */
    public long startedNs() {
        return startedNs;
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (thread != null) {
            try {
                thread.join(1000);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        CloseHelper.quietCloseAll(channels);
        CloseHelper.quietClose(selector);
    }
}
