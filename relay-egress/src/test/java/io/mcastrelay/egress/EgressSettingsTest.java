package io.mcastrelay.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.InvalidSettingException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(5)
class EgressSettingsTest {
    private static final List<Destination> DESTINATIONS = List.of(Destination.parse("239.1.1.1:5000"));
    private static final EgressSettings.Feed PROD = new EgressSettings.Feed("prod", "aeron:ipc", 10, DESTINATIONS);

    /** Valid settings that each case breaks in one field. */
    private static final class Spec {
        private String networkInterface = "eth0";
        private int ttl = 16;
        private int sendBufferBytes;
        private String threading = "event-loop";
        private String idleStrategy = "backoff";
        private int batchSize = 10;
        private List<EgressSettings.Feed> feeds = List.of(PROD);

        EgressSettings build() {
            return new EgressSettings(
                networkInterface, ttl, true, sendBufferBytes, threading, idleStrategy, batchSize, feeds);
        }
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
            bad("no interface", spec -> spec.networkInterface = null, "network-interface",
                "egress interface must be set"),
            bad("blank interface", spec -> spec.networkInterface = " ", "network-interface",
                "egress interface must be set"),
            bad("ttl 0", spec -> spec.ttl = 0, "ttl", "egress ttl 0 is outside 1..255"),
            bad("ttl 256", spec -> spec.ttl = 256, "ttl", "egress ttl 256 is outside 1..255"),
            bad("negative send buffer", spec -> spec.sendBufferBytes = -1, "send-buffer",
                "egress send buffer -1 is negative"),
            bad("unknown idle strategy", spec -> spec.idleStrategy = "Spinning", "idle-strategy",
                "must be one of [backoff, busy-spin, yielding, sleeping]"),
            bad("unknown threading", spec -> spec.threading = "pooled", "threading",
                "must be one of [event-loop, dedicated]"),
            bad("batch size 0", spec -> spec.batchSize = 0, "batch-size", "egress batch size 0 is outside 1..1024"),
            bad("batch size 1025", spec -> spec.batchSize = 1025, "batch-size",
                "egress batch size 1025 is outside 1..1024"),
            bad("no feeds", spec -> spec.feeds = null, "feeds", "egress feeds must be set"),
            bad("duplicate feed", spec -> spec.feeds = List.of(PROD,
                new EgressSettings.Feed("prod", "aeron:ipc", 11, DESTINATIONS)), "feeds[1].name",
                "egress feed 'prod' is listed twice"),
            bad("two feeds emitting one VPC-side group:port", spec -> spec.feeds = List.of(PROD,
                new EgressSettings.Feed("test", "aeron:ipc", 11,
                    List.of(Destination.parse("239.9.9.9:7000->239.1.1.1:5000")))),
                "feeds[1].destinations[0]", "the VPC-side group:port is already emitted by feed 'prod'"));
    }

    private static Arguments bad(
        final String what, final Consumer<Spec> breakIt, final String setting, final String problem) {
        return Arguments.of(what, breakIt, setting, problem);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void shouldRejectEachBadFieldNamingIt(
        final String what, final Consumer<Spec> breakIt, final String setting, final String problem) {
        final Spec spec = new Spec();
        breakIt.accept(spec);

        assertThatThrownBy(spec::build).isInstanceOfSatisfying(InvalidSettingException.class, ex -> {
            assertThat(ex.setting()).isEqualTo(setting);
            assertThat(ex.reason()).startsWith(problem);
            assertThat(ex.getMessage()).isEqualTo("egress: " + ex.reason());
        });
    }

    @Test
    void shouldRejectEachBadFeedFieldNamingTheFeed() {
        assertThatThrownBy(() -> new EgressSettings.Feed(" ", "aeron:ipc", 1, DESTINATIONS))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("egress feed name must not be blank");
        assertThatThrownBy(() -> new EgressSettings.Feed("prod", "udp://239.1.1.1:5000", 1, DESTINATIONS))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("egress feed 'prod': channel 'udp://239.1.1.1:5000' is no Aeron URI");
        assertThatThrownBy(() -> new EgressSettings.Feed("prod", "aeron:ipc", 1, List.of()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("egress feed 'prod': destinations must not be empty");
        assertThatThrownBy(() -> new EgressSettings.Feed("prod", "aeron:ipc", 1, null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("egress feed 'prod': destinations must not be empty");
    }

    @Test
    void shouldDefaultToBackoffAndAcceptIdleStrategiesInAnyCase() {
        final Spec spec = new Spec();
        spec.idleStrategy = null;
        assertThat(spec.build().idleStrategy()).isEqualTo("backoff");
        for (final String strategy : EgressSettings.IDLE_STRATEGIES) {
            spec.idleStrategy = strategy.toUpperCase(Locale.ROOT);
            assertThat(spec.build().idleStrategy()).isEqualTo(strategy);
        }
    }

    @Test
    void shouldDefaultToTheEventLoopAndAcceptThreadingsInAnyCase() {
        final Spec spec = new Spec();
        spec.threading = null;
        assertThat(spec.build().threading()).isEqualTo("event-loop");
        assertThat(spec.build().dedicatedThreads()).isFalse();
        spec.threading = "Dedicated";
        assertThat(spec.build().threading()).isEqualTo("dedicated");
        assertThat(spec.build().dedicatedThreads()).isTrue();
    }

    @Test
    void shouldAcceptTheBoundsAndCopyTheLists() {
        final Spec spec = new Spec();
        spec.ttl = 255;
        final List<Destination> destinations = new ArrayList<>(List.of(Destination.parse("239.1.1.2:5000")));
        final EgressSettings.Feed feed = new EgressSettings.Feed("b", "aeron:ipc", 2, destinations);
        final List<EgressSettings.Feed> feeds = new ArrayList<>(List.of(PROD, feed));
        spec.feeds = feeds;
        final EgressSettings settings = spec.build();
        destinations.clear();
        feeds.clear();

        assertThat(settings.ttl()).isEqualTo(255);
        assertThat(settings.feeds()).extracting(EgressSettings.Feed::name).containsExactly("prod", "b");
        assertThat(settings.feeds().get(1).destinations()).containsExactly(Destination.parse("239.1.1.2:5000"));
        spec.ttl = 1;
        spec.feeds = List.of();
        assertThat(spec.build().feeds()).isEmpty();
    }

    @Test
    void shouldMapEachIdleStrategyNameToItsAgronaStrategy() {
        assertThat(Egress.idleStrategy("busy-spin")).isInstanceOf(BusySpinIdleStrategy.class);
        assertThat(Egress.idleStrategy("yielding")).isInstanceOf(YieldingIdleStrategy.class);
        assertThat(Egress.idleStrategy("sleeping")).isInstanceOf(SleepingIdleStrategy.class);
        assertThat(Egress.idleStrategy("backoff")).isInstanceOf(BackoffIdleStrategy.class);
    }
}
