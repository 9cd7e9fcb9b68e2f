package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.testing.MulticastReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where epoll is unavailable (other kernels, or Netty's native library refused), ingress runs on NIO. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NioTransportIT {
    private static final String GROUP = "239.255.70.1";

    @Test
    void shouldRelayOnTheNioTransportWhenEpollIsUnavailable() throws Exception {
        final int feedPort = TestRelay.freePort();
        final int udpPort = TestRelay.freePort();
        try (RelayProcess relay = new RelayProcess(List.of("-Dio.netty.transport.noNative=true"),
                "relay.feeds[0].name=nio",
                "relay.feeds[0].port=" + feedPort,
                "relay.feeds[0].destinations[0]=" + GROUP + ":" + udpPort);
             MulticastReceiver customer = new MulticastReceiver(GROUP, udpPort)) {
            assertThat(relay.awaitReady(60, TimeUnit.SECONDS)).as("ready; log:%n%s", relay.output()).isTrue();
            assertThat(relay.output()).contains("feed=nio listening on").contains("nio transport");
            final List<byte[]> sent = new ArrayList<>();
            try (FeedClient sender = new FeedClient(feedPort)) {
                for (int i = 0; i < 200; i++) {
                    sent.add(sender.send(GROUP, udpPort, "nio frame " + i));
                }
                assertThat(MulticastReceiver.samePayloads(sent, customer.await(200, 20, TimeUnit.SECONDS))).isTrue();
            }
        }
    }
}
