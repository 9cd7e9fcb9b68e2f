package io.mcastrelay.loadtest.bench;

import java.util.List;

import io.aeron.Publication;
import io.mcastrelay.egress.Egress;
import io.mcastrelay.egress.EgressCounters;
import io.mcastrelay.egress.EgressSettings;
import io.mcastrelay.egress.SendError;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The egress hot path: the benchmark thread offers 8 IPC messages (as ingress publishes them) into a real embedded
 * media driver's stream, then runs one duty cycle of the feed's egress agent as {@link Egress#agent} hands it to the
 * feed's event loop (the stream peeked into a batch, the batch sent with one {@code sendmmsg} to a multicast group on
 * {@code lo}, counters, latency recorders). Times and allocation are per datagram.
 */
public class EgressSendBenchmark extends RelayBenchmark {
    static final int MESSAGES = 8;

    @Param({"64", "256", "1400"})
    int payloadBytes;

    private BenchAeron aeron;
    private Publication publication;
    private Egress egress;
    private EgressCounters counters;
    private Agent agent;
    private UnsafeBuffer message;
    private int messageLength;

    /**
     * Starts the driver, the stream, the feed's socket on {@code lo} and the agent, and encodes the message.
     */
    @Setup
    public void setUp() {
        aeron = new BenchAeron("egress");
        final Destination destination = Destination.parse("239.255.88.1:17999");
        final EgressSettings.Feed feed = new EgressSettings.Feed("bench", BenchAeron.CHANNEL, 2001,
            List.of(destination));
        final EgressSettings settings =
            new EgressSettings("lo", 1, true, 0, "event-loop", "backoff", 64, List.of(feed));
        egress = new Egress(settings, aeron.aeron());
        egress.start();
        agent = egress.agent(feed.name());
        counters = egress.counters(feed.name());
        publication = aeron.aeron().addPublication(feed.channel(), feed.streamId());
        while (!publication.isConnected()) {
            Thread.onSpinWait();
        }
        messageLength = IpcMessageDescriptor.HEADER_LENGTH + payloadBytes;
        message = new UnsafeBuffer(new byte[messageLength]);
        final long now = System.currentTimeMillis() * 1_000_000L;
        IpcMessageFlyweight.encodeHeader(message, 0, payloadBytes, destination.egressGroup(),
            destination.egressPort(), destination.group(), destination.port(), 1, 1, now, now);
    }

    /**
     * Eight messages in, one duty cycle out.
     *
     * @return datagrams the duty cycle sent.
     * @throws Exception if the agent throws.
     */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int pollAndSend() throws Exception {
        for (int i = 0; i < MESSAGES; i++) {
            for (int attempt = 0; attempt < 1000 && publication.offer(message, 0, messageLength) < 0; attempt++) {
                agent.doWork();
            }
        }
        return agent.doWork();
    }

    /** Checks every datagram went out, and closes everything whatever the check says. */
    @TearDown
    public void tearDown() {
        final long datagrams = counters.destinations().get(0).datagrams().get();
        final long errors = counters.sendErrors(SendError.IO_ERROR).get()
            + counters.sendErrors(SendError.UNKNOWN_DESTINATION).get();
        CloseHelper.closeAll(publication, egress, aeron);
        if (datagrams == 0 || errors != 0) {
            throw new IllegalStateException("datagrams " + datagrams + ", errors " + errors);
        }
    }
}
