package io.mcastrelay.egress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.Image;
import io.aeron.Subscription;
import io.mcastrelay.wire.RelayCounterTypes;
import io.mcastrelay.wire.RelayMeter;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Egress: for each feed, an {@link EgressAgent} that takes the feed's IPC stream and re-emits each payload, byte for
 * byte, as one UDP multicast datagram from the configured interface, many datagrams per {@code sendmmsg} call.
 *
 * <p>Who runs the agents ({@link EgressSettings#threading()}): by default each feed's ingress event loop, right after
 * it publishes ({@link #agent(String)} hands the agent to ingress), so a frame crosses no thread on its way and an
 * idle relay has no thread to wake; or, with {@code dedicated}, a thread per feed ({@code relay-egress-FEED}) under
 * an Agrona {@code AgentRunner} with the configured idle strategy. Either way no thread serves two feeds. Errors an
 * agent throws are counted ({@link #agentErrors()}) and logged at most once per 10 s; egress goes on.
 *
 * <p>Lifecycle, called from one control thread: {@link #start()}, {@link #awaitPosition} while draining, then
 * {@link #close()}. Counters and state may be read from any thread.
 */
public final class Egress implements EgressStatus, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Egress.class);
    private static final long ERROR_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final EgressSettings settings;
    private final Aeron aeron;
    private final EpochNanoClock clock;
    private final Map<String, EgressCounters> counters = new LinkedHashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final List<MulticastSender> senders = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicLong lastErrorLogNs = new AtomicLong(System.nanoTime() - ERROR_LOG_INTERVAL_NS);
    private final Map<String, MulticastSender> sendersByFeed = new LinkedHashMap<>();
    private volatile ProbeSender probes;
    private EgressInterface egressInterface;
    private Counter errors;
    private volatile boolean running;

    /**
     * Prepares egress; nothing runs until {@link #start()}.
     *
     * @param settings what to send from and where.
     * @param aeron    a connected Aeron client.
     */
    public Egress(final EgressSettings settings, final Aeron aeron) {
        this(settings, aeron, new OffsetEpochNanoClock());
    }

    /**
     * Prepares egress with the wall clock that ingress stamps with, so that latencies compare like with like.
     *
     * @param settings what to send from and where.
     * @param aeron    a connected Aeron client.
     * @param clock    the wall clock, ns since the epoch.
     */
    public Egress(final EgressSettings settings, final Aeron aeron, final EpochNanoClock clock) {
        this.settings = settings;
        this.aeron = aeron;
        this.clock = clock;
    }

    /**
     * Resolves the interface, opens one socket per feed, subscribes to each stream and builds each feed's agent; with
     * dedicated threads, starts them.
     *
     * @throws IllegalArgumentException if the interface does not exist.
     * @throws UncheckedIOException     if a socket cannot be opened.
     */
    public void start() {
        egressInterface = EgressInterface.resolve(settings.networkInterface());
        try {
            errors = aeron.addCounter(RelayCounterTypes.EGRESS, RelayMeter.EGRESS_AGENT_ERRORS.label());
            for (final EgressSettings.Feed feed : settings.feeds()) {
                final EgressCounters feedCounters = new EgressCounters(
                    aeron, feed.name(), feed.destinations(), feed.streamId());
                counters.put(feed.name(), feedCounters);
                final MulticastSender sender = new MulticastSender(egressInterface, settings, feedCounters, clock);
                senders.add(sender);
                sendersByFeed.put(feed.name(), sender);
                final Subscription subscription = aeron.addSubscription(feed.channel(), feed.streamId());
                subscriptions.put(feed.name(), subscription);
                final String roleName = "relay-egress-" + feed.name();
                final EgressAgent agent = new EgressAgent(
                    subscription, sender, feedCounters, settings.batchSize(), roleName, feed.sequence());
                agents.put(feed.name(), new CountedAgent(agent, errors, this::onError));
                LOG.info("feed={} egress from {} ({}) source {} ttl={} loopback={} to {}, {} datagrams per sendmmsg, "
                    + "run by {}", feed.name(), egressInterface.networkInterface().getName(),
                    egressInterface.address().getHostAddress(), sender.localAddress(), settings.ttl(),
                    settings.loopback(), feed.destinations(), settings.batchSize(),
                    settings.dedicatedThreads() ? "thread " + roleName + " (" + settings.idleStrategy() + ")"
                        : "the feed's ingress event loop");
            }
            running = true;
            if (settings.dedicatedThreads()) {
                startThreads();
            }
        } catch (final IOException ex) {
            close();
            throw new UncheckedIOException("egress cannot open its multicast socket on "
                + settings.networkInterface() + ": " + ex.getMessage(), ex);
        } catch (final RuntimeException ex) {
            close();
            throw ex;
        }
    }

    private void startThreads() {
        for (final Map.Entry<String, Agent> entry : agents.entrySet()) {
            final Agent agent = entry.getValue();
            final AgentRunner runner = new AgentRunner(
                idleStrategy(settings.idleStrategy()), this::onError, errors, agent);
            runners.add(runner);
            AgentRunner.startOnThread(runner, runnable -> {
                final Thread thread = new Thread(runnable, agent.roleName());
                thread.setDaemon(true);
                threads.add(thread);
                return thread;
            });
        }
    }

    /** Logs an agent's error, at most once per 10 s: the counter has them all. Any thread. */
    private void onError(final Throwable error) {
        final long now = System.nanoTime();
        final long last = lastErrorLogNs.get();
        if (now - last >= ERROR_LOG_INTERVAL_NS && lastErrorLogNs.compareAndSet(last, now)) {
            LOG.error("egress agent error, counted as relay.egress.agent.errors; egress goes on; further errors in the "
                + "next 10 s are only counted", error);
        }
    }

    /**
     * A feed's egress agent, for the feed's ingress event loop to run right after it publishes. Exceptions it
     * throws are counted and logged, not thrown.
     *
     * @param feed the feed's name.
     * @return the agent, or null if egress runs on dedicated threads (or has no such feed).
     */
    public Agent agent(final String feed) {
        return settings.dedicatedThreads() ? null : agents.get(feed);
    }

    static IdleStrategy idleStrategy(final String name) {
        return switch (name) {
            case "busy-spin" -> new BusySpinIdleStrategy();
            case "yielding" -> new YieldingIdleStrategy();
            case "sleeping" -> new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1));
            default -> new BackoffIdleStrategy(
                100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
        };
    }

    @Override
    public EgressInterface egressInterface() {
        return egressInterface;
    }

    @Override
    public boolean isRunning() {
        if (!running) {
            return false;
        }
        for (final AgentRunner runner : runners) {
            if (runner.isClosed()) {
                return false;
            }
        }
        for (final Thread thread : threads) {
            if (!thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A feed's counters.
     *
     * @param feed the feed's name.
     * @return its counters.
     */
    public EgressCounters counters(final String feed) {
        return counters.get(feed);
    }

    /**
     * Starts sending each feed's probes from its socket (docs/probes.md); after {@link #start()}.
     *
     * @param settings where, how often, and as whom.
     * @throws UncheckedIOException if the probe group cannot be resolved.
     */
    public void startProbes(final ProbeSettings settings) {
        try {
            probes = new ProbeSender(settings, clock);
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
        for (final Map.Entry<String, MulticastSender> feed : sendersByFeed.entrySet()) {
            probes.add(feed.getKey(), feed.getValue(), counters.get(feed.getKey()));
        }
        probes.start();
    }

    /** @return probes sent for the feed since start; -1 without probes. */
    public long probesSent(final String feed) {
        final ProbeSender current = probes;
        return current == null ? -1 : current.sent(feed);
    }

    /** @return probes of the feed its socket did not take; -1 without probes. */
    public long probeErrors(final String feed) {
        final ProbeSender current = probes;
        return current == null ? -1 : current.errors(feed);
    }

    /** @return the counter of errors the egress agent caught and survived; null before {@link #start()}. */
    public Counter agentErrors() {
        return errors;
    }

    /**
     * How far egress has sent a feed's stream.
     *
     * @param feed the feed's name.
     * @return the highest position among the stream's images, or -1 if none is connected.
     */
    public long position(final String feed) {
        long position = -1;
        for (final Image image : subscriptions.get(feed).images()) {
            position = Math.max(position, image.position());
        }
        return position;
    }

    /**
     * Waits until egress has sent a feed's stream up to a position.
     *
     * @param feed      the feed's name.
     * @param position  the publication position to reach.
     * @param timeoutNs how long to wait at most.
     * @return true if reached in time.
     */
    public boolean awaitPosition(final String feed, final long position, final long timeoutNs) {
        final long deadline = System.nanoTime() + timeoutNs;
        while (position(feed) < position) {
            if (System.nanoTime() - deadline >= 0 || !isRunning()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        CloseHelper.quietClose(probes);
        probes = null;
        CloseHelper.quietCloseAll(runners);
        CloseHelper.quietCloseAll(subscriptions.values());
        CloseHelper.quietCloseAll(senders);
        CloseHelper.quietCloseAll(counters.values());
        CloseHelper.quietClose(errors);
        subscriptions.clear();
        senders.clear();
        sendersByFeed.clear();
        runners.clear();
        threads.clear();
        agents.clear();
    }
}
