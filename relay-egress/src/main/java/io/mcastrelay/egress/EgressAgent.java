package io.mcastrelay.egress;

import io.aeron.Subscription;
import org.agrona.concurrent.Agent;

/**
 * The egress duty cycle: polls each feed's IPC stream in turn, up to a fragment limit each, and sends what it finds.
 * Runs on the egress thread, under an Agrona {@code AgentRunner} with the configured idle strategy.
 */
final class EgressAgent implements Agent {
    private final Subscription[] subscriptions;
    private final MulticastAdapter[] adapters;
    private final int fragmentLimit;
    private final String roleName;

    EgressAgent(
        final Subscription[] subscriptions, final MulticastAdapter[] adapters, final int fragmentLimit,
        final String roleName) {
        this.subscriptions = subscriptions;
        this.adapters = adapters;
        this.fragmentLimit = fragmentLimit;
        this.roleName = roleName;
    }

    @Override
    public int doWork() {
        int workCount = 0;
        for (int i = 0; i < subscriptions.length; i++) {
            workCount += subscriptions[i].controlledPoll(adapters[i], fragmentLimit);
        }
        return workCount;
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
