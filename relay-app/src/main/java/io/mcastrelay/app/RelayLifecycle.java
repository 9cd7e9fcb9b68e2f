package io.mcastrelay.app;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.TimeoutException;
import io.mcastrelay.egress.Egress;
import io.mcastrelay.ingress.FeedSettings;
import io.mcastrelay.ingress.IngressServer;
import io.mcastrelay.health.CounterGuard;
import io.mcastrelay.health.LatencyMeterBinder;
import io.mcastrelay.health.RelayMeterBinder;
import io.mcastrelay.health.RelayView;
import io.mcastrelay.wire.MeteredCounter;
import io.mcastrelay.wire.RelayMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * The relay's one lifecycle. Start: media driver, Aeron client, egress, ingress. Stop (SIGTERM): health goes down,
 * ingress stops accepting and lets go of its connections once it has published what it read, egress sends the
 * rest, then everything closes in reverse. Runs on Spring's startup and shutdown threads only.
 *
 * <p>Losing the media driver (the client gives up after {@code relay.aeron.driver-timeout}) ends the Aeron client,
 * and with it every publication, subscription and counter. With an external driver (restarted by the host) the relay
 * recovers in-process: readiness goes DOWN at once, ingress closes every connection (senders reconnect and resend
 * what was not acknowledged), egress and the client close, and once a driver answers in the directory again the
 * relay connects a new client, opens egress and ingress again, re-registers its meters (counters start from 0) and
 * readiness comes back UP. An embedded driver cannot be lost on its own; if it is, the process stops as on SIGTERM
 * and exits with {@value #EXIT_DRIVER_LOST} for the orchestrator to start it again. Transitions (start, stop,
 * recovery) are serialised on one lock; health and meters read the current components through volatile fields
 * and the {@link CounterGuard}. Longer than most files: start, drain, stop and recovery are one state machine and
 * read best together.
 */
final class RelayLifecycle implements SmartLifecycle, RelayView {
    /** Starts after the health server, stops before it, so the health endpoint reports the drain. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    /** The exit status when the media driver is lost: EX_TEMPFAIL, a temporary failure; start the relay again. */
    static final int EXIT_DRIVER_LOST = 75;

    /** How often the driver checks its timeouts (Aeron's default is 1 s): fine enough for sub-second ones. */
    private static final long TIMER_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Aeron's default; it must exceed the client liveness timeout, so it grows with a longer one. */
    private static final long PUBLICATION_UNBLOCK_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(15);

    /** How often recovery looks for a live media driver. */
    private static final long RECOVERY_POLL_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final Logger LOG = LoggerFactory.getLogger(RelayLifecycle.class);

    private final RelaySettings settings;
    private final CounterGuard guard;
    private final ObjectProvider<MeterRegistry> meterRegistry;
    private final OffsetEpochNanoClock clock = new OffsetEpochNanoClock();
    private final Object transitions = new Object();
    private MediaDriver driver;
    private volatile Aeron aeron;
    private volatile Egress egress;
    private volatile IngressServer ingress;
    private volatile RecoveryService recovery;
    /** Which client is current; errors of an older one are only counted. */
    private volatile int generation;
    private final AtomicLong aeronClientErrors = new AtomicLong();
    private volatile boolean running;
    private final AtomicBoolean driverLost = new AtomicBoolean();

    RelayLifecycle(
        final RelaySettings settings, final CounterGuard guard, final ObjectProvider<MeterRegistry> meterRegistry) {
        this.settings = settings;
        this.guard = guard;
        this.meterRegistry = meterRegistry;
    }

    @Override
    public void start() {
        synchronized (transitions) {
            startRunning();
        }
    }

    /** Under the transitions lock, so that a driver lost while starting is recovered from once started. */
    private void startRunning() {
        LOG.info("starting relay: feeds={} egress={} aeron.dir={} embedded-driver={}", settings.feeds(),
            settings.egress(), settings.aeronDirectory(), settings.embeddedDriver());
        try {
            if (settings.embeddedDriver()) {
                driver = launchDriver();
            }
            open();
        } catch (final RuntimeException ex) {
            closeAll();
            throw ex;
        }
        final MeterRegistry registry = meterRegistry.getIfAvailable();
        if (registry != null) {
            bindMeters(registry);
            FunctionCounter.builder("relay.aeron.client.errors", aeronClientErrors, AtomicLong::get)
                .description("Errors the Aeron client reported, including exceptions thrown while polling")
                .register(registry);
        }
        running = true;
        LOG.info("relay running");
    }

    /** Connects a client to the driver and starts egress, then ingress, on it; on failure closes what it opened. */
    private void open() {
        final int current = generation + 1;
        generation = current;
        try {
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(settings.aeronDirectory())
                .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(settings.driverTimeoutNs()))
                .errorHandler(error -> onAeronError(error, current)));
            egress = new Egress(settings.egress(), aeron, clock);
            egress.start();
            if (settings.probes() != null) {
                egress.startProbes(settings.probes());
            }
            final Map<String, Agent> egressOnEventLoops = new HashMap<>();
            for (final FeedSettings feed : settings.feeds()) {
                final Agent agent = egress.agent(feed.name());
                if (agent != null) {
                    egressOnEventLoops.put(feed.name(), agent);
                }
            }
            ingress = new IngressServer(
                settings.feeds(), aeron, clock, settings.backPressureRetryNs(), settings.receiveBufferBytes(),
                settings.ackIntervalNs(), egressOnEventLoops);
            ingress.start();
            if (settings.recovery() != null) {
                recovery = RecoveryService.start(settings.recovery(), aeron);
            }
        } catch (final RuntimeException ex) {
            closeComponents();
            throw ex;
        }
    }

    private void bindMeters(final MeterRegistry registry) {
        new RelayMeterBinder(this::meters, guard, clock::nanoTime).bindTo(registry);
        for (final FeedSettings feed : settings.feeds()) {
            new LatencyMeterBinder(feed.name(), egress.counters(feed.name()).latency(), System::nanoTime)
                .bindTo(registry);
        }
        if (recovery != null) {
            recovery.bindMeters(registry);
        }
        if (settings.probes() != null) {
            for (final FeedSettings feed : settings.feeds()) {
                FunctionCounter.builder("relay.probes.sent", egress, e -> e.probesSent(feed.name()))
                    .tag("feed", feed.name()).description("Probe datagrams sent for the feed (docs/probes.md)")
                    .register(registry);
                FunctionCounter.builder("relay.probes.errors", egress, e -> e.probeErrors(feed.name()))
                    .tag("feed", feed.name()).description("Probe datagrams of the feed its socket did not take")
                    .register(registry);
            }
        }
    }

    /** Removes the meters over the components' counters (relay.ingress.*, relay.egress.*, relay.recovery.*). */
    private static void unbindMeters(final MeterRegistry registry) {
        for (final Meter meter : registry.getMeters()) {
            final String name = meter.getId().getName();
            if (name.startsWith("relay.ingress.") || name.startsWith("relay.egress.") ||
                name.startsWith("relay.recovery.") || name.startsWith("relay.probes.")) {
                registry.remove(meter);
            }
        }
    }

    /**
     * Errors the Aeron client reports: its conductor's (driver gone, registration refused) and any exception a
     * fragment handler threw inside a poll, which Aeron catches, reports here and skips. Counted and logged; a
     * timeout of the current client means the driver is lost.
     */
    private void onAeronError(final Throwable error, final int client) {
        aeronClientErrors.incrementAndGet();
        LOG.error("aeron client error (counted as relay.aeron.client.errors)", error);
        if (error instanceof TimeoutException && client == generation) {
            onDriverLost(error);
        }
    }

    /** The client timed out on the driver (or the driver on it): it has closed itself and cannot be used again. */
    private void onDriverLost(final Throwable error) {
        if (!driverLost.compareAndSet(false, true)) {
            return;
        }
        if (!settings.embeddedDriver()) {
            LOG.error("aeron media driver lost ({}): readiness is DOWN; closing every connection and waiting for a "
                + "media driver in {}", error.getMessage(), settings.aeronDirectory());
            final Thread recovery = new Thread(this::recover, "relay-driver-recovery");
            recovery.setDaemon(true);
            recovery.start();
        } else if (ExitOnSignal.installed()) {
            LOG.error("aeron media driver lost ({}): readiness is DOWN; stopping and exiting with status {} so that "
                + "the orchestrator starts the relay again", error.getMessage(), EXIT_DRIVER_LOST);
            ExitOnSignal.exit(EXIT_DRIVER_LOST);
        } else {
            LOG.error("aeron media driver lost ({}): readiness is DOWN; stop and start the relay", error.getMessage());
        }
    }

    /** On its own thread: closes the lost client's components, waits for a driver, opens them again. */
    private void recover() {
        final MeterRegistry registry = meterRegistry.getIfAvailable();
        synchronized (transitions) {
            if (!running) {
                return;
            }
            guard.swap(() -> {
                if (registry != null) {
                    unbindMeters(registry);
                }
                closeComponents();
            });
        }
        final long lostNs = System.nanoTime();
        while (running) {
            if (driverActive()) {
                synchronized (transitions) {
                    if (!running) {
                        return;
                    }
                    try {
                        open();
                        if (registry != null) {
                            bindMeters(registry);
                        }
                        driverLost.set(false);
                        LOG.info("relay running again on the media driver in {}, {} ms after it was lost",
                            settings.aeronDirectory(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostNs));
                        return;
                    } catch (final RuntimeException ex) {
                        LOG.warn("cannot use the media driver in {} yet: {}", settings.aeronDirectory(), ex.toString());
                    }
                }
            }
            LockSupport.parkNanos(RECOVERY_POLL_NS);
        }
    }

    private boolean driverActive() {
        final File directory = new File(settings.aeronDirectory());
        return new File(directory, CncFileDescriptor.CNC_FILE).exists() && CommonContext.isDriverActive(
            directory, TimeUnit.NANOSECONDS.toMillis(settings.driverTimeoutNs()), message -> { });
    }

    private MediaDriver launchDriver() {
        final String directory = settings.aeronDirectory();
        if (new File(directory).exists() && CommonContext.isDriverActive(
            new File(directory), TimeUnit.NANOSECONDS.toMillis(settings.driverTimeoutNs()), message -> { })) {
            throw new IllegalStateException("an Aeron media driver is already running in " + directory
                + "; set relay.aeron.embedded-driver=false to use it, or set relay.aeron.directory to another path");
        }
        final RelaySettings.DriverTimeouts timeouts = settings.driverTimeouts();
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new DriverIdleStrategy(settings.recovery() != null
                ? DriverIdleStrategy.MIN_PARK_NS : DriverIdleStrategy.MAX_PARK_NS))
            // Name resolution and the driver's other slow tasks run on the driver's thread, not a thread that polls.
            .asyncExecutorEnabled(false)
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(settings.driverTimeoutNs()))
            .timerIntervalNs(TIMER_INTERVAL_NS)
            .clientLivenessTimeoutNs(timeouts.clientLivenessTimeoutNs())
            .publicationUnblockTimeoutNs(Math.max(PUBLICATION_UNBLOCK_TIMEOUT_NS,
                timeouts.clientLivenessTimeoutNs() + TimeUnit.SECONDS.toNanos(5)))
            .untetheredWindowLimitTimeoutNs(timeouts.untetheredWindowLimitTimeoutNs())
            .untetheredRestingTimeoutNs(timeouts.untetheredRestingTimeoutNs()));
    }

    private List<MeteredCounter> meters() {
        final List<MeteredCounter> all = new ArrayList<>();
        for (final FeedSettings feed : settings.feeds()) {
            all.addAll(ingress.counters(feed.name()).meters());
            all.addAll(egress.counters(feed.name()).meters());
        }
        all.add(MeteredCounter.of(RelayMeter.EGRESS_AGENT_ERRORS, egress.agentErrors()));
        return all;
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        synchronized (transitions) {
            stopRunning();
        }
    }

    private void stopRunning() {
        if (driverLost.get()) {
            LOG.warn("stopping relay: the media driver is lost, so nothing can be drained; closing connections");
            guard.close(this::closeAll);
            LOG.info("relay stopped");
            return;
        }
        if (settings.readinessGraceNs() > 0) {
            LOG.info("stopping relay: readiness is DOWN; still relaying for {} ms (relay.shutdown.readiness-grace)",
                TimeUnit.NANOSECONDS.toMillis(settings.readinessGraceNs()));
            LockSupport.parkNanos(settings.readinessGraceNs());
        }
        final long deadline = System.nanoTime() + settings.drainTimeoutNs();
        LOG.info("stopping relay: no new connections; draining accepted frames to egress (at most {} ms)",
            TimeUnit.NANOSECONDS.toMillis(settings.drainTimeoutNs()));
        ingress.stopAccepting();
        ingress.disconnectAll();
        boolean drained = ingress.awaitDrained(Math.max(0, deadline - System.nanoTime()));
        for (final FeedSettings feed : settings.feeds()) {
            final long published = ingress.publication(feed.name()).position();
            drained &= egress.awaitPosition(feed.name(), published, Math.max(0, deadline - System.nanoTime()));
        }
        if (drained) {
            LOG.info("relay drained: every accepted frame was sent");
        } else {
            LOG.warn("relay did not drain within {} ms (relay.shutdown.drain-timeout); exiting anyway",
                TimeUnit.NANOSECONDS.toMillis(settings.drainTimeoutNs()));
        }
        guard.close(this::closeAll);
        LOG.info("relay stopped");
    }

    private void closeComponents() {
        CloseHelper.quietCloseAll(recovery, ingress, egress, aeron);
        recovery = null;
        ingress = null;
        egress = null;
        aeron = null;
    }

    private void closeAll() {
        closeComponents();
        CloseHelper.quietClose(driver);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public IngressServer ingress() {
        return ingress;
    }

    @Override
    public Egress egress() {
        return egress;
    }

    @Override
    public Map<String, Object> recoveryDetails() {
        final RecoveryService current = recovery;
        return current == null ? Map.of() : current.details();
    }

    /** @return the replay port bound, or -1 without recovery. */
    public int replayPort() {
        final RecoveryService current = recovery;
        return current == null ? -1 : current.replayPort();
    }

    @Override
    public boolean driverAlive() {
        final Aeron client = aeron;
        if (client == null || client.isClosed()) {
            return false;
        }
        return client.context().isDriverActive(client.context().driverTimeoutMs(), message -> { });
    }

    @Override
    public boolean running() {
        return running && !driverLost.get();
    }

    @Override
    public boolean recovering() {
        return running && driverLost.get();
    }
}
