package io.mcastrelay.egress;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Publication;
import io.mcastrelay.wire.IpcMessageDescriptor;
import io.mcastrelay.wire.IpcMessageFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

/** Publishes messages on a feed's IPC stream the way ingress does, and malformed ones ingress never would. */
final class IpcMessages {
    private IpcMessages() {
    }

    static byte[] payload(final int length, final long seed) {
        final byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** A version-1 message to the VPC-side group:port. */
    static UnsafeBuffer message(final int group, final int port, final long sequence, final byte[] payload) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[IpcMessageDescriptor.HEADER_LENGTH + payload.length]);
        IpcMessageFlyweight.encodeHeader(buffer, 0, payload.length, group, port, 0xEF010101, 5000, 1, sequence,
            System.currentTimeMillis() * 1_000_000L, System.currentTimeMillis() * 1_000_000L);
        buffer.putBytes(IpcMessageDescriptor.HEADER_LENGTH, payload);
        return buffer;
    }

    static long offer(final Publication publication, final UnsafeBuffer message) {
        return offer(publication, message, message.capacity());
    }

    static long offer(final Publication publication, final UnsafeBuffer message, final int length) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long position;
        while ((position = publication.offer(message, 0, length)) < 0) {
            if (System.nanoTime() - deadline > 0 || position == Publication.CLOSED) {
                throw new IllegalStateException("offer failed: " + Publication.errorString(position));
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
        return position;
    }
}
