package io.mcastrelay.egress;

/**
 * Why egress could not send a datagram. Each is counted; none stops egress. The {@link #retried()} ones are
 * conditions of the network that pass (an interface down, a route missing for a while): egress keeps the datagram
 * and sends it again until it goes, counting each such episode once; the others skip the datagram.
 */
public enum SendError {
    /** No route to the group from the egress interface (ENETUNREACH); also what Linux says while it is down. */
    NETWORK_UNREACHABLE("network-unreachable"),
    /** The egress interface's network is down (ENETDOWN). */
    NETWORK_DOWN("network-down"),
    /** The host's socket buffers are exhausted (ENOBUFS). */
    NO_BUFFER_SPACE("no-buffer-space"),
    /** A firewall or policy refused the datagram (EPERM, EACCES). */
    NOT_PERMITTED("not-permitted"),
    /** The datagram is larger than the interface allows without fragmenting (EMSGSIZE). */
    MESSAGE_TOO_LONG("message-too-long"),
    /** The interface is down or gone (ENODEV, EADDRNOTAVAIL, ENXIO). */
    INTERFACE_UNAVAILABLE("interface-unavailable"),
    /** Any other I/O error. */
    IO_ERROR("io-error"),
    /** The kernel took fewer bytes than the datagram holds. */
    SHORT_SEND("short-send"),
    /** The message on the stream names a group:port this feed does not emit to. */
    UNKNOWN_DESTINATION("unknown-destination"),
    /** The message on the stream has a layout version this relay does not know. */
    UNSUPPORTED_VERSION("unsupported-version"),
    /** The message on the stream is shorter than its header says. */
    MALFORMED_MESSAGE("malformed-message");

    private final String reason;

    SendError(final String reason) {
        this.reason = reason;
    }

    /**
     * Whether egress keeps the datagram and sends it again later, as under back-pressure, rather than skip it:
     * true for an unreachable or down network, an interface that is gone or lost its address, and exhausted socket
     * buffers, all of which pass without the relay doing anything.
     *
     * @return true to retry the same datagram.
     */
    public boolean retried() {
        return this == NETWORK_UNREACHABLE || this == NETWORK_DOWN || this == INTERFACE_UNAVAILABLE
            || this == NO_BUFFER_SPACE;
    }

    /** @return the tag value used in logs and metrics. */
    public String reason() {
        return reason;
    }

    /**
     * Classifies the {@code errno} of a failed {@code sendmmsg}; runs only on the error path. The values are Linux's
     * (the same on x86-64 and arm64).
     *
     * @param errno what the call left in {@code errno}.
     * @return the reason to count.
     */
    public static SendError ofErrno(final int errno) {
        return switch (errno) {
            case 101, 113 -> NETWORK_UNREACHABLE;       // ENETUNREACH, EHOSTUNREACH
            case 100 -> NETWORK_DOWN;                   // ENETDOWN
            case 105 -> NO_BUFFER_SPACE;                // ENOBUFS
            case 1, 13 -> NOT_PERMITTED;                // EPERM, EACCES
            case 90 -> MESSAGE_TOO_LONG;                // EMSGSIZE
            case 19, 99, 6 -> INTERFACE_UNAVAILABLE;    // ENODEV, EADDRNOTAVAIL, ENXIO
            default -> IO_ERROR;
        };
    }
}
