package io.mcastrelay.loadtest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a forwarder reports it did in one run.
 *
 * @param framesIn            DATA frames it took off TCP.
 * @param datagramsOut        datagrams it sent.
 * @param errors              frames it dropped or could not send (relay: drops, protocol and send errors).
 * @param backPressureEpisods times the relay's ingress stopped reading because its IPC stream was full.
 * @param sendBufferFull      times the relay's egress found the socket buffer full (retried, not lost).
 */
record ForwarderCounters(long framesIn, long datagramsOut, long errors, long backPressureEpisods,
    long sendBufferFull) {

    /**
     * These counters without some frames that went in and out before (a warm-up).
     *
     * @param frames frames taken in and sent out.
     * @return the rest.
     */
    ForwarderCounters less(final long frames) {
        return new ForwarderCounters(framesIn - frames, datagramsOut - frames, errors, backPressureEpisods,
            sendBufferFull);
    }

    /**
     * Sums the lines the baseline and the yardstick print when a connection closes,
     * {@code closed port=P frames=N datagrams=N heartbeats=N errors=N}.
     *
     * @param log         the forwarder's output.
     * @param connections how many connections must have closed.
     * @return the sums, or null while fewer have closed.
     */
    static ForwarderCounters fromClosedLines(final List<String> log, final int connections) {
        long frames = 0;
        long datagrams = 0;
        long errors = 0;
        int closed = 0;
        for (final String line : log) {
            if (line.startsWith("closed ")) {
                final Map<String, Long> fields = new HashMap<>();
                for (final String field : line.substring("closed ".length()).split(" ")) {
                    final String[] pair = field.split("=");
                    fields.put(pair[0], Long.parseLong(pair[1]));
                }
                frames += fields.get("frames");
                datagrams += fields.get("datagrams");
                errors += fields.get("errors");
                closed++;
            }
        }
        return closed < connections ? null : new ForwarderCounters(frames, datagrams, errors, 0, 0);
    }

    /**
     * Reads the relay's counters from its Prometheus page, each summed over its tags.
     *
     * @param metrics {@code /actuator/prometheus}.
     * @return the counters.
     */
    static ForwarderCounters fromPrometheus(final String metrics) {
        final Map<String, Double> sums = new HashMap<>();
        for (final String line : metrics.split("\n")) {
            if (line.startsWith("relay_")) {
                final int space = line.lastIndexOf(' ');
                final int brace = line.indexOf('{');
                final String name = line.substring(0, brace > 0 ? brace : space);
                sums.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
            }
        }
        return new ForwarderCounters(
            sums.getOrDefault("relay_ingress_frames_total", 0.0).longValue(),
            sums.getOrDefault("relay_egress_datagrams_total", 0.0).longValue(),
            sums.getOrDefault("relay_egress_send_errors_total", 0.0).longValue()
                + sums.getOrDefault("relay_ingress_drops_total", 0.0).longValue()
                + sums.getOrDefault("relay_ingress_protocol_errors_total", 0.0).longValue(),
            sums.getOrDefault("relay_ingress_backpressure_episodes_total", 0.0).longValue(),
            sums.getOrDefault("relay_egress_send_buffer_full_total", 0.0).longValue());
    }
}
