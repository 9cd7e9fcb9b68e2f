package io.mcastrelay.ingress;

import java.util.SplittableRandom;

import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayV1Encoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

/** Encodes relay-v1 and length-prefixed frames into byte arrays, as a sender would write them to the socket. */
final class Frames {
    private Frames() {
    }

    static byte[] data(final String group, final int port, final long sequence, final byte[] payload) {
        return data(group, port, sequence, 0, payload);
    }

    static byte[] data(
        final String group, final int port, final long sequence, final long sendTimeNanos, final byte[] payload) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[28 + payload.length]);
        RelayV1Encoder.encodeData(buffer, 0, Ipv4.parse(group), port, sequence, sendTimeNanos,
            new UnsafeBuffer(payload), 0, payload.length);
        return buffer.byteArray();
    }

    static byte[] heartbeat(final long lastSequence) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[20]);
        RelayV1Encoder.encodeHeartbeat(buffer, 0, lastSequence, System.currentTimeMillis() * 1_000_000L);
        return buffer.byteArray();
    }

    static byte[] lengthPrefixed(final byte[] payload) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2 + payload.length]);
        RelayV1Encoder.encodeLengthPrefixed(buffer, 0, new UnsafeBuffer(payload), 0, payload.length);
        return buffer.byteArray();
    }

    static byte[] hex(final String hex) {
        return BitUtil.fromHex(hex.replace(" ", ""));
    }

    static byte[] payload(final int length, final long seed) {
        final byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] concat(final byte[]... parts) {
        int length = 0;
        for (final byte[] part : parts) {
            length += part.length;
        }
        final byte[] all = new byte[length];
        int at = 0;
        for (final byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** A direct buffer, so the handler reads it through its memory address. */
    static ByteBuf direct(final byte[] bytes) {
        return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    /** A heap buffer, so the handler reads it through its array. */
    static ByteBuf heap(final byte[] bytes, final int from, final int to) {
        return Unpooled.buffer(to - from).writeBytes(bytes, from, to - from);
    }
}
