package io.mcastrelay.tools;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.ProbePayload;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@link RelaySender} does, validated on construction.
 *
 * @param host          the relay's address.
 * @param port          the relay feed's TCP port.
 * @param destinations  synthetic frames go round-robin over these; with length-prefixed framing only the count of
 *                      frames matters, since the feed's configuration picks the destination.
 * @param ratePerSecond frames per second; 0 sends as fast as the socket takes them.
 * @param payloadBytes  bytes of synthetic payload, at least {@link ProbePayload#HEADER_LENGTH}.
 * @param count         frames to send; 0 for no limit.
 * @param durationNs    how long to send; 0 for no limit.
 * @param file          frames to replay as they are instead of synthetic ones; null for synthetic.
 * @param framing       how frames are cut: relay-v1 or length-prefixed.
 */
record SenderSettings(
    String host,
    int port,
    List<Destination> destinations,
    double ratePerSecond,
    int payloadBytes,
    long count,
    long durationNs,
    Path file,
    Framing framing) {

    SenderSettings {
        destinations = List.copyOf(destinations);
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("option '--dest' needs at least one group:port");
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("option '--rate' must not be negative");
        }
        if (payloadBytes < ProbePayload.HEADER_LENGTH || payloadBytes > FrameDescriptor.MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("option '--payload-bytes' must lie in " + ProbePayload.HEADER_LENGTH +
                ".." + FrameDescriptor.MAX_PAYLOAD_LENGTH + ", got " + payloadBytes);
        }
        if (count < 0 || durationNs < 0) {
            throw new IllegalArgumentException("options '--count' and '--duration-seconds' must not be negative");
        }
    }

    /**
     * The options {@link RelaySender} understands.
     *
     * @return a fresh, unparsed {@link Args}.
     */
    static Args options() {
        return new Args("RelaySender", "Sends relay-v1 (or length-prefixed) frames over TCP to a relay feed port.")
            .option("--host", "127.0.0.1", "the relay's address")
            .option("--port", "6666", "the relay feed's TCP port")
            .option("--dest", "239.255.6.1:6200,239.255.6.2:6201", "comma-separated group:port list, round-robin")
            .option("--rate", "1000", "frames per second, 0 = as fast as possible")
            .option("--payload-bytes", "64", "synthetic payload size, at least " + ProbePayload.HEADER_LENGTH)
            .option("--count", null, "stop after this many frames (default unlimited)")
            .option("--duration-seconds", null, "stop after this long (default unlimited)")
            .option("--file", null, "replay the frames in this file as they are instead of synthetic ones")
            .option("--framing", "relay-v1", "relay-v1 or length-prefixed");
    }

    /**
     * Builds settings from a parsed command line.
     *
     * @param args parsed with {@link #options()}.
     * @return the settings.
     * @throws IllegalArgumentException naming the option at fault.
     */
    static SenderSettings from(final Args args) {
        final double durationSeconds = args.isSet("--duration-seconds") ? args.doubleValue("--duration-seconds", 0) : 0;
        return new SenderSettings(
            args.required("--host"),
            args.intValue("--port", 1, 0xFFFF),
            args.destinations("--dest"),
            args.doubleValue("--rate", 0),
            args.intValue("--payload-bytes", ProbePayload.HEADER_LENGTH, FrameDescriptor.MAX_PAYLOAD_LENGTH),
            args.isSet("--count") ? args.longValue("--count", 1, Long.MAX_VALUE) : 0,
            (long)(durationSeconds * TimeUnit.SECONDS.toNanos(1)),
            args.isSet("--file") ? Path.of(args.required("--file")) : null,
            parseFraming(args.required("--framing")));
    }

    static Framing parseFraming(final String text) {
        try {
            return Framing.parse(text);
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("option '--framing' expects relay-v1 or length-prefixed, got '" + text
                + "'", ex);
        }
    }
}
