package io.mcastrelay.app;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Makes SIGTERM and SIGINT an orderly stop with exit status 0, within a bound. The JVM runs shutdown hooks on those
 * signals but then exits with 143 or 130, which orchestrators read as a crash. This hook closes the context (stop
 * accepting, drain, close) and then halts with 0; if closing hangs past the drain timeout plus a grace period, it
 * halts with 1 instead. Installed when the context has started (before readiness can turn UP), so a failed start
 * keeps its non-zero status.
 * It replaces Spring's own shutdown hook, which {@link RelayApplication} turns off: with two hooks closing one
 * context, the second returns at once while the first is still draining.
 *
 * <p>{@link #exit(int)} is the relay's own way out with a status other than 0, for a fault it cannot recover from
 * in-process (the external media driver lost): the same orderly stop, then that status.
 */
final class ExitOnSignal implements ApplicationListener<ApplicationStartedEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ExitOnSignal.class);
    private static final long GRACE_NS = TimeUnit.SECONDS.toNanos(10);
    private static volatile boolean installed;
    private static volatile int exitStatus;

    /**
     * Stops the relay as on SIGTERM and exits with the status, if this is the relay's own process (the hook is
     * installed); in a test's JVM it does nothing.
     *
     * @param status the exit status.
     * @return whether the exit was started.
     */
    static boolean exit(final int status) {
        if (!installed) {
            return false;
        }
        exitStatus = status;
        final Thread exit = new Thread(() -> System.exit(status), "relay-exit");
        exit.start();
        return true;
    }

    /** @return whether this is the relay's own process, where {@link #exit(int)} exits. */
    static boolean installed() {
        return installed;
    }

    @Override
    public void onApplicationEvent(final ApplicationStartedEvent event) {
        final ConfigurableApplicationContext context = event.getApplicationContext();
        final RelaySettings settings = context.getBean(RelaySettings.class);
        install(context, settings.readinessGraceNs() + settings.drainTimeoutNs());
    }

    private static void install(final ConfigurableApplicationContext context, final long shutdownBoundNs) {
        installed = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            final Thread watchdog = new Thread(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(shutdownBoundNs + GRACE_NS);
                    LOG.error("shutdown did not finish within readiness-grace + drain-timeout + 10 s; halting");
                    Runtime.getRuntime().halt(1);
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, "relay-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            context.close();
            Runtime.getRuntime().halt(exitStatus);
        }, "relay-shutdown"));
    }
}
