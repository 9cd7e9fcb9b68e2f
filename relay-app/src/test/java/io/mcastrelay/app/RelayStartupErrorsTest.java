package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.mock.env.MockEnvironment;

/**
 * One failing context per bad setting: start-up stops before anything binds, with an error naming the property.
 * The settings start from a valid two-feed configuration; each case changes one property.
 */
@Timeout(30)
class RelayStartupErrorsTest {
    private static final String[] VALID = {
        "relay.aeron.directory=/tmp/relay-startup-errors-unused",
        "relay.feeds[0].name=test",
        "relay.feeds[0].port=16666",
        "relay.feeds[0].destinations[0]=239.255.6.1:6200",
        "relay.feeds[0].destinations[1]=239.255.6.2:6201",
        "relay.feeds[1].name=prod",
        "relay.feeds[1].port=16667",
        "relay.feeds[1].destinations[0]=239.255.7.1:6100",
    };

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
        .withUserConfiguration(RelayConfiguration.class);

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "relay.feeds[1].port            | 16666              | port is already used by relay.feeds[0].port (test)",
        "relay.feeds[1].name            | test               | feed name is already used by relay.feeds[0]",
        "relay.feeds[0].destinations[1] | 10.1.1.1:6201      | 10.1.1.1 is outside 224.0.0.0/4",
        "relay.feeds[0].destinations[1] | 239.255.6.2:6201->192.168.1.1:6201 | outside 224.0.0.0/4",
        "relay.feeds[0].destinations[1] | 239.255.6.2       | is not group:port",
        "relay.feeds[1].destinations[0] | 239.255.6.1:6200   | already emitted by feed 'test'",
        "relay.feeds[0].destinations[1] | 239.255.6.1:6200   | listed twice",
        "relay.feeds[0].allowed-sources[0] | 10.0.0.0        | is not a CIDR",
        "relay.feeds[0].allowed-sources[0] | 10.0.0.0/33     | is not a CIDR",
        "relay.feeds[0].allowed-sources[0] | 10.0.0.300/8    | is not a CIDR",
        "relay.feeds[0].framing         | soupbintcp         | framing must be relay-v1 or length-prefixed",
        "relay.feeds[0].max-payload     | 70000B             | must lie in 0..65424 bytes",
        "relay.feeds[1].stream-id       | 1001               | stream id is already used by feed 'test'",
        "relay.egress.network-interface | nosuchif0          | no interface named 'nosuchif0'",
        "relay.egress.idle-strategy     | spin-a-lot         | must be one of",
        "relay.egress.threading         | pooled             | must be one of [event-loop, dedicated]",
        "relay.egress.ttl               | 0                  | is outside 1..255",
        "relay.egress.batch-size        | 1025               | is outside 1..1024",
        "relay.feeds[1].max-connections | 0                  | must be at least 1",
        "relay.aeron.term-length        | 100KB              | power of two",
        "relay.feeds[0].idle-timeout    | 0s                 | must be positive",
        "relay.ingress.ack-interval     | 0ms                | must lie between 1ms and 1s",
        "relay.ingress.ack-interval     | 5s                 | must lie between 1ms and 1s",
        "relay.aeron.client-liveness-timeout | 500ms         | must lie in 1000ms..5m",
        "relay.aeron.client-liveness-timeout | 6m            | must lie in 1000ms..5m",
        "relay.aeron.untethered-window-limit-timeout | 100ms | must lie in 200ms..5m",
        "relay.aeron.untethered-resting-timeout | 1h         | must lie in 200ms..5m",
        "relay.feeds[0].sequence.width  | 2                  | must be 4 or 8",
        "relay.feeds[0].sequence.byte-order | middle-endian  | must be big-endian or little-endian",
    })
    void shouldStopStartUpNamingTheBadSetting(final String property, final String value, final String reason) {
        runner.withPropertyValues(with(property + "=" + value)).run(context -> {
            assertThat(context).hasFailed();
            final Throwable cause = rootCause(
                context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
            assertThat(cause).as("failure names the property").isNotNull();
            final var invalid = (InvalidConfigurationPropertyValueException)cause;
            assertThat(invalid.getName()).isEqualTo(property);
            assertThat(invalid.getReason()).contains(reason);
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "relay.feeds[0].framing | length-prefixed | relay.feeds[0].destinations | needs exactly one destination",
        "relay.feeds[0].proxy-protocol | true | relay.feeds[0].proxy-sources | must not be empty",
        "relay.feeds[1].destinations[0] | 239.9.9.9:7000->239.255.6.2:6201 | relay.feeds[1].destinations[0] | "
            + "already emitted by feed 'test'",
    })
    void shouldStopStartUpNamingTheSettingARuleAcrossSettingsBlames(
        final String property, final String value, final String blamed, final String reason) {
        runner.withPropertyValues(with(property + "=" + value)).run(context -> {
            assertThat(context).hasFailed();
            final InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException)
                rootCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
            assertThat(invalid.getName()).isEqualTo(blamed);
            assertThat(invalid.getReason()).contains(reason);
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "relay.recovery.allowed-sources[0] | 10.0.0.0/33     | relay.recovery.allowed-sources[0] | is not a CIDR",
        "relay.recovery.port               | 16667           | relay.recovery.port | already used by relay.feeds[1]",
        "relay.recovery.max-age            | 5s              | relay.recovery.max-age | at least 10s",
        "relay.recovery.segment-size       | 100KB           | relay.recovery.segment-size | power of two",
        "relay.recovery.segment-size       | 64KB            | relay.recovery.segment-size | term length",
        "relay.recovery.max-bytes          | 200MB           | relay.recovery.max-bytes | at least two segments",
        "relay.recovery.max-sessions       | 0               | relay.recovery.max-sessions | at least 1",
        "relay.recovery.max-span           | 10ms            | relay.recovery.max-span | at least 1s",
        "relay.recovery.max-frames-per-second | 0            | relay.recovery.max-frames-per-second | at least 1",
        "relay.recovery.write-timeout      | 1ms             | relay.recovery.write-timeout | at least 100ms",
    })
    void shouldStopStartUpNamingTheBadRecoverySetting(
        final String property, final String value, final String blamed, final String reason) {
        runner.withPropertyValues(with("relay.recovery.enabled=true")).withPropertyValues(
            "relay.recovery.allowed-sources[0]=10.0.0.0/8", property + "=" + value).run(context -> {
                assertThat(context).hasFailed();
                final InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException)
                    rootCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
                assertThat(invalid.getName()).isEqualTo(blamed);
                assertThat(invalid.getReason()).contains(reason);
            });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "relay.probes.group    | 239.255.6.1:6200 | relay.probes.group    | already sends to it",
        "relay.probes.group    | 10.1.1.1:6999    | relay.probes.group    | must be group:port",
        "relay.probes.rate     | 0                | relay.probes.rate     | 1..100",
        "relay.probes.rate     | 101              | relay.probes.rate     | 1..100",
        "relay.probes.relay-id | 'two words'      | relay.probes.relay-id | printable",
    })
    void shouldStopStartUpNamingTheBadProbeSetting(
        final String property, final String value, final String blamed, final String reason) {
        runner.withPropertyValues(with("relay.probes.group=239.255.0.100:6999")).withPropertyValues(
            property + "=" + value).run(context -> {
                assertThat(context).hasFailed();
                final InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException)
                    rootCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
                assertThat(invalid.getName()).isEqualTo(blamed);
                assertThat(invalid.getReason()).contains(reason);
            });
    }

    @Test
    void shouldStopStartUpWhenRecoveryIsOnWithoutAllowedSources() {
        runner.withPropertyValues(with("relay.recovery.enabled=true")).run(context -> {
            final InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException)
                rootCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
            assertThat(invalid.getName()).isEqualTo("relay.recovery.allowed-sources");
            assertThat(invalid.getReason()).contains("customers' CIDRs");
        });
    }

    @Test
    void shouldStopStartUpOnAPortClashWithTheHealthPort() {
        runner.withPropertyValues(with("server.port=16667")).run(context -> {
            assertThat(context).hasFailed();
            final InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException)
                rootCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
            assertThat(invalid.getName()).isEqualTo("relay.feeds[1].port");
            assertThat(invalid.getReason()).contains("server.port");
        });
    }

    @Test
    void shouldStopStartUpWhenTheTermIsTooSmallForTheLargestPayload() {
        final String[] properties = with("relay.aeron.term-length=64KB");
        runner.withPropertyValues(properties).withPropertyValues("relay.feeds[0].max-payload=8472B").run(context -> {
            final InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException)
                rootCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
            assertThat(invalid.getName()).isEqualTo("relay.feeds[0].max-payload");
            assertThat(invalid.getReason()).contains("relay.aeron.term-length of at least 131072");
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "relay.feeds[0].port            | 70000 | feeds[0].port",
        "relay.feeds[0].port            | 0     | feeds[0].port",
        "relay.feeds[0].name            | 'te st' | feeds[0].name",
        "relay.feeds[0].name            | -test | feeds[0].name",
    })
    void shouldStopStartUpOnOutOfRangeValuesNamingTheSetting(
        final String property, final String value, final String field) {
        runner.withPropertyValues(with(property + "=" + value)).run(context -> {
            assertThat(context).hasFailed();
            final Throwable invalid = rootCause(context.getStartupFailure(), BindValidationException.class);
            assertThat(invalid).isNotNull();
            assertThat(invalid.getMessage()).contains("on field '" + field + "'");
        });
    }

    @Test
    void shouldMapValidSettingsOntoTheHotPathRecords() {
        final Map<String, String> values = new HashMap<>();
        for (final String property : with("relay.feeds[1].destinations[0]=239.1.1.1:5000->239.255.7.9:6109")) {
            values.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
        }
        final RelayProperties properties = new Binder(new MapConfigurationPropertySource(values))
            .bind("relay", RelayProperties.class).get();
        final RelaySettings settings = RelaySettings.from(properties, new MockEnvironment());

        assertThat(settings.feeds()).hasSize(2);
        assertThat(settings.feeds().get(0).streamId()).isEqualTo(1001);
        assertThat(settings.feeds().get(1).streamId()).isEqualTo(1002);
        assertThat(settings.feeds().get(1).destinations().get(0).remapped()).isTrue();
        assertThat(settings.feeds().get(0).maxPayloadBytes()).isEqualTo(8472);
        assertThat(settings.feeds().get(0).allowedSources()).contains("10.0.0.0/8", "127.0.0.0/8");
        assertThat(settings.feeds().get(0).channel()).isEqualTo("aeron:ipc?term-length=8388608|mtu=8576");
        assertThat(settings.egress().networkInterface()).isEqualTo("lo");
        assertThat(settings.egress().feeds().get(1).destinations())
            .isEqualTo(settings.feeds().get(1).destinations());
        assertThat(settings.driverTimeouts()).as("Aeron's own defaults").isEqualTo(new RelaySettings.DriverTimeouts(
            10_000_000_000L, 5_000_000_000L, 10_000_000_000L));
    }

    private static String[] with(final String override) {
        final String key = override.substring(0, override.indexOf('='));
        final List<String> properties = new ArrayList<>();
        for (final String property : VALID) {
            if (!property.startsWith(key + "=")) {
                properties.add(property);
            }
        }
        properties.add(override);
        return properties.toArray(new String[0]);
    }

    private static Throwable rootCause(final Throwable failure, final Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return cause;
            }
        }
        return null;
    }
}
