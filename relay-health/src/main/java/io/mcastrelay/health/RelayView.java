package io.mcastrelay.health;

import io.mcastrelay.egress.Egress;
import io.mcastrelay.ingress.IngressServer;

/** What health checks may see of the running relay; implemented by the application's lifecycle. */
public interface RelayView {
    /** @return ingress, or null before start. */
    IngressServer ingress();

    /** @return egress, or null before start. */
    Egress egress();

    /** @return whether the Aeron media driver answers. */
    boolean driverAlive();

    /** @return true between a completed start and the beginning of shutdown, except while recovering. */
    boolean running();

    /** @return true while the relay has lost its media driver and waits to reconnect to a new one. */
    default boolean recovering() {
        return false;
    }
}
