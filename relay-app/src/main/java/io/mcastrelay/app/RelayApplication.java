package io.mcastrelay.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The relay's entry point. SIGTERM and SIGINT close the context (stop accepting, drain, exit) and the process exits
 * with status 0, as ECS and Docker expect of a clean stop. The hook that does so is installed once the context has
 * started, before readiness can turn UP, so there is no moment when the relay is ready but a SIGTERM would skip the
 * drain; a start that fails keeps its non-zero status.
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
        application.addListeners(new ExitOnSignal());
        application.run(args);
    }
}
