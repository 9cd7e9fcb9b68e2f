package io.mcastrelay.egress;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.SequenceLocator;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.Ipv4;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of the IPC message as egress reads it: {@link MulticastAdapter#onFragment} into a
 * {@link DatagramBatch}, sent by a real {@link MulticastSender} on loopback. The input is one fragment of the stream,
 * whatever a third party (or a bug) may have published. The fragment sits in a buffer that ends where the fragment
 * ends, so that reading past it throws; each outcome is held against the layout of {@link IpcMessageDescriptor}
 * read independently here:
 * <ul>
 *   <li>a message is sent if and only if it is version 1, its header is at least 48 bytes and header plus payload
 *       lie within the fragment, to a group:port of the feed; the datagram is exactly the payload's bytes;</li>
 *   <li>anything else is counted once under the reason that fits and skipped (never thrown, never aborting the
 *       poll, which would stall the stream forever).</li>
 * </ul>
 * Seeds: {@code MulticastAdapterFuzzTestInputs/onFragment/}; the feed's one destination is 239.255.201.1 at the
 * receiver's port, chosen at run time: a message whose port (bytes 12..13) is 0xFFFF gets that port.
 */
class MulticastAdapterFuzzTest {
    private static final String GROUP = "239.255.201.1";
    /** Where the fragment starts, as Aeron aligns it after the 32-byte data header. */
    private static final int OFFSET = 32;
    private static final int RECEIVE_TIMEOUT_MS = 5000;

    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();

    private static Fixture fixture;

    /** One feed's sender and adapter, and a customer on loopback; opened on the first input, kept for the run. */
    private static final class Fixture implements AutoCloseable {
        final MulticastSocket customer;
        final int port;
        final EgressCounters counters;
        final MulticastSender sender;
        final DatagramBatch batch = new DatagramBatch(16);
        final MulticastAdapter adapter;
        final Header header = new Header(0, LogBufferDescriptor.positionBitsToShift(64 * 1024));
        final byte[] received = new byte[65_536];

        Fixture() throws IOException {
            final NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
            customer = new MulticastSocket(0);
            customer.setSoTimeout(RECEIVE_TIMEOUT_MS);
            customer.setReceiveBufferSize(1 << 20);
            customer.joinGroup(new InetSocketAddress(GROUP, 0), loopback);
            port = customer.getLocalPort();
            final List<Destination> destinations = List.of(Destination.parse(GROUP + ":" + port));
            final EgressSettings.Feed feed = new EgressSettings.Feed("fuzz", "aeron:ipc", 1, destinations);
            final EgressSettings settings =
                new EgressSettings("lo", 1, true, 0, "event-loop", "backoff", 16, List.of(feed));
            counters = new EgressCounters(aeron.aeron(), "fuzz", destinations, feed.streamId());
            sender = new MulticastSender(EgressInterface.resolve("lo"), settings, counters, System::nanoTime);
            adapter = new MulticastAdapter(sender, counters, batch, SequenceLocator.parse("0:8:big-endian"));
        }

        @Override
        public void close() {
            CloseHelper.closeAll(sender, counters, customer);
        }
    }

    @AfterAll
    static void closeFixture() {
        CloseHelper.close(fixture);
        fixture = null;
    }

    @FuzzTest(maxDuration = "30s")
    void onFragment(final byte[] input) throws IOException {
        if (fixture == null) {
            fixture = new Fixture();
        }
        final byte[] bytes = new byte[OFFSET + input.length];
        System.arraycopy(input, 0, bytes, OFFSET, input.length);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        if (input.length >= IpcMessageDescriptor.PORT_OFFSET + 2
            && buffer.getShort(OFFSET + IpcMessageDescriptor.PORT_OFFSET, LITTLE_ENDIAN) == (short)0xFFFF) {
            buffer.putShort(OFFSET + IpcMessageDescriptor.PORT_OFFSET, (short)fixture.port, LITTLE_ENDIAN);
        }
        // The Aeron data header in front of the fragment: its frame length, for the position after it.
        buffer.putInt(0, OFFSET + input.length, LITTLE_ENDIAN);
        fixture.header.buffer(buffer);
        fixture.header.offset(0);
        final long[] before = counts();

        fixture.batch.clear(0);
        final Action action = fixture.adapter.onFragment(buffer, OFFSET, input.length, fixture.header);
        assertThat(action).as("the peek goes on").isEqualTo(Action.CONTINUE);
        if (fixture.batch.count() > 0) {
            assertThat(fixture.sender.send(fixture.batch)).as("sent").isEqualTo(1);
        }
        assertThat(fixture.batch.positionAfter(fixture.batch.count()))
            .as("the stream moves past the message either way").isEqualTo(fixture.header.position());

        final long[] after = counts();
        final String expected = expectedOutcome(buffer, input.length);
        final long[] delta = new long[after.length];
        for (int i = 0; i < after.length; i++) {
            delta[i] = after[i] - before[i];
        }
        final long[] wanted = new long[after.length];
        wanted["sent".equals(expected) ? SendError.values().length : SendError.valueOf(expected).ordinal()] = 1;
        assertThat(delta).as("counted once, as %s (errors by reason, then datagrams)", expected).isEqualTo(wanted);
        if ("sent".equals(expected)) {
            final DatagramPacket packet = new DatagramPacket(fixture.received, fixture.received.length);
            fixture.customer.receive(packet);
            final int payloadOffset = OFFSET + headerLength(buffer);
            final int payloadLength = buffer.getInt(OFFSET + IpcMessageDescriptor.PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
            assertThat(Arrays.copyOf(packet.getData(), packet.getLength())).as("the datagram is the payload")
                .isEqualTo(Arrays.copyOfRange(bytes, payloadOffset, payloadOffset + payloadLength));
        }
    }

    /** The layout read from the spec table: "sent" or the name of the SendError that must be counted. */
    private static String expectedOutcome(final UnsafeBuffer buffer, final int length) {
        if (length == 0) {
            return SendError.MALFORMED_MESSAGE.name();
        }
        if ((buffer.getByte(OFFSET) & 0xFF) != IpcMessageDescriptor.VERSION) {
            return SendError.UNSUPPORTED_VERSION.name();
        }
        if (length < IpcMessageDescriptor.HEADER_LENGTH) {
            return SendError.MALFORMED_MESSAGE.name();
        }
        final long headerLength = headerLength(buffer);
        final long payloadLength = buffer.getInt(OFFSET + IpcMessageDescriptor.PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
        if (headerLength < IpcMessageDescriptor.HEADER_LENGTH || payloadLength < 0
            || headerLength + payloadLength > length) {
            return SendError.MALFORMED_MESSAGE.name();
        }
        final int group = buffer.getInt(OFFSET + IpcMessageDescriptor.GROUP_OFFSET, LITTLE_ENDIAN);
        final int port = buffer.getShort(OFFSET + IpcMessageDescriptor.PORT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        return group == Ipv4.parse(GROUP) && port == fixture.port ? "sent" : SendError.UNKNOWN_DESTINATION.name();
    }

    private static int headerLength(final UnsafeBuffer buffer) {
        return buffer.getShort(OFFSET + IpcMessageDescriptor.HEADER_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** Send errors by reason, then datagrams sent. */
    private static long[] counts() {
        final long[] counts = new long[SendError.values().length + 1];
        for (final SendError error : SendError.values()) {
            counts[error.ordinal()] = fixture.counters.sendErrors(error).get();
        }
        counts[counts.length - 1] = fixture.counters.destinations().get(0).datagrams().get();
        return counts;
    }
}
