package io.mcastrelay.app;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The CloudWatch export of the relay's meters, under {@code relay.metrics.cloudwatch.*}; off by default.
 * Bound and checked only when {@code enabled} is true ({@link CloudWatchMetricsConfiguration}), so a disabled
 * export never stops start-up. {@code docs/metrics.md} (section CloudWatch) explains each setting.
 *
 * @param enabled    true to publish meters to CloudWatch with PutMetricData.
 * @param namespace  the CloudWatch namespace: 1 to 255 of letters, digits and {@code . - _ / # :} or space, not
 *                   starting with {@code AWS/}.
 * @param step       how often meters are published, at least 1 s; below one minute they are sent as
 *                   high-resolution metrics (storage resolution 1 s). Counters send what they counted in the step.
 * @param region     the AWS region, for example {@code eu-west-1}; unset uses the SDK's default region chain
 *                   ({@code aws.region}, {@code AWS_REGION}, the profile, then instance metadata).
 * @param endpoint   overrides the CloudWatch endpoint (a VPC interface endpoint's DNS name, or a test server);
 *                   unset uses the region's public endpoint.
 * @param dimensions static dimensions added to every metric sent, for example {@code cluster}, {@code service};
 *                   they are common tags of the CloudWatch registry only (Prometheus does not see them). At most
 *                   27, so that with a relay meter's own tags (feed, group, port) a metric stays within
 *                   CloudWatch's 30 dimensions.
 * @param include    meter-name prefixes to send; a meter whose name starts with none of them is not sent.
 *                   CloudWatch charges per metric (each name and set of dimension values), so the default sends
 *                   the relay's own meters only and keeps JVM, Netty, process and HTTP meters local.
 */
@Validated
@ConfigurationProperties("relay.metrics.cloudwatch")
public record CloudWatchProperties(
    @DefaultValue("false") boolean enabled,
    @NotBlank @Size(max = 255) @Pattern(regexp = "(?!AWS/)[A-Za-z0-9.\\-_/#: ]+",
        message = "must consist of letters, digits and . - _ / # : or space and not start with AWS/")
    @DefaultValue("McastRelay") String namespace,
    @NotNull @DefaultValue("1m") Duration step,
    @Pattern(regexp = "[a-z]+(-[a-z]+)+-[0-9]+", message = "must be a region code such as us-east-1") String region,
    URI endpoint,
    @NotNull @Size(max = 27) @DefaultValue Map<@NotBlank String, @NotBlank String> dimensions,
    @NotEmpty @DefaultValue("relay.") List<@NotBlank String> include) {
}
