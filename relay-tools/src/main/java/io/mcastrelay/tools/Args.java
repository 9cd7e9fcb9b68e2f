package io.mcastrelay.tools;

import io.mcastrelay.wire.Destination;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-rolled {@code --name value} parsing for the tools, in the manner of Aeron's samples: no framework. Options are
 * declared with {@link #option} (takes a value) or {@link #flag} (takes none); {@code --help} is always known. Every
 * error is an {@link IllegalArgumentException} whose message names the option. Used by the main thread only.
 */
final class Args {
    static final String HELP = "--help";

    private final String program;
    private final String summary;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private boolean helpRequested;

    private record Option(String name, boolean takesValue, String defaultValue, String description) {
    }

    Args(final String program, final String summary) {
        this.program = program;
        this.summary = summary;
    }

    /**
     * Declares an option that takes a value.
     *
     * @param name         with its leading {@code --}.
     * @param defaultValue used when the option is absent; null for none.
     * @param description  one line for the usage text.
     * @return this, for chaining.
     */
    Args option(final String name, final String defaultValue, final String description) {
        return declare(new Option(name, true, defaultValue, description));
    }

    /**
     * Declares an option that takes no value.
     *
     * @param name        with its leading {@code --}.
     * @param description one line for the usage text.
     * @return this, for chaining.
     */
    Args flag(final String name, final String description) {
        return declare(new Option(name, false, null, description));
    }

    private Args declare(final Option option) {
        if (!option.name().startsWith("--") || options.put(option.name(), option) != null) {
            throw new IllegalStateException("bad or duplicate option declaration: " + option.name());
        }
        return this;
    }

    /**
     * Reads the command line. {@code --help} anywhere stops parsing and sets {@link #helpRequested()}.
     *
     * @param argv as given to {@code main}.
     * @return this, for chaining.
     * @throws IllegalArgumentException for an unknown option, a missing value, a stray argument or a repeat.
     */
    Args parse(final String[] argv) {
        for (final String arg : argv) {
            if (HELP.equals(arg)) {
                helpRequested = true;
                return this;
            }
        }
        int i = 0;
        while (i < argv.length) {
            final String arg = argv[i++];
            final Option option = options.get(arg);
            if (option == null) {
                throw new IllegalArgumentException(arg.startsWith("--") ?
                    "unknown option '" + arg + "' (see --help)" :
                    "unexpected argument '" + arg + "': options are given as --name value (see --help)");
            }
            if (values.containsKey(arg)) {
                throw new IllegalArgumentException("option '" + arg + "' given more than once");
            }
            if (option.takesValue()) {
                if (i == argv.length || options.containsKey(argv[i]) || argv[i].isEmpty()) {
                    throw new IllegalArgumentException("option '" + arg + "' needs a value");
                }
                values.put(arg, argv[i++]);
            } else {
                values.put(arg, "true");
            }
        }
        return this;
    }

    boolean helpRequested() {
        return helpRequested;
    }

    /**
     * Whether the option was given on the command line (a default does not count).
     *
     * @param name the option.
     * @return true if given.
     */
    boolean isSet(final String name) {
        known(name);
        return values.containsKey(name);
    }

    /**
     * The option's value or its default.
     *
     * @param name the option.
     * @return the text, or null if neither given nor defaulted.
     */
    String value(final String name) {
        final Option option = known(name);
        final String value = values.get(name);
        return value != null ? value : option.defaultValue();
    }

    String required(final String name) {
        final String value = value(name);
        if (value == null) {
            throw new IllegalArgumentException("missing required option '" + name + "'");
        }
        return value;
    }

    /**
     * The option's value as a comma-separated {@code group:port} list: {@code 239.255.6.1:6200,239.255.6.2:6201}.
     *
     * @param name the option.
     * @return the destinations in the order given, at least one, each sent to and received on as given.
     * @throws IllegalArgumentException naming the option and the bad entry.
     */
    List<Destination> destinations(final String name) {
        return parseDestinations(name, required(name));
    }

    /**
     * Parses a comma-separated {@code group:port} list with relay-wire's {@link Destination#parse}; a tool sends to
     * and joins groups as given, so a remap ({@code ->}) is refused.
     *
     * @param option the option the text came from, named in errors.
     * @param text   the list.
     * @return the destinations in the order given, at least one.
     */
    static List<Destination> parseDestinations(final String option, final String text) {
        final List<Destination> destinations = new ArrayList<>();
        for (final String item : text.split(",", -1)) {
            final String entry = item.trim();
            try {
                if (entry.contains("->")) {
                    throw new IllegalArgumentException("expected group:port");
                }
                destinations.add(Destination.parse(entry));
            } catch (final IllegalArgumentException ex) {
                throw new IllegalArgumentException(
                    "option '" + option + "': bad group:port '" + entry + "': " + ex.getMessage(), ex);
            }
        }
        return List.copyOf(destinations);
    }

    long longValue(final String name, final long min, final long max) {
        final String text = required(name);
        try {
            final long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (final NumberFormatException ignore) {
            // reported below, with the option's name
        }
        throw new IllegalArgumentException(
            "option '" + name + "' expects an integer in " + min + ".." + max + ", got '" + text + "'");
    }

    int intValue(final String name, final int min, final int max) {
        return (int)longValue(name, min, max);
    }

    double doubleValue(final String name, final double min) {
        final String text = required(name);
        try {
            final double value = Double.parseDouble(text.trim());
            if (value >= min && Double.isFinite(value)) {
                return value;
            }
        } catch (final NumberFormatException ignore) {
            // reported below, with the option's name
        }
        final String minText = min == Math.rint(min) ? Long.toString((long)min) : Double.toString(min);
        throw new IllegalArgumentException(
            "option '" + name + "' expects a number >= " + minText + ", got '" + text + "'");
    }

    String usage() {
        final StringBuilder usage = new StringBuilder(512)
            .append("usage: ").append(program).append(" [options]\n").append(summary).append("\n\noptions:\n");
        for (final Option option : options.values()) {
            final String left = option.name() + (option.takesValue() ? " <value>" : "");
            usage.append(String.format("  %-24s %s", left, option.description()));
            if (option.defaultValue() != null) {
                usage.append(" (default ").append(option.defaultValue()).append(')');
            }
            usage.append('\n');
        }
        return usage.append(String.format("  %-24s %s", HELP, "print this text and exit")).toString();
    }

    private Option known(final String name) {
        final Option option = options.get(name);
        if (option == null) {
            throw new IllegalStateException("option not declared: " + name);
        }
        return option;
    }
}
