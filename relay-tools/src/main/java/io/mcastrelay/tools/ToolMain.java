package io.mcastrelay.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code main} every tool has: parse the command line, answer {@code --help}, run the tool under a
 * {@link ShutdownSignal} so that Ctrl-C ends its loop after the summary is printed, and turn what goes wrong into one
 * line on stderr and an exit code: 2 for a bad option (an {@link IllegalArgumentException}, from parsing or from the
 * tool finding out late, such as an interface that does not exist), 3 for a failure while running (an
 * {@link IOException} or {@link IllegalStateException}). Runs on the main thread.
 *
 * @param <S> the tool's settings.
 */
final class ToolMain<S> {
    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 3;

    /**
     * The tool proper, once its settings are known.
     *
     * @param <S> the tool's settings.
     */
    @FunctionalInterface
    interface Tool<S> {
        /**
         * Runs until done or until {@code running} turns false.
         *
         * @param settings from the command line.
         * @param out      for progress and the summary.
         * @param err      for errors.
         * @param running  polled by the tool's loop; false ends it.
         * @return the exit code.
         * @throws IOException if the run fails.
         */
        int run(S settings, PrintStream out, PrintStream err, BooleanSupplier running) throws IOException;
    }

    private final String program;
    private final Supplier<Args> options;
    private final Function<Args, S> settings;
    private final Tool<S> tool;

    /**
     * @param program  the name errors start with, as in {@code RelaySender: cannot connect ...}.
     * @param options  a fresh, unparsed command line for the tool.
     * @param settings builds the settings from the parsed command line, or says which option is bad.
     * @param tool     what runs with them.
     */
    ToolMain(final String program, final Supplier<Args> options, final Function<Args, S> settings,
        final Tool<S> tool) {
        this.program = program;
        this.options = options;
        this.settings = settings;
        this.tool = tool;
    }

    /**
     * Runs the tool on {@code System.out} and {@code System.err} and exits the JVM with its code.
     *
     * @param argv the command line.
     */
    void main(final String[] argv) {
        final ShutdownSignal signal = ShutdownSignal.onShutdown(program);
        final int exitCode;
        try {
            exitCode = run(argv, System.out, System.err, signal);
        } finally {
            signal.finished();
        }
        System.exit(exitCode);
    }

    /**
     * Parses the command line and runs the tool.
     *
     * @param argv    the command line.
     * @param out     for the usage text, progress and the summary.
     * @param err     for errors.
     * @param running polled by the tool's loop; false ends it.
     * @return the exit code.
     */
    int run(final String[] argv, final PrintStream out, final PrintStream err, final BooleanSupplier running) {
        final Args args = options.get();
        final S parsed;
        try {
            args.parse(argv);
            if (args.helpRequested()) {
                out.println(args.usage());
                return EXIT_OK;
            }
            parsed = settings.apply(args);
        } catch (final IllegalArgumentException ex) {
            return report(err, ex, EXIT_USAGE);
        }
        try {
            return tool.run(parsed, out, err, running);
        } catch (final IllegalArgumentException ex) {
            return report(err, ex, EXIT_USAGE);
        } catch (final IOException | IllegalStateException ex) {
            return report(err, ex, EXIT_FAILURE);
        }
    }

    private int report(final PrintStream err, final Exception ex, final int exitCode) {
        err.println(program + ": " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
        return exitCode;
    }
}
