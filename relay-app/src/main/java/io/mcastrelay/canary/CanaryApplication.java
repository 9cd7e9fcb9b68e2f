package io.mcastrelay.canary;

import java.util.Map;

import io.mcastrelay.app.CloudWatchMetricsConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * {@code relay-canary} (docs/probes.md): joins the relays' probe groups, and optionally feed groups, in a
 * customer-like VPC, and says per relay and feed whether the path delivers: Prometheus and CloudWatch meters
 * ({@code canary.*}) and a health endpoint. Its settings are {@code canary.*} in {@code canary.yml} (the relay's
 * {@code application.yml} is not read); CloudWatch takes the relay's {@code relay.metrics.cloudwatch.*}.
 */
@SpringBootApplication
@Import(CloudWatchMetricsConfiguration.class)
public class CanaryApplication {
    /**
     * Starts the canary.
     *
     * @param args Spring Boot arguments, for example {@code --canary.probe-groups=239.255.0.100:6999}.
     */
    public static void main(final String[] args) {
        final SpringApplication application = new SpringApplication(CanaryApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "canary"));
        application.run(args);
    }
}
