package io.mcastrelay.egress;

import static io.mcastrelay.egress.IpcMessages.payload;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import io.mcastrelay.testing.EmbeddedAeron;
import io.mcastrelay.testing.MulticastReceiver;
import io.mcastrelay.testing.MulticastReceiver.Datagram;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sendmmsg path against the kernel: real datagrams to loopback multicast, real errors. */
@Timeout(10)
class MulticastSenderTest {
    @RegisterExtension
    static final EmbeddedAeron aeron = new EmbeddedAeron();

    private MulticastReceiver receiver;
    private EgressCounters counters;
    private MulticastSender sender;

    @AfterEach
    void closeAll() {
        CloseHelper.closeAll(sender, counters, receiver);
    }

    private void open(final String group) throws IOException {
        receiver = new MulticastReceiver(group);
        final EgressSettings.Feed feed = new EgressSettings.Feed("f", "aeron:ipc", 77, List.of(receiver.destination()));
        final EgressSettings settings =
            new EgressSettings("lo", 1, true, 0, "event-loop", "backoff", 64, List.of(feed));
        counters = new EgressCounters(aeron.aeron(), "f", feed.destinations(), feed.streamId());
        sender = new MulticastSender(EgressInterface.resolve("lo"), settings, counters, System::currentTimeMillis);
    }

    private static UnsafeBuffer direct(final byte[] bytes) {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, bytes.length)));
        buffer.putBytes(0, bytes);
        return buffer;
    }

    @Test
    void shouldSendABatchWithOneCallInOrderFromNativeAndHeapBuffers() throws IOException {
        open("239.255.3.1");
        final int destination = sender.destinationIndex(receiver.destination().egressKey());
        final DatagramBatch batch = new DatagramBatch(64);
        batch.clear(0);
        for (int i = 0; i < 40; i++) {
            final byte[] payload = payload(i * 37 % 1400, i);
            final UnsafeBuffer buffer = i % 2 == 0 ? direct(payload) : new UnsafeBuffer(payload);
            assertThat(batch.add(sender.sockaddr(destination), destination, buffer, 0, payload.length, 32L * (i + 1),
                0, 0)).isTrue();
        }

        assertThat(sender.send(batch)).isEqualTo(40);
        assertThat(sender.stalled()).isFalse();

        final List<Datagram> received = receiver.receive(40, () -> { });
        for (int i = 0; i < 40; i++) {
            assertThat(received.get(i).payload()).as("datagram %d", i).isEqualTo(payload(i * 37 % 1400, i));
        }
        assertThat(counters.destinations().get(0).datagrams().get()).isEqualTo(40);
        assertThat(batch.positionAfter(40)).isEqualTo(32L * 40);
    }

    @Test
    void shouldSkipAndCountADatagramTheKernelRefusesForGoodAndSendTheRest() throws IOException {
        open("239.255.3.2");
        final int destination = sender.destinationIndex(receiver.destination().egressKey());
        final DatagramBatch batch = new DatagramBatch(8);
        batch.clear(0);
        batch.add(sender.sockaddr(destination), destination, direct(payload(10, 1)), 0, 10, 64, 0, 0);
        batch.add(sender.sockaddr(destination), destination, direct(new byte[70_000]), 0, 70_000, 128, 0, 0);
        batch.add(sender.sockaddr(destination), destination, direct(payload(10, 3)), 0, 10, 192, 0, 0);

        assertThat(sender.send(batch)).as("done with all three").isEqualTo(3);

        assertThat(receiver.receive(2, () -> { })).extracting(Datagram::payload)
            .containsExactly(payload(10, 1), payload(10, 3));
        assertThat(counters.sendErrors(SendError.MESSAGE_TOO_LONG).get()).as("EMSGSIZE, read from errno").isOne();
        assertThat(counters.destinations().get(0).datagrams().get()).isEqualTo(2);
        assertThat(sender.stalled()).isFalse();
    }

    @Test
    void shouldKnowOnlyTheFeedsDestinations() throws IOException {
        open("239.255.3.3");
        assertThat(sender.destinationIndex(receiver.destination().egressKey())).isZero();
        assertThat(sender.destinationIndex(receiver.destination().egressKey() + 1)).isEqualTo(-1);
        assertThat(sender.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }
}
