package io.mcastrelay.ingress;

/** Why a well-formed DATA frame was dropped while its connection stays open. */
public enum DropReason {
    /** The frame's group:port is not among the feed's destinations. */
    DESTINATION_NOT_ALLOWED("destination-not-allowed"),
    /** The payload is larger than the feed's maximum (the Transit Gateway would drop it). */
    PAYLOAD_OVER_MAXIMUM("payload-over-maximum");

    private final String reason;

    DropReason(final String reason) {
        this.reason = reason;
    }

    /** @return the tag value used in logs and metrics. */
    public String reason() {
        return reason;
    }
}
