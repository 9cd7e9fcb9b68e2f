package io.mcastrelay.tools;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.ProbePayload;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Joins multicast groups and reports, each second and at exit, per port: datagrams/s, bytes/s, probe sequence gaps
 * and repeats (totals so far) and one-way latency p50/p99/max in microseconds.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.mcastrelay.tools.RelaySubscriber \
 *     --interface 127.0.0.1 --join 239.255.7.1:6100,239.255.7.2:6101 --duration-seconds 10
 * </pre>
 *
 * <p>One {@link DatagramChannel} per distinct port, bound to {@code 0.0.0.0:port} with {@code SO_REUSEADDR} and
 * joined to each group on that port, all on one {@link Selector}. Latency compares the probe's send time with this
 * host's wall clock, so it means something when sender and subscriber share a host (or a well-synchronised clock).
 * On Linux the loopback interface usually lacks the MULTICAST flag; joining on it works anyway, so it is not
 * refused. With {@code --print} every datagram is also printed as it arrives, for scripts and tests that check the
 * bytes: {@code 239.255.6.1:6200 from=172.18.0.2:41234 len=5 payload=68656c6c6f} (the groups joined on that port,
 * since a socket bound to {@code 0.0.0.0:port} cannot tell which of them a datagram was sent to). Exit codes: 0
 * done (or {@code --expect} met), 1 {@code --expect} not met, 2 bad command line, 3 socket failure.
 *
 * <p>With {@code --recover HOST:PORT --feed F --sequence OFF:W:ORDER} each group gets a socket of its own (bound to
 * the group's address, so its exchange sequence is its own) and a {@link GapFiller} that asks the relay's replay
 * port for what multicast lost and delivers in sequence order; {@code --from} first replays from a time in the past
 * (a late join). {@code --expect} then counts datagrams delivered, and the summary adds one {@code recover} line per
 * group. Longer than 300 lines because the plain and the recovering receive paths share one selector loop and one
 * set of options; the recovery logic itself is in {@link GapFiller}.
 */
public final class RelaySubscriber implements AutoCloseable {
    static final int EXIT_OK = ToolMain.EXIT_OK;
    static final int EXIT_EXPECT_NOT_MET = 1;
    static final int EXIT_USAGE = ToolMain.EXIT_USAGE;
    static final int EXIT_FAILURE = ToolMain.EXIT_FAILURE;

    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final int REPLAY_TIMEOUT_MS = 10_000;
    /** With {@code --recover}: a quiet spell this long makes each group ask the relay for a lost tail. */
    private static final long TAIL_IDLE_MS = 500;
    private static final ToolMain<SubscriberSettings> MAIN = new ToolMain<>("RelaySubscriber",
        SubscriberSettings::options, SubscriberSettings::from, RelaySubscriber::joinAndReceive);

    private final SubscriberSettings settings;
    private final PrintStream out;
    private final Selector selector;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<PortStats> stats = new ArrayList<>();
    private final ByteBuffer datagram = ByteBuffer.allocateDirect(64 * 1024);
    private final UnsafeBuffer datagramBuffer = new UnsafeBuffer(datagram);
    private final EpochNanoClock clock = new SystemEpochNanoClock();
    private final List<GapFiller> fillers = new ArrayList<>();
    private final BlockingQueue<Received> toFill = new ArrayBlockingQueue<>(1_000_000);
    private long totalDatagrams;
    private volatile long delivered;
    private long deliveredProbes;
    private long probeErrors;

    /**
     * Opens one channel per port and joins every group.
     *
     * @param settings what to join.
     * @param out      for the reports.
     * @throws IOException if a channel cannot be bound or a group joined.
     * @throws IllegalArgumentException if the interface does not exist.
     */
    RelaySubscriber(final SubscriberSettings settings, final PrintStream out) throws IOException {
        this.settings = settings;
        this.out = out;
        final NetworkInterface networkInterface = resolveInterface(settings.networkInterface());
        final Map<Integer, List<Destination>> byPort = new LinkedHashMap<>();
        for (final Destination join : settings.joins()) {
            byPort.computeIfAbsent(join.port(), port -> new ArrayList<>()).add(join);
        }
        selector = Selector.open();
        try {
            if (settings.recover() != null) {
                // a socket per group, bound to the group's address, so each sees its group's sequence only
                for (final Destination join : settings.joins()) {
                    openPort(join.port(), List.of(join), networkInterface);
                }
            } else {
                for (final Map.Entry<Integer, List<Destination>> entry : byPort.entrySet()) {
                    openPort(entry.getKey(), entry.getValue(), networkInterface);
                }
            }
        } catch (final IOException | RuntimeException ex) {
            close();
            throw ex;
        }
        out.println("RelaySubscriber: joined " + settings.joins() + " on " + networkInterface.getName() +
            (networkInterface.supportsMulticast() ? "" : " (no MULTICAST flag; joined anyway)"));
    }

    private void openPort(final int port, final List<Destination> groups, final NetworkInterface networkInterface)
        throws IOException {
        final DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channels.add(channel);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
        channel.bind(settings.recover() != null
            ? new InetSocketAddress(InetAddress.getByAddress(intToBytes(groups.get(0).group())), port)
            : new InetSocketAddress(port));
        final StringBuilder label = new StringBuilder();
        for (final Destination group : groups) {
            final InetAddress address = InetAddress.getByAddress(intToBytes(group.group()));
            try {
                channel.join(address, networkInterface);
            } catch (final IOException ex) {
                throw new IOException("cannot join " + group + " on " + networkInterface.getName() + ": " + ex, ex);
            }
            label.append(label.length() == 0 ? "" : "+").append(Ipv4.toString(group.group()));
        }
        channel.configureBlocking(false);
        final PortStats portStats = new PortStats(label.append(':').append(port).toString());
        stats.add(portStats);
        GapFiller filler = null;
        if (settings.recover() != null) {
            filler = new GapFiller(groups.get(0), settings.feed(), settings.sequence(),
                () -> new ReplayClient(settings.recoverHost(), settings.recoverPort(), REPLAY_TIMEOUT_MS),
                (sequence, buffer, offset, length, recovered) -> {
                    delivered++;
                    checkProbe(buffer, offset, length);
                    if (settings.print()) {
                        out.println(portStats.label() + (recovered ? " recovered" : " multicast") + " seq=" +
                            sequence + " len=" + length);
                    }
                });
            fillers.add(filler);
        }
        channel.register(selector, SelectionKey.OP_READ, new Joined(portStats, filler));
    }

    /** Delivered payloads that are the project's probes are checked whole: header length and filler. */
    private void checkProbe(final DirectBuffer buffer, final int offset, final int length) {
        if (length >= 4 && buffer.getInt(offset + ProbePayload.MAGIC_OFFSET, ByteOrder.BIG_ENDIAN) ==
            ProbePayload.MAGIC) {
            deliveredProbes++;
            if (!ProbePayload.isProbe(buffer, offset, length) || !ProbePayload.fillerIntact(buffer, offset, length)) {
                probeErrors++;
            }
        }
    }

    /** What a socket's datagrams go to: the port's statistics and, with {@code --recover}, the group's filler. */
    private record Joined(PortStats stats, GapFiller filler) {
    }

    /**
     * With {@code --from}: replays each group from then to now through the relay's replay port, before multicast
     * (already joined, so nothing sent meanwhile is lost) carries on.
     */
    private void lateJoin() throws IOException {
        for (final GapFiller filler : fillers) {
            final ReplayClient.Answer answer = filler.lateJoin(settings.fromEpochNanos());
            out.println("RelaySubscriber: late join " + filler.group() + ": " + answer.outcome() + ", " +
                answer.datagrams() + " datagrams from the relay" +
                (answer.reason().isEmpty() ? "" : " (" + answer.reason() + ")"));
        }
    }

    /**
     * Receives and reports until the duration ends, {@code --expect} is met or {@code running} turns false, then
     * prints the final summary.
     *
     * @param running polled at least once a second.
     * @return {@link #EXIT_OK}, or {@link #EXIT_EXPECT_NOT_MET}.
     * @throws IOException if receiving fails.
     */
    int run(final BooleanSupplier running) throws IOException {
        final long startNs = System.nanoTime();
        final long durationNs = settings.durationNs() > 0 ? settings.durationNs() : Long.MAX_VALUE;
        final long expect = settings.expect() > 0 ? settings.expect() : Long.MAX_VALUE;
        if (settings.fromEpochNanos() != 0) {
            lateJoin();
        }
        Thread filling = null;
        if (!fillers.isEmpty()) {
            filling = new Thread(this::fillLoop, "relay-subscriber-fill");
            filling.setDaemon(true);
            filling.start();
        }
        long lastReportElapsedNs = 0;
        long elapsedNs = 0;
        while (running.getAsBoolean() && counted() < expect && elapsedNs < durationNs) {
            final long wakeElapsedNs = Math.min(lastReportElapsedNs + REPORT_INTERVAL_NS, durationNs);
            final long timeoutMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wakeElapsedNs - elapsedNs));
            selector.select(this::onReadable, timeoutMs);
            elapsedNs = System.nanoTime() - startNs;
            if (elapsedNs - lastReportElapsedNs >= REPORT_INTERVAL_NS) {
                if (!settings.quiet()) {
                    for (final PortStats portStats : stats) {
                        out.println(portStats.intervalLine(elapsedNs - lastReportElapsedNs));
                    }
                }
                lastReportElapsedNs = elapsedNs;
            }
        }
        if (filling != null) {
            toFill.offer(new Received(null, null));
            try {
                filling.join(TimeUnit.SECONDS.toMillis(10));
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        out.printf("RelaySubscriber: total datagrams=%d in %.3fs%n", totalDatagrams, elapsedNs / 1e9);
        for (final PortStats portStats : stats) {
            out.println("total " + portStats.summaryLine());
        }
        for (final GapFiller filler : fillers) {
            out.println(recoveryLine(filler));
        }
        if (!fillers.isEmpty()) {
            out.println("RelaySubscriber: delivered=" + delivered + " probes=" + deliveredProbes + " probe-errors=" +
                probeErrors);
        }
        return settings.expect() > 0 && counted() < settings.expect() ? EXIT_EXPECT_NOT_MET : EXIT_OK;
    }

    /** @return what {@code --expect} counts: datagrams received, or with {@code --recover} delivered in order. */
    private long counted() {
        return settings.recover() != null ? delivered : totalDatagrams;
    }

    /**
     * The summary of one group with {@code --recover}.
     *
     * @return for example {@code recover 239.255.6.1:6200 first=1 next=1001 multicast=990 recovered=10 missing=0
     * duplicates=0 recovery-us p50=812 p99=1650 max=1650}: the first sequence delivered and the next expected.
     */
    static String recoveryLine(final GapFiller filler) {
        final Histogram micros = filler.recoveryMicros();
        return "recover " + filler.group() + " first=" + filler.first() + " next=" + filler.expected() +
            " multicast=" + filler.multicast() +
            " recovered=" + filler.recovered() + " missing=" + filler.missing() + " duplicates=" +
            filler.duplicates() + " recovery-us p50=" + micros.getValueAtPercentile(50) + " p99=" +
            micros.getValueAtPercentile(99) + " max=" + micros.getMaxValue() +
            (filler.lastProblem().isEmpty() ? "" : " last-problem=" + filler.lastProblem());
    }

    private void onReadable(final SelectionKey key) {
        final DatagramChannel channel = (DatagramChannel)key.channel();
        final Joined joined = (Joined)key.attachment();
        final PortStats portStats = joined.stats();
        try {
            while (true) {
                datagram.clear();
                final SocketAddress source = channel.receive(datagram);
                if (source == null) {
                    break;
                }
                portStats.onDatagram(datagramBuffer, 0, datagram.position(), clock.nanoTime());
                totalDatagrams++;
                if (joined.filler() != null) {
                    final byte[] copy = new byte[datagram.position()];
                    datagramBuffer.getBytes(0, copy);
                    toFill.put(new Received(joined.filler(), copy));
                } else if (settings.print()) {
                    out.println(datagramLine(portStats.label(), source, datagramBuffer, datagram.position()));
                }
            }
        } catch (final IOException ex) {
            throw new IllegalStateException("receive on " + portStats.label() + " failed: " + ex, ex);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** A datagram for a group's filler, handed from the socket's thread to the filling thread. */
    private record Received(GapFiller filler, byte[] datagram) {
    }

    /**
     * With {@code --recover}: hands the received datagrams to their groups' fillers on a thread of its own, so that
     * the sockets are read on while a gap is being filled over TCP.
     */
    private void fillLoop() {
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        boolean askedTail = true;
        try {
            while (true) {
                final Received received = toFill.poll(TAIL_IDLE_MS, TimeUnit.MILLISECONDS);
                if (received == null) {
                    // quiet: a datagram lost last shows no gap, so ask once per quiet spell what follows
                    if (!askedTail) {
                        askedTail = true;
                        for (final GapFiller filler : fillers) {
                            filler.onIdle();
                        }
                    }
                    continue;
                }
                askedTail = false;
                if (received.filler() == null) {
                    return;
                }
                view.wrap(received.datagram());
                received.filler().onDatagram(view, 0, received.datagram().length);
            }
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The line {@code --print} writes for one datagram.
     *
     * @param label  the groups joined on the receiving port and the port, as in {@link PortStats#label()}.
     * @param source the sender's address and port.
     * @param buffer holding the datagram at offset 0.
     * @param length its bytes.
     * @return for example {@code 239.255.6.1:6200 from=172.18.0.2:41234 len=5 payload=68656c6c6f}.
     */
    static String datagramLine(final String label, final SocketAddress source, final DirectBuffer buffer,
        final int length) {
        final byte[] payload = new byte[length];
        buffer.getBytes(0, payload);
        final String from = source instanceof InetSocketAddress address ?
            address.getAddress().getHostAddress() + ":" + address.getPort() : String.valueOf(source);
        return label + " from=" + from + " len=" + length + " payload=" + HexFormat.of().formatHex(payload);
    }

    /** @return one entry per port, in the order the ports were first joined. */
    List<PortStats> stats() {
        return List.copyOf(stats);
    }

    /** @return datagrams received on all ports. */
    long totalDatagrams() {
        return totalDatagrams;
    }

    /** @return with {@code --recover}, each group's filler. */
    List<GapFiller> fillers() {
        return List.copyOf(fillers);
    }

    /** @return with {@code --recover}, datagrams delivered in order. */
    long delivered() {
        return delivered;
    }

    @Override
    public void close() throws IOException {
        for (final GapFiller filler : fillers) {
            filler.close();
        }
        for (final DatagramChannel channel : channels) {
            channel.close();
        }
        selector.close();
    }

    /**
     * Finds the interface to join on, by name or by one of its IPv4 addresses (no DNS lookup).
     *
     * @param spec for example {@code lo}, {@code eth0} or {@code 127.0.0.1}.
     * @return the interface.
     * @throws IllegalArgumentException naming {@code --interface} if there is none.
     * @throws IOException if the interfaces cannot be listed.
     */
    static NetworkInterface resolveInterface(final String spec) throws IOException {
        NetworkInterface networkInterface = NetworkInterface.getByName(spec);
        if (networkInterface == null && spec.matches("[0-9.]+")) {
            final int address;
            try {
                address = Ipv4.parse(spec);
            } catch (final IllegalArgumentException ex) {
                throw new IllegalArgumentException("option '--interface': " + ex.getMessage(), ex);
            }
            networkInterface = NetworkInterface.getByInetAddress(InetAddress.getByAddress(intToBytes(address)));
        }
        if (networkInterface == null) {
            throw new IllegalArgumentException("option '--interface': no network interface named '" + spec +
                "' or holding that address");
        }
        return networkInterface;
    }

    private static byte[] intToBytes(final int address) {
        return new byte[] {(byte)(address >>> 24), (byte)(address >>> 16), (byte)(address >>> 8), (byte)address};
    }

    /**
     * Runs the subscriber; see {@code --help}. Ctrl-C ends it after the final summary.
     *
     * @param args the command line.
     */
    public static void main(final String[] args) {
        MAIN.main(args);
    }

    /**
     * Parses the command line, joins and receives.
     *
     * @param argv    the command line.
     * @param out     for the reports.
     * @param err     for errors.
     * @param running polled by the loop; false ends it.
     * @return the exit code.
     */
    static int run(final String[] argv, final PrintStream out, final PrintStream err, final BooleanSupplier running) {
        return MAIN.run(argv, out, err, running);
    }

    private static int joinAndReceive(final SubscriberSettings settings, final PrintStream out, final PrintStream err,
        final BooleanSupplier running) throws IOException {
        try (RelaySubscriber subscriber = new RelaySubscriber(settings, out)) {
            return subscriber.run(running);
        }
    }
}
