package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.wire.RelayV1Encoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The native yardstick on its own, over loopback TCP and multicast. */
@Timeout(20)
class YardstickTest {
    private static final int GROUP = 0xEFFF_4E11;

    @TempDir
    Path dir;

    @Test
    void shouldSendTheGoodFramesOfAReadBeforeClosingOnABadOneAndExitZeroOnSigterm() throws Exception {
        final int port = FreePorts.tcp();
        final int udpPort = FreePorts.udp();
        final Process yardstick = new ProcessBuilder(YardstickBuild.into(dir).toString(), "--interface-address",
            "127.0.0.1", "--ports", Integer.toString(port)).redirectErrorStream(true).start();
        final BufferedReader output = new BufferedReader(new InputStreamReader(yardstick.getInputStream(),
            StandardCharsets.UTF_8));
        try (DatagramChannel subscriber = DatagramChannel.open(StandardProtocolFamily.INET)) {
            assertThat(output.readLine()).isEqualTo("ready");
            subscriber.setOption(StandardSocketOptions.SO_REUSEADDR, true).bind(new InetSocketAddress(udpPort));
            subscriber.join(InetAddress.getByName("239.255.78.17"), NetworkInterface.getByName("lo"));
            final UnsafeBuffer frames = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
            int length = RelayV1Encoder.encodeData(frames, 0, GROUP, udpPort, 1, 0, new UnsafeBuffer(new byte[50]),
                0, 50);
            length += RelayV1Encoder.encodeHeartbeat(frames, length, 1, 0);
            length += RelayV1Encoder.encodeData(frames, length, GROUP, udpPort, 2, 0, new UnsafeBuffer(new byte[60]),
                0, 60);
            frames.putInt(length, 0x000A_0900);
            length += 10;
            try (SocketChannel sender = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                sender.write(frames.byteBuffer().duplicate().limit(length).position(0));
                assertThat(output.readLine()).as("one write: two DATA frames, a HEARTBEAT, then type 9")
                    .isEqualTo("closed port=" + port + " frames=2 datagrams=2 heartbeats=1 errors=1");
            }
            subscriber.configureBlocking(false);
            final List<Integer> received = new ArrayList<>();
            final ByteBuffer datagram = ByteBuffer.allocate(2048);
            for (int i = 0; i < 100 && received.size() < 2; i++) {
                datagram.clear();
                if (subscriber.receive(datagram) != null) {
                    received.add(datagram.position());
                } else {
                    Thread.sleep(10);
                }
            }
            assertThat(received).containsExactly(50, 60);
        } finally {
            yardstick.destroy();
        }
        assertThat(yardstick.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(yardstick.exitValue()).isZero();
    }
}
