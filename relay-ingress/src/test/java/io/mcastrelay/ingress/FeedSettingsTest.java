package io.mcastrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(5)
class FeedSettingsTest {
    private static final Destination FIRST = Destination.parse("239.1.1.1:5000");
    private static final Destination SECOND = Destination.parse("239.1.1.2:5000->239.9.9.9:6000");

    /** A valid feed that each case breaks in one field. */
    private static final class Spec {
        private String name = "prod";
        private String bindAddress = "0.0.0.0";
        private int port;
        private Framing framing = Framing.RELAY_V1;
        private List<Destination> destinations = List.of(FIRST, SECOND);
        private int maxPayloadBytes = 8472;
        private List<String> allowedSources = List.of("10.0.0.0/8");
        private int maxConnections = 4;
        private long idleTimeoutNs = TimeUnit.SECONDS.toNanos(5);
        private String channel = "aeron:ipc";

        FeedSettings build() {
            return new FeedSettings(name, bindAddress, port, framing, destinations, maxPayloadBytes, allowedSources,
                maxConnections, idleTimeoutNs, channel, 10);
        }
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
            bad("blank name", spec -> spec.name = "  ", "feed name must not be blank"),
            bad("null name", spec -> spec.name = null, "feed name must not be blank"),
            bad("blank bind address", spec -> spec.bindAddress = " ", "bind address must be set"),
            bad("negative port", spec -> spec.port = -1, "port -1 is outside 0..65535"),
            bad("port over 65535", spec -> spec.port = 65536, "port 65536 is outside 0..65535"),
            bad("no framing", spec -> spec.framing = null, "framing must be set"),
            bad("no destinations", spec -> spec.destinations = List.of(), "destinations must not be empty"),
            bad("null destinations", spec -> spec.destinations = null, "destinations must not be empty"),
            bad("duplicate destination", spec -> spec.destinations = List.of(FIRST, SECOND,
                Destination.parse("239.1.1.1:5000->239.8.8.8:7000")),
                "destination 239.1.1.1:5000->239.8.8.8:7000 is listed twice"),
            bad("length-prefixed with two destinations", spec -> spec.framing = Framing.LENGTH_PREFIXED,
                "the length-prefixed framing needs exactly one destination, not 2"),
            bad("negative max payload", spec -> spec.maxPayloadBytes = -1, "must lie in 0..65424 bytes"),
            bad("max payload over the limit", spec -> spec.maxPayloadBytes = FeedSettings.MAX_PAYLOAD_BYTES_LIMIT + 1,
                "must lie in 0..65424 bytes"),
            bad("CIDR without prefix", spec -> spec.allowedSources = List.of("10.0.0.0"),
                "allowed source '10.0.0.0' is not a CIDR"),
            bad("CIDR with a bad octet", spec -> spec.allowedSources = List.of("10.0.0.300/8"),
                "allowed source '10.0.0.300/8' is not a CIDR"),
            bad("CIDR prefix over 32", spec -> spec.allowedSources = List.of("10.0.0.0/33"),
                "allowed source '10.0.0.0/33' is not a CIDR"),
            bad("CIDR with a host name", spec -> spec.allowedSources = List.of("abc/8"),
                "allowed source 'abc/8' is not a CIDR"),
            bad("CIDR with a non-numeric prefix", spec -> spec.allowedSources = List.of("10.0.0.0/x"),
                "allowed source '10.0.0.0/x' is not a CIDR"),
            bad("CIDR with only a prefix", spec -> spec.allowedSources = List.of("/8"),
                "allowed source '/8' is not a CIDR"),
            bad("empty CIDR", spec -> spec.allowedSources = List.of("10.0.0.0/8", ""),
                "allowed source '' is not a CIDR"),
            bad("IPv6 CIDR prefix over 128", spec -> spec.allowedSources = List.of("::/129"),
                "allowed source '::/129' is not a CIDR"),
            bad("empty allowed sources", spec -> spec.allowedSources = List.of(),
                "allowed sources must not be empty"),
            bad("null allowed sources", spec -> spec.allowedSources = null, "allowed sources must not be empty"),
            bad("max connections 0", spec -> spec.maxConnections = 0, "max connections must be at least 1"),
            bad("idle timeout 0", spec -> spec.idleTimeoutNs = 0, "idle timeout must be positive"),
            bad("negative idle timeout", spec -> spec.idleTimeoutNs = -1, "idle timeout must be positive"),
            bad("channel without aeron:", spec -> spec.channel = "udp://239.1.1.1:5000",
                "channel 'udp://239.1.1.1:5000' is no Aeron URI"),
            bad("null channel", spec -> spec.channel = null, "channel 'null' is no Aeron URI"));
    }

    private static Arguments bad(final String what, final Consumer<Spec> breakIt, final String problem) {
        return Arguments.of(what, breakIt, problem);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void shouldRejectEachBadFieldNamingTheFeedAndTheProblem(
        final String what, final Consumer<Spec> breakIt, final String problem) {
        final Spec spec = new Spec();
        breakIt.accept(spec);

        assertThatThrownBy(spec::build)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(problem)
            .hasMessageStartingWith(spec.name == null || spec.name.isBlank() ? "feed name" : "feed 'prod': ");
    }

    @Test
    void shouldAcceptAValidFeedAndCopyItsLists() {
        final List<Destination> destinations = new ArrayList<>(List.of(FIRST, SECOND));
        final List<String> sources = new ArrayList<>(List.of("10.0.0.0/8", " 192.168.1.0 / 24 ", "::1/128"));
        final Spec spec = new Spec();
        spec.destinations = destinations;
        spec.allowedSources = sources;
        spec.maxPayloadBytes = FeedSettings.MAX_PAYLOAD_BYTES_LIMIT;

        final FeedSettings settings = spec.build();
        destinations.clear();
        sources.clear();

        assertThat(settings.destinations()).containsExactly(FIRST, SECOND);
        assertThat(settings.allowedSources()).hasSize(3);
        assertThat(settings.maxPayloadBytes()).isEqualTo(65_424);
    }

    @Test
    void shouldAcceptPortZeroToPickAFreePort() {
        final Spec spec = new Spec();
        spec.port = 0;
        assertThat(spec.build().port()).isZero();
        spec.port = 65535;
        assertThat(spec.build().port()).isEqualTo(65535);
    }

    @Test
    void shouldAcceptLengthPrefixedWithExactlyOneDestination() {
        final Spec spec = new Spec();
        spec.framing = Framing.LENGTH_PREFIXED;
        spec.destinations = List.of(SECOND);
        assertThat(spec.build().destinations()).containsExactly(SECOND);
    }

    @Test
    void shouldTurnAllowedSourcesIntoRulesThatMatchOnlyTheirSubnets() {
        final Spec spec = new Spec();
        spec.allowedSources = List.of("10.0.0.0/8", "192.168.1.0/24");
        final IpSubnetFilterRule[] rules = spec.build().sourceRules();

        assertThat(rules).hasSize(2);
        assertThat(rules[0].matches(new InetSocketAddress("10.200.3.4", 1))).isTrue();
        assertThat(rules[0].matches(new InetSocketAddress("11.0.0.1", 1))).isFalse();
        assertThat(rules[1].matches(new InetSocketAddress("192.168.1.77", 1))).isTrue();
        assertThat(rules[1].matches(new InetSocketAddress("192.168.2.77", 1))).isFalse();
    }
}
