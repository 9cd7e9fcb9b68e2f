package io.mcastrelay.app;

import io.mcastrelay.health.CounterGuard;
import io.mcastrelay.health.RelayHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the relay: settings from properties, one lifecycle, its health indicator. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RelayProperties.class)
public class RelayConfiguration {
    @Bean
    RelaySettings relaySettings(final RelayProperties properties, final Environment environment) {
        return RelaySettings.from(properties, environment);
    }

    @Bean
    CounterGuard relayCounterGuard() {
        return new CounterGuard();
    }

    @Bean
    RelayLifecycle relayLifecycle(
        final RelaySettings settings, final CounterGuard guard, final ObjectProvider<MeterRegistry> meterRegistry) {
        return new RelayLifecycle(settings, guard, meterRegistry);
    }

    @Bean
    RelayHealthIndicator relayHealthIndicator(final RelayLifecycle lifecycle, final CounterGuard guard) {
        return new RelayHealthIndicator(lifecycle, guard);
    }
}
