package io.mcastrelay.egress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.Image;
import io.aeron.Subscription;
import io.mcastrelay.wire.RelayCounterTypes;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Egress: subscribes to every feed's IPC stream and re-emits each payload, byte for byte, as one UDP multicast
 * datagram from the configured interface, on a thread of its own.
 *
 * <p>Lifecycle, called from one control thread: {@link #start()}, {@link #awaitPosition} while draining, then
 * {@link #close()}. Counters and state may be read from any thread.
 */
public final class Egress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Egress.class);

    private final EgressSettings settings;
    private final Aeron aeron;
    private final EpochNanoClock clock;
    private final Map<String, EgressCounters> counters = new LinkedHashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final List<MulticastSender> senders = new ArrayList<>();
    private EgressInterface egressInterface;
    private Counter errors;
    private volatile AgentRunner runner;
    private volatile Thread agentThread;

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
     * Resolves the interface, opens one socket per feed, subscribes to each stream and starts the egress thread.
     *
     * @throws IllegalArgumentException if the interface does not exist.
     * @throws UncheckedIOException     if a socket cannot be opened.
     */
    public void start() {
        egressInterface = EgressInterface.resolve(settings.networkInterface());
        try {
            errors = aeron.addCounter(RelayCounterTypes.EGRESS, "relay.egress.agent.errors");
            final int feedCount = settings.feeds().size();
            final Subscription[] polled = new Subscription[feedCount];
            final MulticastAdapter[] adapters = new MulticastAdapter[feedCount];
            final AtomicCounter[] sentPositions = new AtomicCounter[feedCount];
            for (int i = 0; i < feedCount; i++) {
                final EgressSettings.Feed feed = settings.feeds().get(i);
                final EgressCounters feedCounters = new EgressCounters(
                    aeron, feed.name(), feed.destinations(), feed.streamId());
                sentPositions[i] = feedCounters.sentPosition();
                counters.put(feed.name(), feedCounters);
                final MulticastSender sender = new MulticastSender(
                    egressInterface, settings, feed.destinations(), feedCounters);
                senders.add(sender);
                polled[i] = aeron.addSubscription(feed.channel(), feed.streamId());
                subscriptions.put(feed.name(), polled[i]);
                adapters[i] = new MulticastAdapter(sender, feedCounters, clock);
                LOG.info("feed={} egress from {} ({}) source {} ttl={} loopback={} to {}", feed.name(),
                    egressInterface.networkInterface().getName(), egressInterface.address().getHostAddress(),
                    sender.localAddress(), settings.ttl(), settings.loopback(), feed.destinations());
            }
            final EgressAgent agent = new EgressAgent(polled, adapters, sentPositions, settings.fragmentLimit(),
                "relay-egress" + counters.keySet());
            final ErrorHandler errorHandler = ex -> LOG.error("egress agent error, counted; egress goes on", ex);
            runner = new AgentRunner(idleStrategy(settings.idleStrategy()), errorHandler, errors, agent);
            AgentRunner.startOnThread(runner, runnable -> {
                final Thread thread = new Thread(runnable, "relay-egress");
                thread.setDaemon(true);
                agentThread = thread;
                return thread;
            });
        } catch (final IOException ex) {
            close();
            throw new UncheckedIOException("egress cannot open its multicast socket on "
                + settings.networkInterface() + ": " + ex.getMessage(), ex);
        } catch (final RuntimeException ex) {
            close();
            throw ex;
        }
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

    /** @return the interface datagrams leave from; null before {@link #start()}. */
    public EgressInterface egressInterface() {
        return egressInterface;
    }

    /**
     * Whether the egress thread is running. Checks the thread egress started rather than {@link AgentRunner#thread()},
     * which stays null until the new thread has begun to run.
     *
     * @return true from the return of {@link #start()} until {@link #close()} or the thread's death.
     */
    public boolean isRunning() {
        final AgentRunner current = runner;
        final Thread thread = agentThread;
        return current != null && !current.isClosed() && thread != null && thread.isAlive();
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
        CloseHelper.quietClose(runner);
        CloseHelper.quietCloseAll(subscriptions.values());
        CloseHelper.quietCloseAll(senders);
        CloseHelper.quietCloseAll(counters.values());
        CloseHelper.quietClose(errors);
        subscriptions.clear();
        senders.clear();
    }
}
