package io.mcastrelay.capture;

/** Where a feed's connection to the relay stands; {@link CaptureCounters#state()} says it. */
public enum ConnectionState {
    /** Waiting out the backoff before the next attempt. */
    DISCONNECTED,
    /** Looking up the relay's address (DNS). */
    RESOLVING,
    /** TCP connect in progress. */
    CONNECTING,
    /** Connected, HELLO sent, the relay's first ACK not in yet; frames are already being (re)sent. */
    HELLO_SENT,
    /** The relay acknowledged the HELLO: frames flow and ACKs come back. */
    STREAMING,
    /** The capture is stopped. */
    CLOSED
}
