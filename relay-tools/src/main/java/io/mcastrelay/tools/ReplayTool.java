package io.mcastrelay.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.ReplayFrames;
import io.mcastrelay.wire.ReplayFrames.Outcome;
import io.mcastrelay.wire.ReplayFrames.Request;

/**
 * {@code relay-replay}: one request to the relay's replay port from the command line, for an operator checking what
 * a relay holds and for a customer who cannot join multicast ({@code --live}: the feed over TCP, history first).
 *
 * <pre>
 * relay-replay --relay 10.0.1.5:6800 --feed prod --from -60s --count 100 --print
 * relay-replay --relay 10.0.1.5:6800 --feed prod --join 239.255.6.1:6200 --from -10s --live --print
 * </pre>
 *
 * <p>With {@code --print} each datagram is a line {@code 239.255.6.1:6200 seq=12 time=1764670000123456789 len=5
 * payload=68656c6c6f}; at the end one line {@code relay-replay: COMPLETE datagrams=N oldest-held=T newest=T reason=}.
 * Exit codes: 0 complete (or a live answer the user stopped), 1 partial, 2 bad command line, 3 refused or failed.
 */
public final class ReplayTool {
    static final int EXIT_PARTIAL = 1;
    private static final int TIMEOUT_MS = 10_000;
    private static final ToolMain<Settings> MAIN = new ToolMain<>("relay-replay", ReplayTool::options,
        ReplayTool::settings, ReplayTool::run);

    private ReplayTool() {
    }

    /**
     * What to ask.
     *
     * @param host    the relay.
     * @param port    its replay port.
     * @param request the request.
     * @param print   print each datagram.
     */
    record Settings(String host, int port, Request request, boolean print) {
    }

    static Args options() {
        return new Args("relay-replay", "Asks a relay's replay port for a feed's recorded datagrams (docs/recovery.md)"
            + " and prints them; --live carries on with the live stream over the same connection.")
            .option("--relay", "127.0.0.1:6800", "the relay's replay port, host:port")
            .option("--feed", null, "the feed's name on the relay (required)")
            .option("--join", null, "one VPC-side group:port (default: every group of the feed)")
            .option("--from", null, "start time: ISO-8601, epoch milliseconds or -Ns (seconds ago)")
            .option("--from-sequence", null, "start at this exchange sequence instead (needs --join and a feed with"
                + " a sequence locator)")
            .option("--to", null, "end before this time (same forms as --from)")
            .option("--count", null, "end after this many datagrams")
            .flag("--live", "no end: after the history, the live stream, until Ctrl-C")
            .flag("--print", "print each datagram: group:port seq= time= len= payload=<hex>");
    }

    static Settings settings(final Args args) {
        final String relay = args.required("--relay");
        final int colon = relay.lastIndexOf(':');
        if (colon <= 0 || !relay.substring(colon + 1).matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("option '--relay': '" + relay + "' is not host:port");
        }
        final String feed = args.value("--feed");
        if (feed == null) {
            throw new IllegalArgumentException("option '--feed' is required");
        }
        final Destination group = args.isSet("--join") ? args.destinations("--join").get(0) : null;
        if (args.isSet("--from") == args.isSet("--from-sequence")) {
            throw new IllegalArgumentException("give one of '--from' and '--from-sequence'");
        }
        final int ends =
            (args.isSet("--to") ? 1 : 0) + (args.isSet("--count") ? 1 : 0) + (args.isSet("--live") ? 1 : 0);
        if (ends != 1) {
            throw new IllegalArgumentException("give one of '--to', '--count' and '--live'");
        }
        final long now = System.currentTimeMillis();
        final boolean bySequence = args.isSet("--from-sequence");
        if (bySequence && group == null) {
            throw new IllegalArgumentException("option '--from-sequence' needs '--join' (each group has its own "
                + "sequence)");
        }
        final long start = bySequence ? args.longValue("--from-sequence", 0, Long.MAX_VALUE)
            : SubscriberSettings.from(args.required("--from"), now);
        final int endKind = args.isSet("--to") ? ReplayFrames.KIND_TIME
            : args.isSet("--count") ? ReplayFrames.KIND_COUNT : ReplayFrames.KIND_LIVE;
        final long end = endKind == ReplayFrames.KIND_TIME ? SubscriberSettings.from(args.required("--to"), now)
            : endKind == ReplayFrames.KIND_COUNT ? args.longValue("--count", 1, Long.MAX_VALUE) : 0;
        return new Settings(relay.substring(0, colon), Integer.parseInt(relay.substring(colon + 1)),
            new Request(bySequence ? ReplayFrames.KIND_SEQUENCE : ReplayFrames.KIND_TIME, endKind,
                group == null ? 0 : group.group(), group == null ? 0 : group.port(), start, end, 1, feed),
            args.isSet("--print"));
    }

    static int run(final Settings settings, final PrintStream out, final PrintStream err,
        final BooleanSupplier running) throws IOException {
        final HexFormat hex = HexFormat.of();
        final long[] received = {0};
        final ReplayClient client = new ReplayClient(settings.host(), settings.port(), TIMEOUT_MS);
        try {
            final Thread watcher = new Thread(() -> {
                while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(100);
                    } catch (final InterruptedException ex) {
                        return;
                    }
                }
                try {
                    client.close();
                } catch (final IOException ignore) {
                    // closing is all that is wanted
                }
            }, "relay-replay-stop");
            watcher.setDaemon(true);
            watcher.start();
            final ReplayClient.Answer answer;
            try {
                answer = client.request(settings.request(), (group, port, sequence, time, buffer, offset, length) -> {
                    received[0]++;
                    if (settings.print()) {
                        final byte[] payload = new byte[length];
                        buffer.getBytes(offset, payload);
                        out.println(Ipv4.toString(group) + ":" + port + " seq=" + sequence + " time=" + time +
                            " len=" + length + " payload=" + hex.formatHex(payload));
                    }
                });
            } catch (final IOException ex) {
                if (!running.getAsBoolean()) {
                    out.println("relay-replay: stopped datagrams=" + received[0]);
                    return ToolMain.EXIT_OK;
                }
                throw ex;
            } finally {
                watcher.interrupt();
            }
            out.println("relay-replay: " + answer.outcome() + " datagrams=" + answer.datagrams() + " oldest-held=" +
                answer.oldestHeld() + " newest=" + answer.newestHeld() + " reason=" + answer.reason());
            return answer.outcome() == Outcome.COMPLETE ? ToolMain.EXIT_OK
                : answer.outcome() == Outcome.PARTIAL ? EXIT_PARTIAL : ToolMain.EXIT_FAILURE;
        } finally {
            client.close();
        }
    }

    /**
     * Runs the tool; exits with its code.
     *
     * @param args the command line; {@code --help} lists it.
     */
    public static void main(final String[] args) {
        MAIN.main(args);
    }
}
