package io.mcastrelay.egress;

import io.aeron.Image;
import io.aeron.Subscription;
import io.mcastrelay.wire.SequenceLocator;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One feed's egress duty cycle: gathers the messages waiting in the feed's IPC stream into a {@link DatagramBatch},
 * sends the batch with {@code sendmmsg}, and only then moves the stream's subscriber position past what went, so the
 * term buffer the datagrams point into cannot be reused under them and whatever the socket or network refused stays
 * in the stream for the next cycle. Repeats until the stream is drained or a send stalls, then publishes the feed's
 * sent position (what sessions are acknowledged against).
 *
 * <p>Runs on one thread at a time: by default the feed's ingress event loop, right after it publishes (see
 * {@link Egress}); with {@code threading=dedicated} a thread of its own under an Agrona {@code AgentRunner}.
 */
public final class EgressAgent implements Agent {
    private final Subscription subscription;
    private final MulticastAdapter adapter;
    private final DatagramBatch batch;
    private final MulticastSender sender;
    private final AtomicCounter sentPosition;
    private final String roleName;

    EgressAgent(
        final Subscription subscription,
        final MulticastSender sender,
        final EgressCounters counters,
        final int batchSize,
        final String roleName) {
        this(subscription, sender, counters, batchSize, roleName, null);
    }

    EgressAgent(
        final Subscription subscription,
        final MulticastSender sender,
        final EgressCounters counters,
        final int batchSize,
        final String roleName,
        final SequenceLocator sequence) {
        this.subscription = subscription;
        this.sender = sender;
        this.batch = new DatagramBatch(batchSize);
        this.adapter = new MulticastAdapter(sender, counters, batch, sequence);
        this.sentPosition = counters.sentPosition();
        this.roleName = roleName;
    }

    @Override
    public int doWork() {
        final int imageCount = subscription.imageCount();
        if (imageCount == 0) {
            return 0;
        }
        int workCount = 0;
        long position = Long.MAX_VALUE;
        for (int i = 0; i < imageCount; i++) {
            final Image image = subscription.imageAtIndex(i);
            workCount += drain(image);
            position = Math.min(position, image.position());
        }
        publishSentPosition(position);
        return workCount;
    }

    /** Sends what the image holds until it is drained or the sender stalls; returns the datagrams done with. */
    private int drain(final Image image) {
        int workCount = 0;
        long position = image.position();
        while (true) {
            batch.clear(position);
            final long peeked = image.controlledPeek(position, adapter, Long.MAX_VALUE);
            final int count = batch.count();
            if (count == 0) {
                if (peeked == position) {
                    return workCount;
                }
                image.position(peeked);
                position = peeked;
                continue;
            }
            final int done = sender.send(batch);
            final long committed = done == count ? peeked : batch.positionAfter(done);
            if (committed != position) {
                image.position(committed);
                position = committed;
            }
            workCount += done;
            if (sender.stalled()) {
                return workCount;
            }
        }
    }

    /**
     * The position up to which the feed's stream has been sent. The relay's ingress is the stream's one publisher, so
     * there is one image; should another process publish on the stream too, the lowest position is reported, which
     * only delays acknowledgements.
     */
    private void publishSentPosition(final long position) {
        if (sentPosition.getPlain() != position) {
            sentPosition.setRelease(position);
        }
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
