package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.mcastrelay.testing.FakeCloudWatch;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * The CloudWatch export's wiring with Spring Boot's own metrics auto-configuration: off by default; when on, a
 * registry beside Prometheus under Boot's composite, with the static dimensions and the name filter on it alone; one
 * failing context per bad setting. With the export on, the registry publishes once when the context closes: to a
 * fake CloudWatch on loopback, with test credentials.
 */
@Timeout(30)
class CloudWatchMetricsConfigurationTest {
    private static FakeCloudWatch cloudWatch;
    private static AutoCloseable credentials;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class))
        .withUserConfiguration(CloudWatchMetricsConfiguration.class);

    @BeforeAll
    static void startFakeCloudWatch() throws Exception {
        credentials = FakeCloudWatch.useTestCredentials();
        cloudWatch = new FakeCloudWatch();
    }

    @AfterAll
    static void stopFakeCloudWatch() throws Exception {
        cloudWatch.close();
        credentials.close();
    }

    private ApplicationContextRunner enabled(final String... properties) {
        return runner.withPropertyValues(
                "relay.metrics.cloudwatch.enabled=true",
                "relay.metrics.cloudwatch.region=us-east-1",
                "relay.metrics.cloudwatch.endpoint=" + cloudWatch.endpoint())
            .withPropertyValues(properties);
    }

    @Test
    void shouldLeaveTheExportOffByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed()
                .doesNotHaveBean(CloudWatchMeterRegistry.class)
                .doesNotHaveBean(CloudWatchAsyncClient.class)
                .doesNotHaveBean(CloudWatchProperties.class);
            assertThat(context.getBean(MeterRegistry.class)).isInstanceOf(PrometheusMeterRegistry.class);
        });
        runner.withPropertyValues("relay.metrics.cloudwatch.enabled=false", "relay.metrics.cloudwatch.step=0s")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CloudWatchMeterRegistry.class));
    }

    @Test
    void shouldApplyTheDefaults() {
        enabled().run(context -> {
            final CloudWatchProperties properties = context.getBean(CloudWatchProperties.class);
            assertThat(properties.namespace()).isEqualTo("McastRelay");
            assertThat(properties.step()).isEqualTo(Duration.ofMinutes(1));
            assertThat(properties.dimensions()).isEmpty();
            assertThat(properties.include()).containsExactly("relay.");
        });
    }

    @Test
    void shouldAddCloudWatchBesidePrometheusUnderBootsCompositeWithDimensionsAndFilterOnCloudWatchOnly() {
        enabled("relay.metrics.cloudwatch.dimensions.service=relay-unit").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CloudWatchMeterRegistry.class);
            final MeterRegistry primary = context.getBean(MeterRegistry.class);
            assertThat(primary).isInstanceOf(CompositeMeterRegistry.class);
            assertThat(((CompositeMeterRegistry)primary).getRegistries()).containsExactlyInAnyOrder(
                context.getBean(CloudWatchMeterRegistry.class), context.getBean(PrometheusMeterRegistry.class));

            primary.counter("relay.unit.frames", "feed", "alpha").increment();
            primary.counter("jvm.unit.other").increment();

            final CloudWatchMeterRegistry cloudWatchRegistry = context.getBean(CloudWatchMeterRegistry.class);
            assertThat(cloudWatchRegistry.find("relay.unit.frames").tag("feed", "alpha").tag("service", "relay-unit")
                .counter()).isNotNull();
            assertThat(cloudWatchRegistry.find("jvm.unit.other").meter()).as("filtered out").isNull();
            final PrometheusMeterRegistry prometheus = context.getBean(PrometheusMeterRegistry.class);
            assertThat(prometheus.find("jvm.unit.other").counter()).isNotNull();
            assertThat(prometheus.get("relay.unit.frames").counter().getId().getTag("service")).isNull();
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "step     | 0s                  | must be at least 1s",
        "step     | 500ms               | must be at least 1s",
        "endpoint | ftp://127.0.0.1:21  | must be an http or https URL",
        "endpoint | monitoring          | must be an http or https URL",
    })
    void shouldStopStartUpNamingTheBadSetting(final String property, final String value, final String reason) {
        enabled("relay.metrics.cloudwatch." + property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            final InvalidConfigurationPropertyValueException invalid = rootCause(
                context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
            assertThat(invalid).as("failure names the property").isNotNull();
            assertThat(invalid.getName()).isEqualTo("relay.metrics.cloudwatch." + property);
            assertThat(invalid.getReason()).contains(reason);
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "namespace         | ''          | namespace",
        "namespace         | AWS/EC2     | namespace",
        "namespace         | a*b         | namespace",
        "region            | Mars        | region",
        "include           | ''          | include",
        "dimensions.cluster | ''         | dimensions[cluster]",
    })
    void shouldStopStartUpOnValuesOutsideTheirConstraintsNamingTheSetting(
        final String property, final String value, final String field) {
        enabled("relay.metrics.cloudwatch." + property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            final BindValidationException invalid = rootCause(
                context.getStartupFailure(), BindValidationException.class);
            assertThat(invalid).isNotNull();
            assertThat(invalid.getMessage()).contains("relay.metrics.cloudwatch").contains("on field '" + field);
        });
    }

    @Test
    void shouldStopStartUpNamingTheRegionWhenTheSdkFindsNone() {
        assumeTrue(System.getenv("AWS_REGION") == null, "AWS_REGION is set in this environment");
        final String configFile = System.getProperty("aws.configFile");
        System.setProperty("aws.configFile", "/nonexistent/relay-test/aws-config");
        try {
            runner.withPropertyValues("relay.metrics.cloudwatch.enabled=true",
                "relay.metrics.cloudwatch.endpoint=" + cloudWatch.endpoint()).run(context -> {
                    final InvalidConfigurationPropertyValueException invalid = rootCause(
                        context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
                    assertThat(invalid).isNotNull();
                    assertThat(invalid.getName()).isEqualTo("relay.metrics.cloudwatch.region");
                    assertThat(invalid.getReason()).contains("AWS_REGION");
                });
        } finally {
            if (configFile == null) {
                System.clearProperty("aws.configFile");
            } else {
                System.setProperty("aws.configFile", configFile);
            }
        }
    }

    @Test
    void shouldBindTheEnvironmentVariablesOfAnEcsTaskDefinition() {
        final SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "RELAY_METRICS_CLOUDWATCH_ENABLED", "true",
                "RELAY_METRICS_CLOUDWATCH_NAMESPACE", "McastRelay/prod",
                "RELAY_METRICS_CLOUDWATCH_STEP", "30s",
                "RELAY_METRICS_CLOUDWATCH_ENDPOINT", "https://monitoring.eu-west-1.amazonaws.com",
                "RELAY_METRICS_CLOUDWATCH_DIMENSIONS_CLUSTER", "md-euw1",
                "RELAY_METRICS_CLOUDWATCH_DIMENSIONS_SERVICE", "mcast-relay",
                "RELAY_METRICS_CLOUDWATCH_DIMENSIONS_ECS_TASK", "relay-a",
                "RELAY_METRICS_CLOUDWATCH_INCLUDE", "relay.,jvm.memory.used"));
        final CloudWatchProperties properties = new Binder(ConfigurationPropertySources.from(environment))
            .bind("relay.metrics.cloudwatch", CloudWatchProperties.class).get();

        assertThat(properties.enabled()).isTrue();
        assertThat(properties.namespace()).isEqualTo("McastRelay/prod");
        assertThat(properties.step()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.region()).isNull();
        assertThat(properties.endpoint()).isEqualTo(URI.create("https://monitoring.eu-west-1.amazonaws.com"));
        assertThat(properties.dimensions()).as("an underscore after DIMENSIONS_ becomes a dot").isEqualTo(
            Map.of("cluster", "md-euw1", "service", "mcast-relay", "ecs.task", "relay-a"));
        assertThat(properties.include()).isEqualTo(List.of("relay.", "jvm.memory.used"));
    }

    private static <T extends Throwable> T rootCause(final Throwable failure, final Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
