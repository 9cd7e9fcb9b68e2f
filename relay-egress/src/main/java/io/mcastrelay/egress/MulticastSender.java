package io.mcastrelay.egress;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.List;

import io.mcastrelay.wire.Ipv4;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One feed's multicast socket: a non-blocking UDP socket bound to the egress interface's address, with
 * IP_MULTICAST_IF, TTL and loopback set once, that sends a {@link DatagramBatch} with as few {@code sendmmsg} calls
 * as the kernel allows, straight from the Aeron term buffer. Counts each datagram sent per destination and records
 * its latency.
 *
 * <p>A batch stops early, and {@link #stalled()} says so, when the socket buffer is full ({@code EAGAIN}, counted
 * once per episode as {@code send.buffer.full}) or when the network refuses for a while ({@link SendError#retried()}:
 * the interface is down, the route is gone): the caller keeps the rest in the stream and offers it again, so the
 * stream, and through it ingress and TCP, hold everything until the network takes it; nothing accepted is lost. Such
 * an episode is counted once per reason and logged when it starts and when it ends; while it lasts the socket is
 * tried at most once per {@link #RETRY_INTERVAL_NS}. Any other error skips that one datagram, counted by reason.
 *
 * <p>Egress only (the thread that runs the feed's {@link EgressAgent}). Allocates nothing per datagram.
 */
final class MulticastSender implements AutoCloseable {
    /** While the network refuses, how often the same datagram is tried again. */
    static final long RETRY_INTERVAL_NS = 1_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(MulticastSender.class);
    private static final long ERROR_LOG_INTERVAL_NS = 10_000_000_000L;
    private static final long NO_DESTINATION = -1;

    private final DatagramChannel channel;
    private final int fd;
    private final EgressCounters counters;
    private final EpochNanoClock clock;
    private final Sendmmsg sendmmsg = new Sendmmsg();
    /** VPC-side destination key to the index of its {@code sockaddr_in} and counters. */
    private final Long2LongHashMap destinationIndexes = new Long2LongHashMap(NO_DESTINATION);
    /** Holds the destinations' {@code struct sockaddr_in}, which {@link #sockaddrs} only addresses. */
    private final MemorySegment sockaddrMemory;
    private final UnsafeBuffer sockaddrs;
    private final EgressCounters.PerDestination[] destinationCounters;
    private long lastErrorLogNs = System.nanoTime() - ERROR_LOG_INTERVAL_NS;
    private boolean stalled;
    private boolean bufferFull;
    /** Why the network refuses the current datagram; null while sends go. */
    private SendError blockedBy;
    private long blockedSinceNs;
    private long lastAttemptNs;
    private long attempts;

    MulticastSender(
        final EgressInterface egressInterface,
        final EgressSettings settings,
        final EgressCounters counters,
        final EpochNanoClock clock) throws IOException {
        this.counters = counters;
        this.clock = clock;
        final List<EgressCounters.PerDestination> perDestination = counters.destinations();
        destinationCounters = perDestination.toArray(new EgressCounters.PerDestination[0]);
        sockaddrMemory = Arena.ofAuto().allocate(
            (long)Math.max(1, destinationCounters.length) * Sendmmsg.SOCKADDR_IN_LENGTH, 8);
        sockaddrs = new UnsafeBuffer(sockaddrMemory.address(), (int)sockaddrMemory.byteSize());
        for (int i = 0; i < destinationCounters.length; i++) {
            final EgressCounters.PerDestination destination = destinationCounters[i];
            final int at = i * Sendmmsg.SOCKADDR_IN_LENGTH;
            sockaddrs.putShort(at, Sendmmsg.AF_INET, ByteOrder.nativeOrder());
            sockaddrs.putShort(at + 2, (short)destination.port(), ByteOrder.BIG_ENDIAN);
            sockaddrs.putInt(at + 4, destination.group(), ByteOrder.BIG_ENDIAN);
            sockaddrs.putLong(at + 8, 0);
            destinationIndexes.put(Ipv4.destinationKey(destination.group(), destination.port()), i);
        }
        final DatagramChannel opened = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            opened.bind(new InetSocketAddress(egressInterface.address(), 0));
            opened.setOption(StandardSocketOptions.IP_MULTICAST_IF, egressInterface.networkInterface());
            opened.setOption(StandardSocketOptions.IP_MULTICAST_TTL, settings.ttl());
            opened.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, settings.loopback());
            if (settings.sendBufferBytes() > 0) {
                opened.setOption(StandardSocketOptions.SO_SNDBUF, settings.sendBufferBytes());
            }
            opened.configureBlocking(false);
            fd = fileDescriptor(opened);
        } catch (final IOException | RuntimeException ex) {
            CloseHelper.quietClose(opened);
            throw ex;
        }
        channel = opened;
    }

    /** The socket's descriptor, for sendmmsg: the JDK keeps it in {@code sun.nio.ch.SelChImpl#getFDVal}. */
    private static int fileDescriptor(final DatagramChannel channel) throws IOException {
        try {
            final Method getFdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return (int)getFdVal.invoke(channel);
        } catch (final ReflectiveOperationException | RuntimeException ex) {
            throw new IOException("cannot read the multicast socket's file descriptor; the JVM needs "
                + "--add-opens java.base/sun.nio.ch=ALL-UNNAMED: " + ex, ex);
        }
    }

    /** @return the socket, for the feed's probes ({@link ProbeSender}); egress itself sends by descriptor. */
    DatagramChannel channel() {
        return channel;
    }

    /** @return the local address datagrams leave from. */
    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress)channel.getLocalAddress();
    }

    /**
     * The index of a VPC-side destination, for {@link #sockaddr} and {@link DatagramBatch#add}.
     *
     * @param egressKey the group:port, as {@link io.mcastrelay.wire.Ipv4#destinationKey}.
     * @return its index, or -1 if the feed does not emit to it.
     */
    int destinationIndex(final long egressKey) {
        return (int)destinationIndexes.get(egressKey);
    }

    /**
     * The native address of a destination's {@code struct sockaddr_in}.
     *
     * @param destination its index.
     * @return the address.
     */
    long sockaddr(final int destination) {
        return sockaddrs.addressOffset() + (long)destination * Sendmmsg.SOCKADDR_IN_LENGTH;
    }

    /**
     * Sends the batch's datagrams in order, until all are done or the socket or network refuses.
     *
     * @param batch what to send.
     * @return how many datagrams, from the first, are done with: sent, or skipped for an error that retrying would
     *     not cure; fewer than the batch holds if {@link #stalled()}.
     */
    int send(final DatagramBatch batch) {
        stalled = false;
        final int count = batch.count();
        if (blockedBy != null) {
            final long now = System.nanoTime();
            if (now - lastAttemptNs < RETRY_INTERVAL_NS) {
                stalled = true;
                return 0;
            }
            lastAttemptNs = now;
            attempts++;
        }
        int done = 0;
        while (done < count) {
            final int sent = sendmmsg.send(fd, batch.messageAddress(done), count - done);
            if (sent > 0) {
                sent(batch, done, sent);
                done += sent;
                continue;
            }
            final int errno = sent == 0 ? Sendmmsg.EAGAIN : sendmmsg.errno();
            if (errno == Sendmmsg.EINTR) {
                continue;
            }
            if (errno == Sendmmsg.EAGAIN) {
                if (!bufferFull) {
                    bufferFull = true;
                    counters.sendBufferFull().incrementRelease();
                }
                stalled = true;
                return done;
            }
            final SendError error = SendError.ofErrno(errno);
            if (error.retried()) {
                blocked(error, errno, batch.destination(done));
                stalled = true;
                return done;
            }
            failed(error, errno, batch.destination(done));
            done++;
        }
        return done;
    }

    /** @return whether the last {@link #send} stopped before the end of its batch; the rest is to be offered again. */
    boolean stalled() {
        return stalled;
    }

    private void sent(final DatagramBatch batch, final int from, final int sent) {
        bufferFull = false;
        if (blockedBy != null) {
            unblocked();
        }
        final long nowNs = clock.nanoTime();
        final EgressLatency latency = counters.latency();
        for (int i = from, end = from + sent; i < end; i++) {
            final EgressCounters.PerDestination destination = destinationCounters[batch.destination(i)];
            destination.datagrams().incrementRelease();
            destination.bytes().getAndAddRelease(batch.length(i));
            latency.record(nowNs, batch.ingressTimeNs(i), batch.sendTimeNs(i));
        }
    }

    private void failed(final SendError error, final int errno, final int destination) {
        counters.sendErrors(error).incrementRelease();
        final long now = System.nanoTime();
        if (now - lastErrorLogNs >= ERROR_LOG_INTERVAL_NS) {
            lastErrorLogNs = now;
            LOG.warn("feed={} send to {} failed: {} (errno {}); counted as relay.egress.send.errors reason={}, "
                + "further errors in the next 10 s are only counted", counters.feed(), describe(destination),
                error.reason(), errno, error.reason());
        }
    }

    private void blocked(final SendError error, final int errno, final int destination) {
        if (error == blockedBy) {
            return;
        }
        counters.sendErrors(error).incrementRelease();
        final long now = System.nanoTime();
        if (blockedBy == null) {
            blockedSinceNs = now;
            lastAttemptNs = now;
            attempts = 1;
        }
        blockedBy = error;
        if (now - lastErrorLogNs >= ERROR_LOG_INTERVAL_NS) {
            lastErrorLogNs = now;
            LOG.warn("feed={} send to {} refused: {} (errno {}); counted once as relay.egress.send.errors reason={}; "
                + "egress holds this datagram and everything after it and retries every {} ms until the network "
                + "takes it (ingress back-pressures the senders meanwhile)", counters.feed(), describe(destination),
                error.reason(), errno, error.reason(), RETRY_INTERVAL_NS / 1_000_000L);
        }
    }

    private void unblocked() {
        LOG.info("feed={} sending again after {} ms refused ({}, {} attempts); nothing was dropped", counters.feed(),
            (System.nanoTime() - blockedSinceNs) / 1_000_000L, blockedBy.reason(), attempts);
        blockedBy = null;
    }

    private String describe(final int destination) {
        final EgressCounters.PerDestination counters = destinationCounters[destination];
        return Ipv4.toString(counters.group()) + ":" + counters.port();
    }

    @Override
    public void close() {
        CloseHelper.quietClose(channel);
    }
}
