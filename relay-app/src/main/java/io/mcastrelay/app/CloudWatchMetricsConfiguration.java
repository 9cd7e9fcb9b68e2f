package io.mcastrelay.app;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;

/**
 * Publishes the relay's meters to Amazon CloudWatch when {@code relay.metrics.cloudwatch.enabled=true} (Spring Boot
 * 4 no longer configures CloudWatch itself). Adds a {@link CloudWatchMeterRegistry} beside the Prometheus one; with
 * two registries Spring Boot makes a {@code @Primary} composite of both, which is the registry
 * {@link RelayLifecycle} binds the relay's meters to once the relay has started, so they reach CloudWatch too. Only
 * this registry gets the static dimensions and the meter-name filter.
 *
 * <p>Credentials come from the AWS SDK's default chain: on ECS the task role. Publishing runs on Micrometer's
 * {@code cloudwatch-metrics-publisher} thread and one Netty thread, {@code relay-cloudwatch}, never on the relay's;
 * a failed publish is logged by Micrometer and never touches health.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "relay.metrics.cloudwatch", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(CloudWatchProperties.class)
public class CloudWatchMetricsConfiguration {
    /**
     * Bound on one PutMetricData call, retries included. The registry publishes a last time when the context
     * closes, before the relay drains: this keeps a SIGTERM within {@code ExitOnSignal}'s grace when CloudWatch is
     * unreachable.
     */
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(5);

    private static final String PREFIX = "relay.metrics.cloudwatch.";
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchMetricsConfiguration.class);

    @Bean
    Transport relayCloudWatchTransport(final CloudWatchProperties properties) {
        check(properties);
        return new Transport(SdkEventLoopGroup.builder()
            .numberOfThreads(1)
            .threadFactory(new DefaultThreadFactory("relay-cloudwatch", true))
            .build());
    }

    @Bean
    CloudWatchAsyncClient relayCloudWatchClient(final CloudWatchProperties properties, final Transport transport) {
        final CloudWatchAsyncClientBuilder builder = CloudWatchAsyncClient.builder()
            .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(transport.eventLoop()))
            .overrideConfiguration(override -> override.apiCallTimeout(API_CALL_TIMEOUT));
        if (properties.region() != null) {
            builder.region(Region.of(properties.region()));
        }
        if (properties.endpoint() != null) {
            builder.endpointOverride(properties.endpoint());
        }
        try {
            return builder.build();
        } catch (final SdkClientException ex) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "region", properties.region(),
                "the AWS SDK could not create a CloudWatch client (" + ex.getMessage() + "); set this property or "
                    + "AWS_REGION");
        }
    }

    @Bean
    CloudWatchMeterRegistry relayCloudWatchMeterRegistry(
        final CloudWatchProperties properties, final CloudWatchAsyncClient client, final ObjectProvider<Clock> clock) {
        final CloudWatchMeterRegistry registry = new CloudWatchMeterRegistry(
            new Config(properties.namespace(), properties.step(), properties.enabled()),
            clock.getIfAvailable(() -> Clock.SYSTEM), client);
        registry.config()
            .commonTags(tags(properties.dimensions()))
            .meterFilter(MeterFilter.denyUnless(id -> included(properties.include(), id.getName())));
        LOG.info("publishing meters {} to CloudWatch namespace {} every {} s, dimensions {}, region {}, endpoint {}",
            properties.include(), properties.namespace(), properties.step().toSeconds(), properties.dimensions(),
            properties.region() == null ? "from the SDK's default chain" : properties.region(),
            properties.endpoint() == null ? "the region's" : properties.endpoint());
        return registry;
    }

    /** What the annotations on {@link CloudWatchProperties} cannot say; checked before anything is created. */
    private static void check(final CloudWatchProperties properties) {
        if (properties.step().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "step", properties.step(),
                "must be at least 1s (CloudWatch's finest resolution)");
        }
        final URI endpoint = properties.endpoint();
        if (endpoint != null && (!endpoint.isAbsolute() || endpoint.getHost() == null
            || !("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme())))) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "endpoint", endpoint,
                "must be an http or https URL with a host, for example https://monitoring.us-east-1.amazonaws.com");
        }
    }

    private static boolean included(final List<String> prefixes, final String meterName) {
        for (final String prefix : prefixes) {
            if (meterName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static List<Tag> tags(final Map<String, String> dimensions) {
        final List<Tag> tags = new ArrayList<>();
        dimensions.forEach((name, value) -> tags.add(Tag.of(name, value)));
        return tags;
    }

    /**
     * The client's one Netty event loop, the relay's own: the SDK closes a loop it created with a 2 s quiet period and
     * waits up to 16 s, which on SIGTERM would add to the drain; this one stops at once, after the client (which
     * depends on it) has closed.
     *
     * @param eventLoop the loop the SDK's HTTP client runs on.
     */
    record Transport(SdkEventLoopGroup eventLoop) implements AutoCloseable {
        @Override
        public void close() {
            eventLoop.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS)
                .awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /**
     * Micrometer's view of the properties; {@code batchSize} keeps its default, CloudWatch's maximum of 1000 metric
     * data per request.
     */
    private record Config(String namespace, Duration step, boolean enabled) implements CloudWatchConfig {
        @Override
        public String get(final String key) {
            return null;
        }
    }
}
