package io.mcastrelay.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mcastrelay.wire.ProbePayload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real multicast, kept on the host: the sender's IP_MULTICAST_IF is the loopback interface, TTL 0 and loop on, and
 * the groups lie in 239.255.99.0/24. Works on a bare {@code lo} without the MULTICAST flag.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RelaySubscriberTest {
    private static final String GROUP = "239.255.99.1";
    private static final String OTHER_GROUP = "239.255.99.2";

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private DatagramChannel sender;
    private int port;

    @BeforeEach
    void openSender() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET)) {
            port = ((InetSocketAddress)probe.bind(new InetSocketAddress("127.0.0.1", 0)).getLocalAddress()).getPort();
        }
        final NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        sender = DatagramChannel.open(StandardProtocolFamily.INET)
            .setOption(StandardSocketOptions.IP_MULTICAST_IF, loopback)
            .setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true)
            .setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
    }

    @AfterEach
    void closeSender() throws IOException {
        sender.close();
    }

    @Test
    void shouldCountProbesAndDetectGapAndRepeat() throws IOException {
        try (RelaySubscriber subscriber = new RelaySubscriber(settings(GROUP + ":" + port, 5, 5), out)) {
            for (final long sequence : new long[] {1, 2, 4, 4}) {
                sendProbe(GROUP, sequence, 64);
            }
            sendPlain(GROUP, "not a probe");

            assertThat(subscriber.run(() -> true)).isEqualTo(RelaySubscriber.EXIT_OK);

            final PortStats stats = subscriber.stats().get(0);
            assertThat(stats.label()).isEqualTo(GROUP + ":" + port);
            assertThat(stats.datagrams()).isEqualTo(5);
            assertThat(stats.bytes()).isEqualTo(4 * 64 + "not a probe".length());
            assertThat(stats.probes()).isEqualTo(4);
            assertThat(stats.gaps()).isEqualTo(1);
            assertThat(stats.repeats()).isEqualTo(1);
            assertThat(stats.latencySamples()).isEqualTo(4);
        }
        assertThat(output.toString(StandardCharsets.UTF_8))
            .contains("total " + GROUP + ":" + port + " datagrams=5 bytes=267 probes=4 gaps=1 repeats=1 latency-us");
    }

    @Test
    void shouldFailWhenExpectIsNotMetWithinDuration() throws IOException {
        try (RelaySubscriber subscriber = new RelaySubscriber(settings(GROUP + ":" + port, 3, 0.2), out)) {
            sendProbe(GROUP, 1, 48);

            assertThat(subscriber.run(() -> true)).isEqualTo(RelaySubscriber.EXIT_EXPECT_NOT_MET);
            assertThat(subscriber.totalDatagrams()).isEqualTo(1);
        }
    }

    @Test
    void shouldShareOneSocketBetweenGroupsOnOnePort() throws IOException {
        final String joins = GROUP + ":" + port + "," + OTHER_GROUP + ":" + port;
        try (RelaySubscriber subscriber = new RelaySubscriber(settings(joins, 2, 5), out)) {
            sendProbe(GROUP, 1, 48);
            sendProbe(OTHER_GROUP, 1, 48);

            assertThat(subscriber.run(() -> true)).isEqualTo(RelaySubscriber.EXIT_OK);
            assertThat(subscriber.stats()).singleElement()
                .satisfies(stats -> assertThat(stats.label()).isEqualTo(GROUP + "+" + OTHER_GROUP + ":" + port))
                .satisfies(stats -> assertThat(stats.datagrams()).isEqualTo(2));
        }
    }

    @Test
    void shouldPrintEveryDatagramWithItsSourceAndPayloadInHexWhenAsked() throws IOException {
        final SubscriberSettings printing = new SubscriberSettings("127.0.0.1",
            Args.parseDestinations("--join", GROUP + ":" + port), TimeUnit.SECONDS.toNanos(5), 2, true, true);
        try (RelaySubscriber subscriber = new RelaySubscriber(printing, out)) {
            sendPlain(GROUP, "hello");
            sender.send(ByteBuffer.wrap(new byte[] {0, (byte)0xff, 0x10}),
                new InetSocketAddress(InetAddress.getByName(GROUP), port));

            assertThat(subscriber.run(() -> true)).isEqualTo(RelaySubscriber.EXIT_OK);
        }
        final int senderPort = ((InetSocketAddress)sender.getLocalAddress()).getPort();
        assertThat(output.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(" len=")))
            .containsExactly(
                GROUP + ":" + port + " from=127.0.0.1:" + senderPort + " len=5 payload=68656c6c6f",
                GROUP + ":" + port + " from=127.0.0.1:" + senderPort + " len=3 payload=00ff10");
    }

    @Test
    void shouldTakePrintFromTheCommandLine() {
        assertThat(SubscriberSettings.from(SubscriberSettings.options().parse(new String[] {"--print"})).print())
            .isTrue();
        assertThat(SubscriberSettings.from(SubscriberSettings.options().parse(new String[0])).print()).isFalse();
    }

    @Test
    void shouldPrintNoDatagramWithoutThePrintOption() throws IOException {
        try (RelaySubscriber subscriber = new RelaySubscriber(settings(GROUP + ":" + port, 1, 5), out)) {
            sendPlain(GROUP, "hello");

            assertThat(subscriber.run(() -> true)).isEqualTo(RelaySubscriber.EXIT_OK);
        }
        assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain("payload=");
    }

    @Test
    void shouldFindInterfaceByNameOrAddressAndNameTheOptionOtherwise() throws IOException {
        assertThat(RelaySubscriber.resolveInterface("127.0.0.1")).isEqualTo(RelaySubscriber.resolveInterface("lo"));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> RelaySubscriber.resolveInterface("no-such-if0"))
            .withMessageContaining("'--interface'");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> RelaySubscriber.resolveInterface("192.0.2.254.1"))
            .withMessageContaining("'--interface'");
    }

    private static SubscriberSettings settings(final String joins, final long expect, final double seconds) {
        return new SubscriberSettings("127.0.0.1", Args.parseDestinations("--join", joins),
            (long)(seconds * 1e9), expect, true, false);
    }

    private void sendProbe(final String group, final long sequence, final int length) throws IOException {
        ProbePayload.fillPattern(payload, 0, length);
        final long now = System.currentTimeMillis() * 1_000_000L;
        ProbePayload.write(payload, 0, 1, 0, length, sequence, now, now);
        final ByteBuffer datagram = payload.byteBuffer().duplicate().clear().limit(length);
        sender.send(datagram, new InetSocketAddress(InetAddress.getByName(group), port));
    }

    private void sendPlain(final String group, final String text) throws IOException {
        sender.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)),
            new InetSocketAddress(InetAddress.getByName(group), port));
    }
}
