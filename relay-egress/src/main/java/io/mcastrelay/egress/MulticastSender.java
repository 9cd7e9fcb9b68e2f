package io.mcastrelay.egress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One feed's multicast socket: a non-blocking UDP socket bound to the egress interface's address, with
 * IP_MULTICAST_IF, TTL and loopback set once. Sends each payload straight from the Aeron term buffer (no copy)
 * as one datagram.
 *
 * <p>A send that fails for a condition of the network that passes ({@link SendError#retried()}: the interface is
 * down, the route is gone) is {@link #RETRY}: the caller keeps the datagram and offers it again, so the stream, and
 * through it ingress and TCP, hold everything until the network is back; nothing accepted is lost. Such an episode
 * is counted once per reason and logged when it starts and when it ends; while it lasts the socket is tried at most
 * once per {@link #RETRY_INTERVAL_NS}.
 *
 * <p>Egress agent thread only. Allocates nothing per datagram: the JDK's send path reuses its native address
 * buffer, and the term buffer's duplicate is made once per mapped log.
 */
final class MulticastSender implements AutoCloseable {
    static final int SENT = 0;
    static final int WOULD_BLOCK = 1;
    static final int FAILED = 2;
    static final int RETRY = 3;
    /** While the network refuses, how often the same datagram is tried again. */
    static final long RETRY_INTERVAL_NS = 1_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(MulticastSender.class);
    private static final long ERROR_LOG_INTERVAL_NS = 10_000_000_000L;

    private final DatagramChannel channel;
    private final EgressCounters counters;
    private final Long2ObjectHashMap<InetSocketAddress> addresses = new Long2ObjectHashMap<>();
    private final ByteBuffer copyBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private ByteBuffer lastSource;
    private ByteBuffer lastDuplicate;
    private long lastErrorLogNs = System.nanoTime() - ERROR_LOG_INTERVAL_NS;
    /** Why the network refuses the current datagram; null while sends go. */
    private SendError blockedBy;
    private long blockedSinceNs;
    private long lastAttemptNs;
    private long attempts;

    MulticastSender(
        final EgressInterface egressInterface,
        final EgressSettings settings,
        final List<Destination> destinations,
        final EgressCounters counters) throws IOException {
        this.counters = counters;
        for (final Destination destination : destinations) {
            addresses.put(destination.egressKey(), new InetSocketAddress(
                Ipv4.toString(destination.egressGroup()), destination.egressPort()));
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
        } catch (final IOException | RuntimeException ex) {
            CloseHelper.quietClose(opened);
            throw ex;
        }
        channel = opened;
    }

    /** @return the local address datagrams leave from. */
    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress)channel.getLocalAddress();
    }

    /**
     * Sends one datagram.
     *
     * @param buffer    holding the payload (an Aeron term buffer).
     * @param offset    where the payload starts.
     * @param length    bytes of payload.
     * @param egressKey the VPC-side group:port, as {@link Ipv4#destinationKey}.
     * @return {@link #SENT}, {@link #WOULD_BLOCK} (socket buffer full; try again later), {@link #RETRY} (the
     *     network refuses for now; try the same datagram again later) or {@link #FAILED} (counted; move on).
     */
    int send(final DirectBuffer buffer, final int offset, final int length, final long egressKey) {
        final InetSocketAddress address = addresses.get(egressKey);
        final EgressCounters.PerDestination destination = counters.destination(egressKey);
        if (address == null || destination == null) {
            counters.sendErrors(SendError.UNKNOWN_DESTINATION).incrementRelease();
            return FAILED;
        }
        if (blockedBy != null) {
            final long now = System.nanoTime();
            if (now - lastAttemptNs < RETRY_INTERVAL_NS) {
                return RETRY;
            }
            lastAttemptNs = now;
            attempts++;
        }
        try {
            final int sent = channel.send(source(buffer, offset, length), address);
            if (sent == 0 && length > 0) {
                return WOULD_BLOCK;
            }
            if (sent != length) {
                counters.sendErrors(SendError.SHORT_SEND).incrementRelease();
                return FAILED;
            }
            destination.datagrams().incrementRelease();
            destination.bytes().getAndAddRelease(sent);
            if (blockedBy != null) {
                unblocked();
            }
            return SENT;
        } catch (final IOException ex) {
            final SendError error = SendError.of(ex);
            if (error.retried()) {
                return blocked(error, ex, address);
            }
            counters.sendErrors(error).incrementRelease();
            final long now = System.nanoTime();
            if (now - lastErrorLogNs >= ERROR_LOG_INTERVAL_NS) {
                lastErrorLogNs = now;
                LOG.warn("feed={} send to {} failed: {} ({}); counted as relay.egress.send.errors reason={}, "
                    + "further errors in the next 10 s are only counted", counters.feed(), address, error.reason(),
                    ex.getMessage(), error.reason());
            }
            return FAILED;
        }
    }

    private int blocked(final SendError error, final IOException ex, final InetSocketAddress address) {
        if (error != blockedBy) {
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
                LOG.warn("feed={} send to {} refused: {} ({}); counted once as relay.egress.send.errors reason={}; "
                    + "egress holds this datagram and everything after it and retries every {} ms until the network "
                    + "takes it (ingress back-pressures the senders meanwhile)", counters.feed(), address,
                    error.reason(), ex.getMessage(), error.reason(), RETRY_INTERVAL_NS / 1_000_000L);
            }
        }
        return RETRY;
    }

    private void unblocked() {
        LOG.info("feed={} sending again after {} ms refused ({}, {} attempts); nothing was dropped", counters.feed(),
            (System.nanoTime() - blockedSinceNs) / 1_000_000L, blockedBy.reason(), attempts);
        blockedBy = null;
    }

    private ByteBuffer source(final DirectBuffer buffer, final int offset, final int length) {
        final ByteBuffer backing = buffer.byteBuffer();
        if (backing != null && backing.isDirect()) {
            if (backing != lastSource) {
                lastSource = backing;
                lastDuplicate = backing.duplicate();
            }
            final int start = buffer.wrapAdjustment() + offset;
            lastDuplicate.clear();
            lastDuplicate.limit(start + length).position(start);
            return lastDuplicate;
        }
        copyBuffer.clear();
        buffer.getBytes(offset, copyBuffer, length);
        copyBuffer.flip();
        return copyBuffer;
    }

    @Override
    public void close() {
        CloseHelper.quietClose(channel);
    }
}
