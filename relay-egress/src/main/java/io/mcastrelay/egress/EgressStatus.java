package io.mcastrelay.egress;

/**
 * What egress shows of itself to health checks: whether it runs, and the interface it sends from. {@link Egress}
 * implements it; readers need nothing else of it. Safe from any thread.
 */
public interface EgressStatus {
    /** @return true from a completed start until close or the death of a feed's egress thread. */
    boolean isRunning();

    /** @return the interface egress sends from, or null before start. */
    EgressInterface egressInterface();
}
