package io.mcastrelay.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The full names of another JVM's threads by Linux thread id, from {@code jcmd PID Thread.print}: procfs's
 * {@code comm} keeps only 15 characters ({@code relay-ingress-f}). Runs a thread dump in that JVM, so it is only
 * called after a measurement window. Stateless.
 */
final class ThreadNames {
    /**
     * {@code "relay-egress" #31 daemon prio=5 os_prio=0 cpu=1.2ms elapsed=9.8s tid=0x7f nid=0x1a2b runnable}; JDK 17
     * prints nid in hex, JDK 19 and later in decimal.
     */
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+|\\d+)\\b");

    private ThreadNames() {
    }

    /**
     * Asks a JVM for its threads' names.
     *
     * @param java the java executable; jcmd is beside it.
     * @param pid  the JVM.
     * @return thread id to name; empty if jcmd is missing or fails.
     */
    static Map<Integer, String> ofJvm(final String java, final long pid) {
        try {
            final Process jcmd = new ProcessBuilder(Path.of(java).resolveSibling("jcmd").toString(),
                Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            final String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
            }
            return parse(dump);
        } catch (final IOException ex) {
            return Map.of();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /**
     * Reads the names out of a thread dump.
     *
     * @param dump the output of {@code jcmd PID Thread.print}.
     * @return thread id to name.
     */
    static Map<Integer, String> parse(final String dump) {
        final Map<Integer, String> names = new HashMap<>();
        for (final String line : dump.split("\n")) {
            final Matcher matcher = THREAD.matcher(line);
            if (matcher.find()) {
                final String nid = matcher.group(2);
                final int tid = nid.startsWith("0x") ? Integer.parseInt(nid.substring(2), 16) : Integer.parseInt(nid);
                names.put(tid, matcher.group(1));
            }
        }
        return names;
    }
}
