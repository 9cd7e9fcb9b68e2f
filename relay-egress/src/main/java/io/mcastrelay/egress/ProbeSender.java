package io.mcastrelay.egress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayProbe;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each feed's probe datagrams ({@link RelayProbe}) to the probe group, from the feed's own multicast socket, so
 * a probe leaves by the same interface, source address and TTL as the feed's datagrams and takes the customers' path
 * (docs/probes.md). One thread ({@code relay-probes}) wakes {@link ProbeSettings#ratePerSecond()} times a second;
 * the feeds' egress keeps sending with {@code sendmmsg} on the same sockets meanwhile (each datagram is one system
 * call, so the two never interleave within a datagram), and no lock is taken on the frame path.
 *
 * <p>A probe the socket cannot take now (its buffer full: the feed is bursting) is counted as an error and not
 * retried; the next one goes at its time.
 */
final class ProbeSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeSender.class);
    private static final long ERROR_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(60);

    private final ProbeSettings settings;
    private final EpochNanoClock clock;
    private final long startedMillis = System.currentTimeMillis();
    private final List<FeedProbe> feeds = new ArrayList<>();
    private final InetSocketAddress target;
    private final ScheduledExecutorService thread;
    private long lastErrorLogNs = System.nanoTime() - ERROR_LOG_INTERVAL_NS;

    /** One feed's probe: its socket, its prepared payload and what the relay sent for it, sampled per tick. */
    private static final class FeedProbe {
        final String feed;
        final DatagramChannel channel;
        final EgressCounters counters;
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RelayProbe.MAX_LENGTH));
        final int length;
        final long[] totals;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        int tick;
        long sequence;

        FeedProbe(final String feed, final DatagramChannel channel, final EgressCounters counters,
            final String relayId, final int ratePerSecond) {
            this.feed = feed;
            this.channel = channel;
            this.counters = counters;
            this.length = RelayProbe.writeNames(payload, 0, relayId, feed);
            this.totals = new long[ratePerSecond];
        }

        long datagramsSent() {
            long total = 0;
            for (final EgressCounters.PerDestination destination : counters.destinations()) {
                total += destination.datagrams().get();
            }
            return total;
        }
    }

    ProbeSender(final ProbeSettings settings, final EpochNanoClock clock) throws IOException {
        this.settings = settings;
        this.clock = clock;
        target = new InetSocketAddress(InetAddress.getByName(Ipv4.toString(settings.destination().egressGroup())),
            settings.destination().egressPort());
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread probes = new Thread(runnable, "relay-probes");
            probes.setDaemon(true);
            return probes;
        });
    }

    void add(final String feed, final MulticastSender sender, final EgressCounters counters) {
        feeds.add(new FeedProbe(feed, sender.channel(), counters, settings.relayId(), settings.ratePerSecond()));
    }

    void start() {
        thread.scheduleAtFixedRate(this::sendAll, 0, settings.periodNs(), TimeUnit.NANOSECONDS);
        LOG.info("probes to {}:{}, {} per second per feed, as relay '{}'", Ipv4.toString(
            settings.destination().egressGroup()), settings.destination().egressPort(), settings.ratePerSecond(),
            settings.relayId());
    }

    private void sendAll() {
        for (final FeedProbe probe : feeds) {
            final long total = probe.datagramsSent();
            // the total one second ago is the oldest of the ring: rate ticks back
            final int slot = probe.tick % probe.totals.length;
            final long lastSecond = probe.tick >= probe.totals.length ? total - probe.totals[slot] : total;
            probe.totals[slot] = total;
            probe.tick++;
            RelayProbe.update(probe.payload, 0, ++probe.sequence, clock.nanoTime(), startedMillis, lastSecond, total);
            final ByteBuffer bytes = probe.payload.byteBuffer().duplicate().clear().limit(probe.length);
            try {
                if (probe.channel.send(bytes, target) == probe.length) {
                    probe.sent.incrementAndGet();
                } else {
                    failed(probe, "the socket's send buffer is full");
                }
            } catch (final IOException | RuntimeException ex) {
                failed(probe, ex.toString());
            }
        }
    }

    private void failed(final FeedProbe probe, final String why) {
        probe.errors.incrementAndGet();
        final long now = System.nanoTime();
        if (now - lastErrorLogNs >= ERROR_LOG_INTERVAL_NS) {
            lastErrorLogNs = now;
            LOG.warn("feed={}: a probe was not sent ({}); counted as relay.probes.errors, at most one line a minute",
                probe.feed, why);
        }
    }

    /** @return probes sent for the feed, or -1 if it has none. */
    long sent(final String feed) {
        for (final FeedProbe probe : feeds) {
            if (probe.feed.equals(feed)) {
                return probe.sent.get();
            }
        }
        return -1;
    }

    /** @return probes of the feed that could not be sent. */
    long errors(final String feed) {
        for (final FeedProbe probe : feeds) {
            if (probe.feed.equals(feed)) {
                return probe.errors.get();
            }
        }
        return -1;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
