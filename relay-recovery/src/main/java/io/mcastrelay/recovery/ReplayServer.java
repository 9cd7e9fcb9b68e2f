package io.mcastrelay.recovery;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.wire.ReplayFrames;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay port: customers connect over TCP, send a REPLAY_REQUEST, and get the recorded datagrams back as relay-v1
 * DATA frames, then a REPLAY_END (docs/recovery.md). One event-loop thread of its own serves every session, so a
 * replay never runs on a feed's thread; each session reads its own Aeron replay and writes only while the socket
 * takes it (Netty's write-buffer water marks), paced to {@code max-frames-per-second}, and a reader that takes
 * nothing for {@code write-timeout} is cut off.
 */
public final class ReplayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayServer.class);
    /** The replay thread's nice value (0 normal .. 19 lowest): replays yield the CPU to the feeds. */
    static final int REPLAY_NICE = 10;

    /** Why a request or a connection was refused; the {@code reason} tag of {@code relay.recovery.refused}. */
    public enum Refusal {
        SOURCE_NOT_ALLOWED("source-not-allowed"),
        TOO_MANY_SESSIONS("too-many-sessions"),
        BAD_REQUEST("bad-request"),
        UNKNOWN_FEED("unknown-feed"),
        UNKNOWN_GROUP("unknown-group"),
        SPAN_TOO_LONG("span-too-long"),
        UNSUPPORTED("unsupported"),
        SLOW_READER("slow-reader"),
        REPLAY_FAILED("replay-failed");

        private final String tag;

        Refusal(final String tag) {
            this.tag = tag;
        }

        /** @return the meter tag. */
        public String tag() {
            return tag;
        }
    }

    private final RecoverySettings settings;
    private final Recorder recorder;
    private final IpSubnetFilterRule[] allowed;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicLong sessionsTotal = new AtomicLong();
    private final Map<Refusal, AtomicLong> refusals = new EnumMap<>(Refusal.class);
    private final Map<String, AtomicLong> replayed = new LinkedHashMap<>();
    private final AtomicInteger replayStreamIds = new AtomicInteger(0x5250_0000);
    private EventLoopGroup group;
    private Channel serverChannel;

    public ReplayServer(final RecoverySettings settings, final Recorder recorder) {
        this.settings = settings;
        this.recorder = recorder;
        this.allowed = new IpSubnetFilterRule[settings.allowedSources().size()];
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = FeedSettings.parseSource(settings.allowedSources().get(i));
        }
        for (final Refusal refusal : Refusal.values()) {
            refusals.put(refusal, new AtomicLong());
        }
        for (final RecoverySettings.Feed feed : settings.feeds()) {
            replayed.put(feed.name(), new AtomicLong());
        }
    }

    /** Binds the replay port. */
    public void start() {
        final DefaultThreadFactory threads = new DefaultThreadFactory("relay-replay", true);
        // the replay thread runs at nice REPLAY_NICE: on a host whose cores are all busy the feeds go first
        final ThreadFactory niced = runnable -> threads.newThread(() -> {
            if (!ThreadNice.apply(REPLAY_NICE)) {
                LOG.warn("could not lower the replay thread's priority (setpriority); replays compete with the feeds "
                    + "for CPU at the same priority");
            }
            runnable.run();
        });
        group = new MultiThreadIoEventLoopGroup(1, niced, NioIoHandler.newFactory());
        try {
            serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel channel) {
                        channel.pipeline()
                            .addLast(new IdleStateHandler(0, 0, ReplaySession.IDLE_SECONDS))
                            .addLast(new LengthFieldBasedFrameDecoder(ReplayFrames.MAX_REQUEST_LENGTH, 0, 2, -2, 0))
                            .addLast(new ReplaySession(ReplayServer.this));
                    }
                })
                .bind(new InetSocketAddress(settings.bindAddress(), settings.port()))
                .syncUninterruptibly()
                .channel();
        } catch (final RuntimeException ex) {
            close();
            throw new IllegalStateException("replay port: cannot listen on " + settings.bindAddress() + ":" +
                settings.port() + " (relay.recovery.port): " + ex.getMessage(), ex);
        }
        LOG.info("replay port listening on {} for {}", serverChannel.localAddress(), settings.allowedSources());
    }

    /** @return the port bound, or -1 before start. */
    public int boundPort() {
        return serverChannel == null ? -1 : ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    boolean allowed(final InetSocketAddress remote) {
        for (final IpSubnetFilterRule rule : allowed) {
            if (rule.matches(remote)) {
                return true;
            }
        }
        return false;
    }

    boolean openSession() {
        if (sessions.incrementAndGet() > settings.maxSessions()) {
            sessions.decrementAndGet();
            return false;
        }
        sessionsTotal.incrementAndGet();
        return true;
    }

    void closeSession() {
        sessions.decrementAndGet();
    }

    void refused(final Refusal refusal) {
        refusals.get(refusal).incrementAndGet();
    }

    void replayed(final String feed, final long datagrams) {
        replayed.get(feed).addAndGet(datagrams);
    }

    int nextReplayStreamId() {
        return replayStreamIds.incrementAndGet();
    }

    RecoverySettings settings() {
        return settings;
    }

    Recorder recorder() {
        return recorder;
    }

    /** @return replay connections open now. */
    public int sessions() {
        return sessions.get();
    }

    /** @return replay connections accepted since start. */
    public long sessionsTotal() {
        return sessionsTotal.get();
    }

    /** @return requests and connections refused for that reason since start. */
    public long refusals(final Refusal refusal) {
        return refusals.get(refusal).get();
    }

    /** @return datagrams replayed of that feed since start. */
    public long replayed(final String feed) {
        return replayed.get(feed).get();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
