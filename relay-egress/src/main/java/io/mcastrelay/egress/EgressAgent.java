package io.mcastrelay.egress;

import io.aeron.Image;
import io.aeron.Subscription;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The egress duty cycle: polls each feed's IPC stream in turn, up to a fragment limit each, and sends what it finds.
 * Runs on the egress thread, under an Agrona {@code AgentRunner} with the configured idle strategy.
 */
final class EgressAgent implements Agent {
    private final Subscription[] subscriptions;
    private final MulticastAdapter[] adapters;
    private final AtomicCounter[] sentPositions;
    private final int fragmentLimit;
    private final String roleName;

    EgressAgent(
        final Subscription[] subscriptions, final MulticastAdapter[] adapters, final AtomicCounter[] sentPositions,
        final int fragmentLimit, final String roleName) {
        this.subscriptions = subscriptions;
        this.adapters = adapters;
        this.sentPositions = sentPositions;
        this.fragmentLimit = fragmentLimit;
        this.roleName = roleName;
    }

    @Override
    public int doWork() {
        int workCount = 0;
        for (int i = 0; i < subscriptions.length; i++) {
            final Subscription subscription = subscriptions[i];
            workCount += subscription.controlledPoll(adapters[i], fragmentLimit);
            publishSentPosition(subscription, sentPositions[i]);
        }
        return workCount;
    }

    /**
     * The position up to which the feed's stream has been sent. The relay's ingress is the stream's one publisher, so
     * there is one image; should another process publish on the stream too, the lowest position is reported, which
     * only delays acknowledgements.
     */
    private static void publishSentPosition(final Subscription subscription, final AtomicCounter sentPosition) {
        final int imageCount = subscription.imageCount();
        if (imageCount == 0) {
            return;
        }
        long position = Long.MAX_VALUE;
        for (int j = 0; j < imageCount; j++) {
            final Image image = subscription.imageAtIndex(j);
            position = Math.min(position, image.position());
        }
        sentPosition.setRelease(position);
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
