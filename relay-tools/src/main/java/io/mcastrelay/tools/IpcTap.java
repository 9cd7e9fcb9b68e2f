package io.mcastrelay.tools;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import io.mcastrelay.wire.Ipv4;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * A third-party-style subscriber to a feed's Aeron IPC stream, proving fan-out on the host: it connects to the
 * relay's already running media driver (it never launches one) and reads the messages laid out in
 * {@link IpcMessageDescriptor} with an {@link IpcMessageFlyweight}.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.mcastrelay.tools.IpcTap \
 *     --aeron-dir /dev/shm/aeron-relay --stream-id 1001 --count 10 --print
 * </pre>
 *
 * <p>With {@code --print}: one line per message, {@code group:port seq=<sequence> len=<payloadLength>
 * payload=<hex of the first 32 bytes>}; otherwise one summary line per second. The last line is always
 * {@code received <n>}. Messages fit one fragment, so no fragment assembler; each poll asks for no more fragments
 * than {@code --count} still wants, so the tap stops exactly at the count. Exit codes: 0 done, 1 {@code --count}
 * not reached, 2 bad command line, 3 no media driver.
 */
public final class IpcTap {
    static final int EXIT_OK = ToolMain.EXIT_OK;
    static final int EXIT_COUNT_NOT_REACHED = 1;
    static final int EXIT_USAGE = ToolMain.EXIT_USAGE;
    static final int EXIT_FAILURE = ToolMain.EXIT_FAILURE;

    private static final int FRAGMENT_LIMIT = 64;
    private static final int PRINTED_PAYLOAD_BYTES = 32;
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ToolMain<IpcTapSettings> MAIN =
        new ToolMain<>("IpcTap", IpcTapSettings::options, IpcTapSettings::from, IpcTap::tap);

    private IpcTap() {
    }

    /**
     * Runs the tap; see {@code --help}. Ctrl-C ends it after {@code received <n>} is printed.
     *
     * @param args the command line.
     */
    public static void main(final String[] args) {
        MAIN.main(args);
    }

    static int run(final String[] argv, final PrintStream out, final PrintStream err, final BooleanSupplier running) {
        return MAIN.run(argv, out, err, running);
    }

    /**
     * Connects to the media driver, subscribes and counts (or prints) messages until the count, the timeout or
     * {@code running} says stop; prints {@code received <n>} last.
     *
     * @param settings what to subscribe to.
     * @param out      for the messages, the summaries and the last line.
     * @param err      for errors.
     * @param running  polled each pass; false ends the run.
     * @return the exit code.
     */
    static int tap(final IpcTapSettings settings, final PrintStream out, final PrintStream err,
        final BooleanSupplier running) {
        final Aeron.Context context = new Aeron.Context();
        if (settings.aeronDir() != null) {
            context.aeronDirectoryName(settings.aeronDir());
        }
        final MessageCounter counter = new MessageCounter(out, settings.print());
        boolean reached = false;
        try (Aeron aeron = Aeron.connect(context);
            Subscription subscription = aeron.addSubscription(settings.channel(), settings.streamId())) {
            out.println("IpcTap: subscribed to " + settings.channel() + " stream " + settings.streamId() + " via " +
                context.aeronDirectoryName());
            reached = poll(settings, subscription, counter, out, running);
            if (!reached) {
                err.println("IpcTap: stopped before " + settings.count() + " messages arrived");
            }
        } catch (final RuntimeException ex) {
            err.println("IpcTap: cannot subscribe through the media driver in " + context.aeronDirectoryName() +
                ": " + ex);
            out.println("received " + counter.received);
            return EXIT_FAILURE;
        }
        out.println("received " + counter.received);
        return reached ? EXIT_OK : EXIT_COUNT_NOT_REACHED;
    }

    private static boolean poll(final IpcTapSettings settings, final Subscription subscription,
        final MessageCounter counter, final PrintStream out, final BooleanSupplier running) {
        final IdleStrategy idle = new BackoffIdleStrategy();
        final long count = settings.count() > 0 ? settings.count() : Long.MAX_VALUE;
        final long timeoutNs = settings.timeoutNs() > 0 ? settings.timeoutNs() : Long.MAX_VALUE;
        final long startNs = System.nanoTime();
        long lastReportElapsedNs = 0;
        long receivedAtReport = 0;
        while (counter.received < count && running.getAsBoolean()) {
            final int limit = (int)Math.min(FRAGMENT_LIMIT, count - counter.received);
            idle.idle(subscription.poll(counter, limit));
            final long elapsedNs = System.nanoTime() - startNs;
            if (elapsedNs >= timeoutNs) {
                break;
            }
            if (!settings.print() && elapsedNs - lastReportElapsedNs >= REPORT_INTERVAL_NS) {
                out.printf("IpcTap: received %d (%.0f/s), %s%n", counter.received,
                    (counter.received - receivedAtReport) * 1e9 / (elapsedNs - lastReportElapsedNs),
                    subscription.isConnected() ? "publisher connected" : "no publisher");
                receivedAtReport = counter.received;
                lastReportElapsedNs = elapsedNs;
            }
        }
        return settings.count() == 0 || counter.received >= settings.count();
    }

    /**
     * Formats one message as printed by {@code --print}.
     *
     * @param buffer  holding the fragment.
     * @param offset  where the message starts.
     * @param length  bytes in the fragment.
     * @param message a reusable view.
     * @param line    cleared and filled.
     * @return {@code line}.
     */
    static StringBuilder describe(final DirectBuffer buffer, final int offset, final int length,
        final IpcMessageFlyweight message, final StringBuilder line) {
        message.wrap(buffer, offset);
        line.setLength(0);
        if (length < IpcMessageDescriptor.HEADER_LENGTH || message.version() != IpcMessageDescriptor.VERSION ||
            message.headerLength() > length) {
            return line.append("unreadable message: length=").append(length).append(" version=")
                .append(length > 0 ? message.version() : -1);
        }
        line.append(Ipv4.toString(message.group())).append(':').append(message.port())
            .append(" seq=").append(message.sequence())
            .append(" len=").append(message.payloadLength())
            .append(" payload=");
        final int start = message.payloadOffset();
        final int end = start + Math.min(PRINTED_PAYLOAD_BYTES,
            Math.min(message.payloadLength(), length - message.headerLength()));
        for (int i = start; i < end; i++) {
            final int octet = buffer.getByte(i) & 0xFF;
            line.append(HEX[octet >>> 4]).append(HEX[octet & 0xF]);
        }
        return line;
    }

    /** Counts fragments, printing each if asked; on the polling thread. */
    private static final class MessageCounter implements FragmentHandler {
        private final PrintStream out;
        private final boolean print;
        private final IpcMessageFlyweight message = new IpcMessageFlyweight();
        private final StringBuilder line = new StringBuilder(160);
        private long received;

        MessageCounter(final PrintStream out, final boolean print) {
            this.out = out;
            this.print = print;
        }

        @Override
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
            received++;
            if (print) {
                out.println(describe(buffer, offset, length, message, line));
            }
        }
    }
}
