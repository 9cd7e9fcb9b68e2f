package io.mcastrelay.tools;

import io.mcastrelay.tools.SendLoop.SendTotals;
import io.mcastrelay.wire.ProbePayload;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;

/**
 * Connects to a relay feed port and sends relay-v1 DATA frames (or length-prefixed ones), synthetic or replayed from
 * a file, at a paced rate, with a HEARTBEAT after each second without DATA. Prints a line per second and a total.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.mcastrelay.tools.RelaySender \
 *     --port 6666 --dest 239.255.6.1:6200,239.255.6.2:6201 --rate 1000 --duration-seconds 10
 * </pre>
 *
 * <p>Synthetic payloads start with a {@link ProbePayload} header that {@link RelaySubscriber} reads. The loop is
 * {@link SendLoop}: a blocking {@link SocketChannel}, one reused direct buffer, no allocation per frame. A daemon
 * thread reads and discards what the relay sends back (its heartbeats). Exit codes: 0 done, 2 bad command line,
 * 3 connection or file failure.
 */
public final class RelaySender {
    static final int EXIT_OK = ToolMain.EXIT_OK;
    static final int EXIT_USAGE = ToolMain.EXIT_USAGE;
    static final int EXIT_FAILURE = ToolMain.EXIT_FAILURE;

    private static final ToolMain<SenderSettings> MAIN = new ToolMain<>("RelaySender", SenderSettings::options,
        SenderSettings::from, (settings, out, err, running) -> {
            send(settings, out, running);
            return EXIT_OK;
        });

    private RelaySender() {
    }

    /**
     * Runs the sender; see {@code --help}. Ctrl-C ends it after the total is printed.
     *
     * @param args the command line.
     */
    public static void main(final String[] args) {
        MAIN.main(args);
    }

    /**
     * Parses the command line and sends.
     *
     * @param argv    the command line.
     * @param out     for progress.
     * @param err     for errors.
     * @param running polled by the loop; false ends it.
     * @return the exit code.
     */
    static int run(final String[] argv, final PrintStream out, final PrintStream err, final BooleanSupplier running) {
        return MAIN.run(argv, out, err, running);
    }

    /**
     * Connects, sends until the count, the duration or the file runs out (or {@code running} turns false), prints
     * the total and closes the connection.
     *
     * @param settings what to send.
     * @param out      for the per-second lines and the total.
     * @param running  polled between batches; false ends the run.
     * @return what was sent.
     * @throws IOException if the file cannot be opened, the connection fails, or with where and why a replayed file
     *                     held a bad frame (the frames before it were sent).
     */
    static SendTotals send(final SenderSettings settings, final PrintStream out, final BooleanSupplier running)
        throws IOException {
        final InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        final SendTotals totals;
        final String replayError;
        try (FrameSource source = openSource(settings)) {
            final SocketChannel channel;
            try {
                channel = SocketChannel.open(address);
            } catch (final IOException ex) {
                throw new IOException("cannot connect to " + address + ": " + ex, ex);
            }
            try (channel) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                startDiscardingInbound(channel);
                out.println("RelaySender: connected to " + address + ", " + settings.framing() + ", " +
                    (settings.file() != null ? "replaying " + settings.file() : "to " + settings.destinations()));
                totals = new SendLoop(settings, source, channel, out).run(running);
            } catch (final IOException ex) {
                throw new IOException("sending to " + address + " failed: " + ex, ex);
            }
            replayError = source instanceof FileFrameSource fileSource ? fileSource.error() : null;
        }
        out.println("RelaySender: total " + totals);
        if (replayError != null) {
            throw new IOException(replayError + "; stopped after " + totals.frames() + " frames");
        }
        return totals;
    }

    private static FrameSource openSource(final SenderSettings settings) throws IOException {
        if (settings.file() == null) {
            return new SyntheticFrameSource(settings.framing(), settings.destinations(), settings.payloadBytes());
        }
        try {
            return new FileFrameSource(settings.file(), settings.framing());
        } catch (final IOException ex) {
            throw new IOException("cannot read " + settings.file() + ": " + ex, ex);
        }
    }

    private static void startDiscardingInbound(final SocketChannel channel) {
        final Thread discard = new Thread(() -> {
            final ByteBuffer buffer = ByteBuffer.allocate(4096);
            try {
                while (channel.read(buffer) >= 0) {
                    buffer.clear();
                }
            } catch (final IOException ignore) {
                // the sending thread closed the channel, or reports the failure itself
            }
        }, "relay-sender-discard");
        discard.setDaemon(true);
        discard.start();
    }
}
