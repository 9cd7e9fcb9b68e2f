package io.mcastrelay.wire;

/**
 * Every meter the relay's counters become, in one typed table: the counter's name (its label starts with it, so
 * AeronStat shows the same name), the meter it is published as, what kind of meter that is, its base unit and its
 * description. Ingress and egress allocate their counters from it; relay-health binds them by it. Tags (feed,
 * reason, group, ...) are carried beside each counter, not in the table. docs/metrics.md explains each one.
 */
public enum RelayMeter {
    /** DATA frames received, well formed, whether relayed or dropped. */
    INGRESS_FRAMES("relay.ingress.frames", Kind.COUNTER, null, "DATA frames received, well formed"),
    /** Payload bytes of those frames. */
    INGRESS_BYTES("relay.ingress.bytes", Kind.COUNTER, "bytes", "Payload bytes of the DATA frames received"),
    /** HEARTBEAT frames received. */
    INGRESS_HEARTBEATS("relay.ingress.heartbeats", Kind.COUNTER, null, "HEARTBEAT frames received"),
    /** Open connections now. */
    INGRESS_CONNECTIONS_CURRENT("relay.ingress.connections.current", Kind.GAUGE, null, "Open connections"),
    /** Connections accepted since start. */
    INGRESS_CONNECTIONS_ACCEPTED("relay.ingress.connections.accepted", Kind.COUNTER, null, "Connections accepted"),
    /** Connections refused, by reason. */
    INGRESS_CONNECTIONS_REFUSED("relay.ingress.connections.refused", Kind.COUNTER, null,
        "Connections refused, by reason"),
    /** Connections closed for sending nothing for the idle timeout. */
    INGRESS_IDLE_TIMEOUTS("relay.ingress.idle.timeouts", Kind.COUNTER, null,
        "Connections closed for silence longer than the idle timeout"),
    /** Times a connection stopped reading because the IPC stream pushed back. */
    INGRESS_BACKPRESSURE_EPISODES("relay.ingress.backpressure.episodes", Kind.COUNTER, null,
        "Times a connection stopped reading because the IPC stream was full"),
    /** Time connections spent not reading because of back-pressure, counted in nanoseconds, published in seconds. */
    INGRESS_BACKPRESSURE_TIME("relay.ingress.backpressure.time", Kind.NANOSECONDS, "seconds",
        "Time connections spent not reading because the IPC stream was full"),
    /** Gaps in the sender's sequence numbers. */
    INGRESS_SEQUENCE_GAPS("relay.ingress.sequence.gaps", Kind.COUNTER, null, "Gaps in the senders' sequences"),
    /** Repeated or backward sender sequence numbers. */
    INGRESS_SEQUENCE_REPEATS("relay.ingress.sequence.repeats", Kind.COUNTER, null,
        "Repeated or backward sequences from the senders"),
    /** Connections that opened with HELLO (relay-v1.1 sessions), new or resumed. */
    INGRESS_SESSIONS("relay.ingress.sessions", Kind.COUNTER, null, "Connections that opened a relay-v1.1 session"),
    /** DATA frames of a resumed session skipped because this relay had published them already. */
    INGRESS_DUPLICATES("relay.ingress.duplicates", Kind.COUNTER, null,
        "Frames of a resumed session skipped as already published"),
    /** Protocol errors, by reason; each closed its connection. */
    INGRESS_PROTOCOL_ERRORS("relay.ingress.protocol.errors", Kind.COUNTER, null,
        "Protocol errors, by reason; each closed its connection"),
    /** Frames dropped without closing the connection, by reason. */
    INGRESS_DROPS("relay.ingress.drops", Kind.COUNTER, null, "Frames dropped, by reason"),
    /** When the last DATA frame arrived (epoch nanoseconds), published as its age in seconds. */
    INGRESS_LAST_FRAME_TIME("relay.ingress.last.frame.time", Kind.AGE, "seconds",
        "Seconds since the feed's last DATA frame; NaN before the first"),
    /** TLS certificate reloads, by result. */
    INGRESS_TLS_RELOADS("relay.ingress.tls.reloads", Kind.COUNTER, null, "TLS certificate reloads, by result"),
    /** When the TLS certificate expires (epoch seconds), published as seconds until then. */
    INGRESS_TLS_CERTIFICATE_NOT_AFTER("relay.ingress.tls.certificate.not.after", Kind.EXPIRY, "seconds",
        "Seconds until the feed's TLS certificate expires (negative: expired); NaN without TLS"),
    /** Datagrams sent to a destination. */
    EGRESS_DATAGRAMS("relay.egress.datagrams", Kind.COUNTER, null, "Datagrams sent, per destination"),
    /** Payload bytes sent to a destination. */
    EGRESS_BYTES("relay.egress.bytes", Kind.COUNTER, "bytes", "Payload bytes sent, per destination"),
    /** Exchange sequence numbers skipped, per destination (feeds with a sequence locator): loss before the relay. */
    EGRESS_EXCHANGE_GAPS("relay.egress.exchange.gaps", Kind.COUNTER, null,
        "Exchange sequence numbers missing before the relay, per destination (feeds with a sequence locator)"),
    /** Exchange sequence numbers not above the previous one, per destination. */
    EGRESS_EXCHANGE_REPEATS("relay.egress.exchange.repeats", Kind.COUNTER, null,
        "Exchange sequence numbers repeated or going back, per destination (feeds with a sequence locator)"),
    /** Datagrams not sent, by reason. */
    EGRESS_SEND_ERRORS("relay.egress.send.errors", Kind.COUNTER, null, "Datagrams not sent, by reason"),
    /** Sends that found the socket buffer full and were retried (nothing lost). */
    EGRESS_SEND_BUFFER_FULL("relay.egress.send.buffer.full", Kind.COUNTER, null,
        "Sends that found the socket buffer full and were retried"),
    /** Unexpected errors of an egress agent, each logged (at most once per 10 s) and survived. */
    EGRESS_AGENT_ERRORS("relay.egress.agent.errors", Kind.COUNTER, null, "Unexpected errors of the egress agents");

    /** How a counter's value becomes a meter. */
    public enum Kind {
        /** A monotonic count, published as is. */
        COUNTER,
        /** A level that goes up and down, published as is. */
        GAUGE,
        /** A monotonic count of nanoseconds, published in seconds. */
        NANOSECONDS,
        /** A time in epoch nanoseconds, published as seconds since then ({@code .time} becomes {@code .age}). */
        AGE,
        /** A time in epoch seconds, published as seconds until then ({@code .not.after} becomes {@code .expiry}). */
        EXPIRY
    }

    private final String counterName;
    private final Kind kind;
    private final String baseUnit;
    private final String description;

    RelayMeter(final String counterName, final Kind kind, final String baseUnit, final String description) {
        this.counterName = counterName;
        this.kind = kind;
        this.baseUnit = baseUnit;
        this.description = description;
    }

    /** @return the counter's name, the first word of its label. */
    public String counterName() {
        return counterName;
    }

    /** @return the meter's name, as Micrometer registers it. */
    public String meterName() {
        return switch (kind) {
            case AGE -> counterName.replace(".time", ".age");
            case EXPIRY -> counterName.replace(".not.after", ".expiry");
            default -> counterName;
        };
    }

    /** @return how the value becomes the meter. */
    public Kind kind() {
        return kind;
    }

    /** @return the meter's base unit, or null for a plain count. */
    public String baseUnit() {
        return baseUnit;
    }

    /** @return one line for the meter's description. */
    public String description() {
        return description;
    }

    /**
     * The counter's label: its name, then each tag as {@code key=value}, then its raw unit where the counter holds
     * one (as AeronStat shows it), for example {@code relay.ingress.backpressure.time feed=prod unit=ns}.
     *
     * @param tags alternating keys and values.
     * @return the label.
     */
    public String label(final String... tags) {
        final StringBuilder label = new StringBuilder(counterName);
        for (int i = 0; i + 1 < tags.length; i += 2) {
            label.append(' ').append(tags[i]).append('=').append(tags[i + 1]);
        }
        return switch (kind) {
            case NANOSECONDS -> label.append(" unit=ns").toString();
            case AGE -> label.append(" unit=epoch-ns").toString();
            case EXPIRY -> label.append(" unit=epoch-s").toString();
            default -> label.toString();
        };
    }
}
