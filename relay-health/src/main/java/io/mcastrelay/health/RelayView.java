package io.mcastrelay.health;

import java.util.Map;

import io.mcastrelay.egress.EgressStatus;
import io.mcastrelay.ingress.IngressStatus;

/** What health checks may see of the running relay; implemented by the application's lifecycle. */
public interface RelayView {
    /** @return ingress, or null before start. */
    IngressStatus ingress();

    /** @return egress, or null before start. */
    EgressStatus egress();

    /** @return whether the Aeron media driver answers. */
    boolean driverAlive();

    /** @return true between a completed start and the beginning of shutdown, except while recovering. */
    boolean running();

    /** @return details of the recording and the replay port, shown in health but never deciding it; empty without. */
    default Map<String, Object> recoveryDetails() {
        return Map.of();
    }

    /** @return true while the relay has lost its media driver and waits to reconnect to a new one. */
    default boolean recovering() {
        return false;
    }
}
