package io.mcastrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.Publication;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gate through embedded channels that report a real IPv4 remote address. */
@Timeout(5)
class ConnectionGateTest {
    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();

    private Publication publication;
    private IngressCounters counters;
    private IngressFeed feed;
    private ConnectionGate gate;

    /**
     * An embedded channel whose peer is an IP address, as the gate expects of an accepted socket, and with an id of
     * its own (the feed's channel group tells channels apart by id).
     */
    private static final class RemoteChannel extends EmbeddedChannel {
        private final InetSocketAddress remote;

        RemoteChannel(final InetSocketAddress remote) {
            super(DefaultChannelId.newInstance(), false, false);
            this.remote = remote;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }

    @BeforeEach
    void openFeed() {
        openFeed("10.1.0.0/16", "192.168.7.7/32");
    }

    @AfterEach
    void closeFeed() {
        CloseHelper.closeAll(publication, counters);
    }

    private EmbeddedChannel connectFrom(final String address) throws Exception {
        final RemoteChannel channel = new RemoteChannel(new InetSocketAddress(address, 40000));
        channel.pipeline().addLast(gate);
        channel.register();
        return channel;
    }

    private void openFeed(final String... allowedSources) {
        CloseHelper.closeAll(publication, counters);
        final FeedSettings settings = new FeedSettings("gated", "0.0.0.0", 0, Framing.RELAY_V1,
            List.of(Destination.parse("239.1.1.1:5000")), 1328, List.of(allowedSources), 2,
            TimeUnit.SECONDS.toNanos(5), "aeron:ipc", 5000);
        publication = aeron.aeron().addPublication(settings.channel(), settings.streamId());
        counters = new IngressCounters(aeron.aeron(), settings.name());
        feed = new IngressFeed(settings, counters, publication, new SystemEpochNanoClock(), 1000,
            IngressServer.DEFAULT_ACK_INTERVAL_NS, null, null);
        gate = new ConnectionGate(feed);
    }

    @Test
    void shouldAdmitTheIdleTimerAndFrameHandlerOnlyWithAnAdmittedConnection() throws Exception {
        final EmbeddedChannel admitted = connectFrom("10.1.0.1");
        final EmbeddedChannel refused = connectFrom("10.2.0.1");

        assertThat(admitted.pipeline().names()).containsSubsequence("idle", "frames").doesNotContain("gate");
        assertThat(refused.pipeline().get("frames")).isNull();
    }

    @Test
    void shouldRefuseAnIpv6PeerWhenOnlyIpv4RangesAreAllowed() throws Exception {
        openFeed("0.0.0.0/0");

        final EmbeddedChannel v6 = connectFrom("2001:db8::7");
        final EmbeddedChannel v4 = connectFrom("198.51.100.9");

        assertThat(v6.isOpen()).as("0.0.0.0/0 covers every IPv4 address, no IPv6 one").isFalse();
        assertThat(v4.isOpen()).isTrue();
        assertThat(counters.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get()).isEqualTo(1);
    }

    @Test
    void shouldMatchIpv6PeersAgainstIpv6Ranges() throws Exception {
        openFeed("10.0.0.0/8", "2001:db8:1::/48");

        final EmbeddedChannel inside = connectFrom("2001:db8:1:ffff::1");
        final EmbeddedChannel outside = connectFrom("2001:db8:2::1");
        final EmbeddedChannel loopback = connectFrom("::1");

        assertThat(inside.isOpen()).isTrue();
        assertThat(outside.isOpen()).isFalse();
        assertThat(loopback.isOpen()).isFalse();
        assertThat(counters.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get()).isEqualTo(2);
    }

    @Test
    void shouldAdmitOnlyTheOneAddressOfASlash32AndTheEdgesOfARange() throws Exception {
        openFeed("192.168.7.7/32", "10.1.0.0/16");

        assertThat(connectFrom("192.168.7.7").isOpen()).isTrue();
        assertThat(connectFrom("192.168.7.6").isOpen()).isFalse();
        assertThat(connectFrom("10.1.255.255").isOpen()).isTrue();
        assertThat(connectFrom("10.0.255.255").isOpen()).isFalse();
        assertThat(connectFrom("10.2.0.0").isOpen()).isFalse();
        assertThat(counters.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get()).isEqualTo(3);
    }

    @Test
    void shouldAdmitAndCountSourcesInsideTheAllowedCidrs() throws Exception {
        final EmbeddedChannel first = connectFrom("10.1.200.3");
        final EmbeddedChannel second = connectFrom("192.168.7.7");

        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        assertThat(counters.connectionsAccepted().get()).isEqualTo(2);
        assertThat(counters.connectionsCurrent().get()).isEqualTo(2);
        assertThat(List.copyOf(feed.channels)).containsExactlyInAnyOrder(first, second);
        assertThat(feed.liveHandlers.get()).isEqualTo(2);

        first.close();
        assertThat(counters.connectionsCurrent().get()).isEqualTo(1);
        assertThat(List.copyOf(feed.channels)).containsExactly(second);
        assertThat(feed.liveHandlers.get()).isEqualTo(1);
        second.close();
        assertThat(counters.connectionsCurrent().get()).isZero();
        assertThat(feed.liveHandlers.get()).isZero();
    }

    @Test
    void shouldCloseAndCountASourceOutsideTheAllowedCidrs() throws Exception {
        final EmbeddedChannel outsider = connectFrom("10.2.0.1");
        final EmbeddedChannel neighbour = connectFrom("192.168.7.8");

        assertThat(outsider.isOpen()).isFalse();
        assertThat(neighbour.isOpen()).isFalse();
        assertThat(counters.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get()).isEqualTo(2);
        assertThat(counters.connectionsAccepted().get()).isZero();
        assertThat(counters.connectionsCurrent().get()).isZero();
        assertThat(List.copyOf(feed.channels)).isEmpty();
        assertThat(feed.liveHandlers.get()).as("refused connections hold nothing").isZero();
    }

    @Test
    void shouldRefuseConnectionsOverTheMaximumUntilOneCloses() throws Exception {
        final EmbeddedChannel first = connectFrom("10.1.0.1");
        connectFrom("10.1.0.2");

        final EmbeddedChannel third = connectFrom("10.1.0.3");
        assertThat(third.isOpen()).isFalse();
        assertThat(counters.refusals(RefusalReason.MAX_CONNECTIONS).get()).isEqualTo(1);
        assertThat(counters.connectionsCurrent().get()).isEqualTo(2);

        first.close();
        final EmbeddedChannel fourth = connectFrom("10.1.0.4");
        assertThat(fourth.isOpen()).isTrue();
        assertThat(counters.connectionsAccepted().get()).isEqualTo(3);
        assertThat(counters.refusals(RefusalReason.MAX_CONNECTIONS).get()).isEqualTo(1);
    }

    @Test
    void shouldRefuseEveryConnectionOnceTheFeedIsClosing() throws Exception {
        feed.closing = true;

        final EmbeddedChannel late = connectFrom("10.1.0.1");

        assertThat(late.isOpen()).isFalse();
        assertThat(counters.refusals(RefusalReason.SHUTTING_DOWN).get()).isEqualTo(1);
        assertThat(counters.refusals(RefusalReason.SOURCE_NOT_ALLOWED).get()).isZero();
        assertThat(counters.connectionsAccepted().get()).isZero();
    }
}
