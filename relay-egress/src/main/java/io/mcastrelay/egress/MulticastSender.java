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
 * <p>Egress agent thread only. Allocates nothing per datagram: the JDK's send path reuses its native address
 * buffer, and the term buffer's duplicate is made once per mapped log.
 */
final class MulticastSender implements AutoCloseable {
    static final int SENT = 0;
    static final int WOULD_BLOCK = 1;
    static final int FAILED = 2;

    private static final Logger LOG = LoggerFactory.getLogger(MulticastSender.class);
    private static final long ERROR_LOG_INTERVAL_NS = 10_000_000_000L;

    private final DatagramChannel channel;
    private final EgressCounters counters;
    private final Long2ObjectHashMap<InetSocketAddress> addresses = new Long2ObjectHashMap<>();
    private final ByteBuffer copyBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private ByteBuffer lastSource;
    private ByteBuffer lastDuplicate;
    private long lastErrorLogNs = System.nanoTime() - ERROR_LOG_INTERVAL_NS;

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
     * @return {@link #SENT}, {@link #WOULD_BLOCK} (socket buffer full; try again later) or {@link #FAILED}
     *     (counted; move on).
     */
    int send(final DirectBuffer buffer, final int offset, final int length, final long egressKey) {
        final InetSocketAddress address = addresses.get(egressKey);
        final EgressCounters.PerDestination destination = counters.destination(egressKey);
        if (address == null || destination == null) {
            counters.sendErrors(SendError.UNKNOWN_DESTINATION).incrementRelease();
            return FAILED;
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
            return SENT;
        } catch (final IOException ex) {
            final SendError error = SendError.of(ex);
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
