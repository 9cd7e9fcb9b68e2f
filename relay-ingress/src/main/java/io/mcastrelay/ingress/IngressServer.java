package io.mcastrelay.ingress;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.status.ReadableCounter;
import io.mcastrelay.wire.RelayCounterTypes;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.status.CountersReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingress: one TCP listener per feed, each feed's connections on an event loop of its own, publishing into the
 * feed's Aeron IPC stream. Uses the epoll transport where available, NIO otherwise. Feeds with TLS get their
 * certificates from a {@link TlsContextSource} each, whose files one daemon thread ({@code relay-tls-reload}) checks
 * for changes; it never touches an event loop.
 *
 * <p>Lifecycle, called from one control thread: {@link #start()}, then at shutdown {@link #stopAccepting()},
 * {@link #disconnectAll()}, {@link #awaitDrained(long)} and {@link #close()}. Longer than most files because that
 * lifecycle, for every feed's listener, event loop and TLS source, is one sequence and reads best in one place;
 * what happens per connection lives in {@link IngressFeed} and the handlers.
 */
public final class IngressServer implements IngressStatus, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngressServer.class);
    /** How long a back-pressured connection waits before it tries to publish again. */
    public static final long DEFAULT_BACK_PRESSURE_RETRY_NS = TimeUnit.MICROSECONDS.toNanos(100);
    /** How often a session's acknowledgement is brought up to date (relay-v1.1 ACK). */
    public static final long DEFAULT_ACK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final List<FeedSettings> settings;
    private final Aeron aeron;
    private final EpochNanoClock clock;
    private final long backPressureRetryNs;
    private final int receiveBufferBytes;
    private final long ackIntervalNs;
    private final Map<String, Agent> egress;
    private final Map<String, IngressFeed> feeds = new LinkedHashMap<>();
    private final boolean epoll = Epoll.isAvailable();
    private final Map<String, TlsContextSource> tls = new LinkedHashMap<>();
    private EventLoopGroup acceptGroup;
    /** Checks the feeds' TLS files for changes; null if no feed has TLS. */
    private ScheduledExecutorService tlsReloader;

    /**
     * Prepares ingress; nothing is bound until {@link #start()}.
     *
     * @param settings            the feeds.
     * @param aeron               a connected Aeron client, for publications and counters.
     * @param clock               the wall clock that stamps ingress times.
     * @param backPressureRetryNs how long a back-pressured connection waits between attempts.
     */
    public IngressServer(
        final List<FeedSettings> settings, final Aeron aeron, final EpochNanoClock clock,
        final long backPressureRetryNs) {
        this(settings, aeron, clock, backPressureRetryNs, 0, DEFAULT_ACK_INTERVAL_NS, Map.of());
    }

    /**
     * Prepares ingress with a fixed socket receive buffer; nothing is bound until {@link #start()}.
     *
     * @param settings            the feeds.
     * @param aeron               a connected Aeron client, for publications and counters.
     * @param clock               the wall clock that stamps ingress times.
     * @param backPressureRetryNs how long a back-pressured connection waits between attempts.
     * @param receiveBufferBytes  SO_RCVBUF of accepted connections; 0 keeps the OS default (auto-tuned).
     * @param ackIntervalNs       how often sessions' acknowledgements are brought up to date.
     * @param egress              per feed name, the feed's egress agent to run on its event loop right after frames
     *                            are published; a feed without one leaves its stream to egress threads of their own.
     */
    public IngressServer(
        final List<FeedSettings> settings, final Aeron aeron, final EpochNanoClock clock,
        final long backPressureRetryNs, final int receiveBufferBytes, final long ackIntervalNs,
        final Map<String, Agent> egress) {
        if (ackIntervalNs <= 0) {
            throw new IllegalArgumentException("ack interval must be positive");
        }
        this.settings = List.copyOf(settings);
        this.aeron = aeron;
        this.clock = clock;
        this.backPressureRetryNs = backPressureRetryNs;
        this.receiveBufferBytes = receiveBufferBytes;
        this.ackIntervalNs = ackIntervalNs;
        this.egress = Map.copyOf(egress);
    }

    /**
     * Adds each feed's publication and counters, loads its TLS files if it has TLS, then binds each listener.
     *
     * @throws IllegalStateException naming the feed and address if a listener cannot bind.
     * @throws TlsContextSource.TlsFileException naming the file if a feed's TLS files do not load.
     */
    public void start() {
        final IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        final Class<? extends ServerChannel> channelType =
            epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-accept", true), factory);
        try {
            for (final FeedSettings feed : settings) {
                final Publication publication = aeron.addPublication(feed.channel(), feed.streamId());
                final IngressFeed ingressFeed = new IngressFeed(feed, new IngressCounters(aeron, feed.name()),
                    publication, clock, backPressureRetryNs, ackIntervalNs, sentPosition(feed),
                    egress.get(feed.name()));
                feeds.put(feed.name(), ingressFeed);
                checkOneClaimFits(feed, publication);
                if (feed.tls() != null) {
                    tls.put(feed.name(), new TlsContextSource(
                        feed.name(), feed.tls(), feed.idleTimeoutNs(), ingressFeed.counters));
                }
                ingressFeed.childGroup = new MultiThreadIoEventLoopGroup(
                    1, new DefaultThreadFactory("relay-ingress-" + feed.name(), true), factory);
                ingressFeed.serverChannel = bind(ingressFeed, channelType);
                LOG.info("feed={} listening on {} ({}, {} transport) -> aeron {} stream {}", feed.name(),
                    ingressFeed.serverChannel.localAddress(), feed.framing(), epoll ? "epoll" : "nio",
                    feed.channel(), feed.streamId());
            }
            startTlsReloads();
        } catch (final RuntimeException ex) {
            close();
            throw ex;
        }
    }

    /** The egress counter of how far the feed's stream has been sent, if this process's egress has allocated one. */
    private ReadableCounter sentPosition(final FeedSettings feed) {
        final CountersReader counters = aeron.countersReader();
        final int[] found = {CountersReader.NULL_COUNTER_ID};
        counters.forEach((counterId, typeId, keyBuffer, label) -> {
            if (typeId == RelayCounterTypes.EGRESS_SENT_POSITION && keyBuffer.getInt(0) == feed.streamId()) {
                found[0] = counterId;
            }
        });
        if (found[0] == CountersReader.NULL_COUNTER_ID) {
            LOG.warn("feed={} no egress sent-position counter for stream {}: sessions are acknowledged once their "
                + "frames are in the IPC stream, not once sent", feed.name(), feed.streamId());
            return null;
        }
        return new ReadableCounter(counters, found[0]);
    }

    /** One daemon thread polls every TLS feed's files at its interval; never an event loop. */
    private void startTlsReloads() {
        if (tls.isEmpty()) {
            return;
        }
        tlsReloader = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("relay-tls-reload", true));
        for (final TlsContextSource source : tls.values()) {
            final long intervalNs = source.settings().reloadIntervalNs();
            tlsReloader.scheduleWithFixedDelay(() -> {
                try {
                    source.reloadIfChanged();
                } catch (final RuntimeException ex) {
                    LOG.warn("TLS reload check failed", ex);
                }
            }, intervalNs, intervalNs, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * A feed's TLS context, for tests and tools that force a reload check.
     *
     * @param feed the feed's name.
     * @return its TLS context source, or null if the feed has no TLS.
     */
    public TlsContextSource tls(final String feed) {
        return tls.get(feed);
    }

    /** A frame is published with one {@code tryClaim}, which throws for more than the publication's max payload. */
    private static void checkOneClaimFits(final FeedSettings feed, final Publication publication) {
        final int largestMessage = IpcSizing.largestMessage(feed.maxPayloadBytes());
        if (largestMessage > publication.maxPayloadLength()) {
            throw new IllegalStateException("feed '" + feed.name() + "': max payload " + feed.maxPayloadBytes()
                + " bytes needs IPC messages of " + largestMessage + " bytes, but channel " + feed.channel()
                + " takes at most " + publication.maxPayloadLength() + " in one claim; set mtu="
                + IpcSizing.mtu(feed.maxPayloadBytes()) + " (or more) on the channel");
        }
    }

    private Channel bind(final IngressFeed feed, final Class<? extends ServerChannel> channelType) {
        final InetSocketAddress address = new InetSocketAddress(feed.settings.bindAddress(), feed.settings.port());
        try {
            final ServerBootstrap bootstrap = new ServerBootstrap();
            if (receiveBufferBytes > 0) {
                bootstrap.option(ChannelOption.SO_RCVBUF, receiveBufferBytes);
            }
            return bootstrap
                .group(acceptGroup, feed.childGroup)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new FeedChannelInitializer(feed, tls.get(feed.name())))
                .bind(address).sync().channel();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding feed '" + feed.name() + "'", ex);
        } catch (final Exception ex) {
            throw new IllegalStateException("feed '" + feed.name() + "' cannot listen on " + address + ": "
                + ex.getMessage(), ex);
        }
    }

    @Override
    public List<FeedSettings> feeds() {
        return settings;
    }

    /** @return whether ingress runs on the epoll transport (else NIO). */
    public boolean epoll() {
        return epoll;
    }

    /**
     * The port a feed listens on, useful when it was configured as 0.
     *
     * @param feed the feed's name.
     * @return the bound port, or -1 if the feed is not listening.
     */
    public int boundPort(final String feed) {
        final IngressFeed ingressFeed = feeds.get(feed);
        if (ingressFeed == null || ingressFeed.serverChannel == null || !ingressFeed.serverChannel.isActive()) {
            return -1;
        }
        return ((InetSocketAddress)ingressFeed.serverChannel.localAddress()).getPort();
    }

    @Override
    public boolean isListening(final String feed) {
        return boundPort(feed) > 0 && !feeds.get(feed).closing;
    }

    @Override
    public IngressCounters counters(final String feed) {
        return feeds.get(feed).counters;
    }

    /**
     * A feed's publication, whose position tells how far ingress has published.
     *
     * @param feed the feed's name.
     * @return its publication.
     */
    public Publication publication(final String feed) {
        return feeds.get(feed).publication;
    }

    /** Closes every listener; connections that arrive after this are refused. Existing connections go on. */
    public void stopAccepting() {
        for (final IngressFeed feed : feeds.values()) {
            feed.closing = true;
            if (feed.serverChannel != null) {
                feed.serverChannel.close().syncUninterruptibly();
                LOG.info("feed={} stopped accepting connections", feed.name());
            }
        }
    }

    /** Closes every connection; each still publishes the whole frames it had read before it lets go. */
    public void disconnectAll() {
        for (final IngressFeed feed : feeds.values()) {
            feed.channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until every connection has published what it had read and let go.
     *
     * @param timeoutNs how long to wait at most.
     * @return true if all were drained in time.
     */
    public boolean awaitDrained(final long timeoutNs) {
        final long deadline = System.nanoTime() + timeoutNs;
        while (System.nanoTime() - deadline < 0) {
            int live = 0;
            for (final IngressFeed feed : feeds.values()) {
                live += feed.liveHandlers.get();
            }
            if (live == 0) {
                return true;
            }
            try {
                Thread.sleep(1);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (tlsReloader != null) {
            tlsReloader.shutdownNow();
            tlsReloader = null;
        }
        final List<Future<?>> shutdowns = new ArrayList<>();
        for (final IngressFeed feed : feeds.values()) {
            if (feed.serverChannel != null) {
                feed.serverChannel.close();
            }
            if (feed.childGroup != null) {
                shutdowns.add(feed.childGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS));
            }
        }
        if (acceptGroup != null) {
            shutdowns.add(acceptGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        }
        for (final Future<?> shutdown : shutdowns) {
            shutdown.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        for (final IngressFeed feed : feeds.values()) {
            CloseHelper.quietCloseAll(feed.publication, feed.counters);
        }
        feeds.clear();
        tls.clear();
    }
}
