package io.mcastrelay.ingress;

/** Why a TCP connection was refused as soon as it was accepted. */
public enum RefusalReason {
    /** The remote address lies in none of the feed's allowed CIDRs. */
    SOURCE_NOT_ALLOWED("source-not-allowed"),
    /** The feed already has its maximum number of connections. */
    MAX_CONNECTIONS("max-connections"),
    /** The relay is shutting down. */
    SHUTTING_DOWN("shutting-down"),
    /** With the PROXY protocol on: the TCP peer (the load balancer) lies in none of the feed's proxy sources. */
    PROXY_PEER_NOT_ALLOWED("proxy-peer-not-allowed"),
    /** With the PROXY protocol on: no valid PROXY v2 header (missing, garbage, version 1, late or no TCP address). */
    PROXY_HEADER_INVALID("proxy-header-invalid"),
    /** With the PROXY protocol on: a LOCAL header, the load balancer's own probe; not an error. */
    PROXY_LOCAL("proxy-local"),
    /** With TLS on: the handshake failed (no or untrusted client certificate, plain TCP, protocol, timeout). */
    TLS_HANDSHAKE("tls-handshake"),
    /** With TLS on: the client certificate is trusted but its subject and names are not in the allowed list. */
    TLS_CLIENT_NOT_ALLOWED("tls-client-not-allowed");

    private final String reason;

    RefusalReason(final String reason) {
        this.reason = reason;
    }

    /** @return the tag value used in logs and metrics. */
    public String reason() {
        return reason;
    }
}
