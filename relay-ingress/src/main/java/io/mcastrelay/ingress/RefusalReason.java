package io.mcastrelay.ingress;

/** Why a TCP connection was refused as soon as it was accepted. */
public enum RefusalReason {
    /** The remote address lies in none of the feed's allowed CIDRs. */
    SOURCE_NOT_ALLOWED("source-not-allowed"),
    /** The feed already has its maximum number of connections. */
    MAX_CONNECTIONS("max-connections"),
    /** The relay is shutting down. */
    SHUTTING_DOWN("shutting-down");

    private final String reason;

    RefusalReason(final String reason) {
        this.reason = reason;
    }

    /** @return the tag value used in logs and metrics. */
    public String reason() {
        return reason;
    }
}
