package io.mcastrelay.loadtest;

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
}
