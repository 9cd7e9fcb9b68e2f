package io.mcastrelay.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a unified GC log written with {@code -Xlog:gc*:file=...:time,uptime,level,tags} and finds the pauses in a
 * window of wall-clock time. Stateless.
 */
final class GcLog {
    /** {@code [2026-11-25T09:01:02.345+0000][12.345s][info][gc] GC(3) Pause Young (Normal) ... 2.345ms}. */
    private static final Pattern PAUSE = Pattern.compile(
        "^\\[([^\\]]+)\\]\\[[^\\]]+\\]\\[info\\s*\\]\\[gc\\s*\\] GC\\(\\d+\\) (Pause .*?) (\\d+)M->(\\d+)M\\((\\d+)M\\)"
            + " ([0-9.]+)ms");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private GcLog() {
    }

    /**
     * One stop-the-world pause.
     *
     * @param epochMs       when it was logged (its end), ms since the epoch.
     * @param what          {@code Pause Young (Normal) (G1 Evacuation Pause)} and the like.
     * @param heapBeforeMb  heap in use before.
     * @param heapAfterMb   heap in use after.
     * @param heapCommittedMb heap committed.
     * @param pauseMs       how long.
     */
    record Pause(long epochMs, String what, long heapBeforeMb, long heapAfterMb, long heapCommittedMb,
        double pauseMs) {
    }

    /**
     * The pauses of a window.
     *
     * @param inWindow  pauses that ended in it.
     * @param total     pauses in the whole log.
     */
    record Pauses(List<Pause> inWindow, int total) {
        double maxMs() {
            return inWindow.stream().mapToDouble(Pause::pauseMs).max().orElse(0);
        }

        double sumMs() {
            return inWindow.stream().mapToDouble(Pause::pauseMs).sum();
        }
    }

    static Pauses pauses(final Path log, final long fromEpochMs, final long toEpochMs) throws IOException {
        final List<Pause> window = new ArrayList<>();
        int total = 0;
        if (!Files.exists(log)) {
            return new Pauses(window, 0);
        }
        for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            final Pause pause = parse(line);
            if (pause != null) {
                total++;
                if (pause.epochMs() >= fromEpochMs && pause.epochMs() < toEpochMs) {
                    window.add(pause);
                }
            }
        }
        return new Pauses(window, total);
    }

    static Pause parse(final String line) {
        final Matcher matcher = PAUSE.matcher(line);
        if (!matcher.find()) {
            return null;
        }
        final long epochMs = OffsetDateTime.parse(matcher.group(1), TIME).toInstant().toEpochMilli();
        return new Pause(epochMs, matcher.group(2), Long.parseLong(matcher.group(3)),
            Long.parseLong(matcher.group(4)), Long.parseLong(matcher.group(5)), Double.parseDouble(matcher.group(6)));
    }
}
