package io.mcastrelay.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The relay's entry point. SIGTERM and SIGINT close the context (stop accepting, drain, exit) and the process exits
 * with status 0, as ECS and Docker expect of a clean stop.
 */
@SpringBootApplication
public class RelayApplication {
    /**
     * Starts the relay.
     *
     * @param args Spring Boot arguments, for example {@code --relay.egress.network-interface=eth0}.
     */
    public static void main(final String[] args) {
        final SpringApplication application = new SpringApplication(RelayApplication.class);
        application.setRegisterShutdownHook(false);
        final ConfigurableApplicationContext context = application.run(args);
        final RelaySettings settings = context.getBean(RelaySettings.class);
        ExitOnSignal.install(context, settings.readinessGraceNs() + settings.drainTimeoutNs());
    }
}
