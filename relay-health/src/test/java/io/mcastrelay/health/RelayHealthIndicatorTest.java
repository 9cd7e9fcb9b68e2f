package io.mcastrelay.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mcastrelay.egress.Egress;
import io.mcastrelay.egress.EgressSettings;
import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.ingress.IngressServer;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Each readiness condition that can fail turns the indicator DOWN on its own; traffic never does. */
@Timeout(20)
class RelayHealthIndicatorTest {
    @RegisterExtension
    static final EmbeddedAeron DRIVER = new EmbeddedAeron();

    private static final String CHANNEL = "aeron:ipc?term-length=65536";

    private IngressServer ingress;
    private Egress egress;
    private boolean driverAlive = true;
    private boolean running = true;
    private boolean recovering;
    private RelayHealthIndicator indicator;

    @BeforeEach
    void startRelayParts() {
        final List<Destination> destinations = List.of(Destination.parse("239.255.69.1:6200"));
        egress = new Egress(new EgressSettings("lo", 1, true, 0, "dedicated", "backoff", 16,
            List.of(new EgressSettings.Feed("feed", CHANNEL, 3001, destinations))), DRIVER.aeron());
        egress.start();
        ingress = new IngressServer(List.of(new FeedSettings("feed", "127.0.0.1", 0, Framing.RELAY_V1, destinations,
            1000, List.of("127.0.0.0/8"), 1, TimeUnit.SECONDS.toNanos(10), CHANNEL, 3001)), DRIVER.aeron(),
            new OffsetEpochNanoClock(), 100_000);
        ingress.start();
        indicator = new RelayHealthIndicator(new RelayView() {
            @Override
            public IngressServer ingress() {
                return ingress;
            }

            @Override
            public Egress egress() {
                return egress;
            }

            @Override
            public boolean driverAlive() {
                return driverAlive;
            }

            @Override
            public boolean running() {
                return running;
            }

            @Override
            public boolean recovering() {
                return recovering;
            }
        }, new CounterGuard());
    }

    @AfterEach
    void stopRelayParts() {
        ingress.close();
        egress.close();
    }

    @Test
    void shouldBeUpWithNoSenderConnected() {
        final Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("feed.feed.listening", true)
            .containsEntry("aeron.driver", "alive").containsEntry("egress", "running")
            .containsEntry("egress.interface", "up")
            .containsEntry("feed.feed.senders", 0L)
            .containsEntry("feed.feed.lastFrameAgeSeconds", "none");
    }

    @Test
    void shouldShowTrafficAsDetailWithoutChangingTheVerdict() {
        ingress.counters("feed").lastFrameTimeNs().set(System.currentTimeMillis() * 1_000_000L - 90_000_000_000L);
        final Health health = indicator.health();
        assertThat(health.getStatus()).as("a quiet feed is still healthy").isEqualTo(Status.UP);
        assertThat((Double)health.getDetails().get("feed.feed.lastFrameAgeSeconds")).isBetween(89.0, 92.0);
    }

    @Test
    void shouldBeDownWhenAListenerIsNotBound() {
        ingress.stopAccepting();
        final Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("feed.feed.listening", false);
    }

    @Test
    void shouldBeDownWhenTheDriverIsGone() {
        driverAlive = false;
        final Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("aeron.driver", "gone");
    }

    @Test
    void shouldBeDownWhenEgressStopped() {
        egress.close();
        final Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("egress", "stopped");
    }

    @Test
    void shouldBeDownWhileShuttingDown() {
        running = false;
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void shouldBeDownAndSayWhyWhileReconnectingToALostDriver() {
        running = false;
        recovering = true;
        final Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("relay", "media driver lost; reconnecting")
            .containsEntry("aeron.driver", "gone");
    }
}
