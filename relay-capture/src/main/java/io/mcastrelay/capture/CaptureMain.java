package io.mcastrelay.capture;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The capture's command line: {@code java -jar relay-capture.jar --config capture.properties [overrides]}, or a
 * single feed entirely from options. Prints one {@code relay-capture started: feed=...} line per feed on stdout once
 * its groups are joined (for scripts and harnesses that wait for it), runs until SIGTERM or Ctrl-C, then stops
 * gracefully (see {@link Capture#close()}) and prints each feed's final counters on stdout. Exit codes: 2 for a bad
 * setting (one line on stderr naming it), 3 if a group socket cannot be opened. Main thread and the JVM's shutdown
 * hook.
 */
public final class CaptureMain {
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 3;
    private static final String PROGRAM = "relay-capture";
    private static final Map<String, String> SHORTHANDS = Map.of(
        "--feed", "capture.feeds[0].name",
        "--relays", "capture.feeds[0].relays",
        "--groups", "capture.feeds[0].groups",
        "--interface", "capture.feeds[0].interface");
    private static final String USAGE = """
        usage: relay-capture [--config FILE] [--feed NAME --relays HOST:PORT,... --groups GROUP:PORT,...
                             --interface NAME|ADDRESS] [--capture.KEY=VALUE | --KEY VALUE ...]
        Joins the exchange's multicast groups and streams every datagram to the relay as relay-v1.1 DATA frames,
        resending what the relay has not acknowledged after a reconnection. Runs until SIGTERM.

          --config FILE     a properties file with capture.* keys (see docs/capture.md)
          --feed NAME       shorthand for capture.feeds[0].name
          --relays LIST     shorthand for capture.feeds[0].relays, e.g. relay-a:6667,relay-b:6667
          --groups LIST     shorthand for capture.feeds[0].groups, e.g. 239.255.7.1:6100,239.255.7.2:6101
          --interface IF    shorthand for capture.feeds[0].interface, e.g. eth1 or 10.1.2.3
          --KEY=VALUE       any capture.* key (the capture. prefix may be left out), e.g.
                            --replay-buffer-bytes=128m --capture.feeds[0].liveness-timeout=2s
          --help            print this text""";

    private CaptureMain() {
    }

    /**
     * Starts the capture and waits for the JVM to be told to stop.
     *
     * @param argv the command line.
     */
    public static void main(final String[] argv) {
        final Capture capture;
        try {
            final Properties properties = properties(argv);
            if (properties == null) {
                System.out.println(USAGE);
                return;
            }
            capture = Capture.start(CaptureConfig.settings(properties));
        } catch (final IllegalArgumentException ex) {
            System.exit(report(System.err, ex, EXIT_USAGE));
            return;
        } catch (final UncheckedIOException ex) {
            System.exit(report(System.err, ex, EXIT_FAILURE));
            return;
        }
        for (final CaptureFeedSettings feed : capture.settings().feeds()) {
            System.out.println("relay-capture started: feed=" + feed.name() + " session="
                + Long.toHexString(capture.sessionId(feed.name())) + " relays=" + feed.relays() + " groups="
                + feed.groups());
        }
        System.out.flush();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            capture.close();
            for (final CaptureCounters counters : capture.counters()) {
                System.out.println("relay-capture final: " + counters.summary());
            }
            System.out.flush();
            stopped.countDown();
        }, "capture-shutdown"));
        try {
            stopped.await();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Turns the command line into properties: the file first, then every option over it.
     *
     * @param argv the command line.
     * @return the properties, or null if {@code --help} was asked for.
     * @throws IllegalArgumentException naming the option that is wrong.
     */
    static Properties properties(final String[] argv) {
        final Properties properties = new Properties();
        final Properties overrides = new Properties();
        int i = 0;
        while (i < argv.length) {
            final String arg = argv[i++];
            if ("--help".equals(arg) || "-h".equals(arg)) {
                return null;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options are --name value or "
                    + "--name=value (see --help)");
            }
            final int equals = arg.indexOf('=');
            final String name = equals > 0 ? arg.substring(0, equals) : arg;
            final String value;
            if (equals > 0) {
                value = arg.substring(equals + 1);
            } else if (i < argv.length && !argv[i].startsWith("--")) {
                value = argv[i++];
            } else {
                throw new IllegalArgumentException("option '" + name + "' needs a value");
            }
            if ("--config".equals(name)) {
                properties.putAll(CaptureConfig.load(Path.of(value)));
            } else {
                final String key = SHORTHANDS.getOrDefault(name, name.substring(2));
                overrides.setProperty(key.startsWith("capture.") ? key : "capture." + key, value);
            }
        }
        properties.putAll(overrides);
        return properties;
    }

    private static int report(final PrintStream err, final RuntimeException ex, final int exitCode) {
        err.println(PROGRAM + ": " + ex.getMessage());
        return exitCode;
    }
}
