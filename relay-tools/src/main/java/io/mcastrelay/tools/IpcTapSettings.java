package io.mcastrelay.tools;

import io.aeron.CommonContext;
import java.util.concurrent.TimeUnit;

/**
 * What {@link IpcTap} subscribes to and when it stops, validated on construction.
 *
 * @param aeronDir  the media driver's directory; null to use the {@code aeron.dir} system property.
 * @param channel   the Aeron channel, normally {@code aeron:ipc}.
 * @param streamId  the feed's IPC stream id.
 * @param count     stop with success after this many messages; 0 for no limit.
 * @param timeoutNs give up after this long; 0 for never.
 * @param print     one line per message instead of one per second.
 */
record IpcTapSettings(String aeronDir, String channel, int streamId, long count, long timeoutNs, boolean print) {
    static final String DEFAULT_TIMEOUT_SECONDS = "30";

    IpcTapSettings {
        if (aeronDir == null && System.getProperty(CommonContext.AERON_DIR_PROP_NAME) == null) {
            throw new IllegalArgumentException("missing required option '--aeron-dir' (or set -D" +
                CommonContext.AERON_DIR_PROP_NAME + ")");
        }
        if (count < 0 || timeoutNs < 0) {
            throw new IllegalArgumentException("options '--count' and '--timeout-seconds' must not be negative");
        }
    }

    /**
     * The options {@link IpcTap} understands.
     *
     * @return a fresh, unparsed {@link Args}.
     */
    static Args options() {
        return new Args("IpcTap",
            "Subscribes to a feed's Aeron IPC stream through an already running media driver, as a third party.")
            .option("--aeron-dir", null, "the media driver's directory (required unless -Daeron.dir is set)")
            .option("--stream-id", "1001", "the feed's IPC stream id")
            .option("--channel", "aeron:ipc", "the Aeron channel")
            .option("--count", "0", "exit 0 after this many messages; 0 = unlimited")
            .option("--timeout-seconds", DEFAULT_TIMEOUT_SECONDS,
                "exit 1 if --count is not reached by then; 0 = never; with --count 0 only when given")
            .flag("--print", "one line per message: group:port seq= len= payload=<hex of the first 32 bytes>");
    }

    /**
     * Builds settings from a parsed command line.
     *
     * @param args parsed with {@link #options()}.
     * @return the settings.
     * @throws IllegalArgumentException naming the option at fault.
     */
    static IpcTapSettings from(final Args args) {
        final long count = args.longValue("--count", 0, Long.MAX_VALUE);
        final boolean timeoutApplies = count > 0 || args.isSet("--timeout-seconds");
        final double timeoutSeconds = timeoutApplies ? args.doubleValue("--timeout-seconds", 0) : 0;
        return new IpcTapSettings(
            args.value("--aeron-dir"),
            args.required("--channel"),
            args.intValue("--stream-id", Integer.MIN_VALUE, Integer.MAX_VALUE),
            count,
            (long)(timeoutSeconds * TimeUnit.SECONDS.toNanos(1)),
            args.isSet("--print"));
    }
}
