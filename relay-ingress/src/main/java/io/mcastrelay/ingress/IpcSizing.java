package io.mcastrelay.ingress;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.mcastrelay.wire.InvalidSettingException;
import io.mcastrelay.wire.IpcMessageDescriptor;
import org.agrona.BitUtil;

/**
 * The one place the size of a feed's Aeron IPC stream is worked out. Every frame is published with one
 * {@code tryClaim}, so the largest message (the IPC header and the feed's largest payload) must fit one Aeron frame:
 * the channel's MTU is raised to fit it, and Aeron allows a message of at most one eighth of a term.
 */
public final class IpcSizing {
    /** Term lengths allowed: powers of two in this range. */
    public static final long MIN_TERM_LENGTH = 64 * 1024;
    /** The largest term length allowed. */
    public static final long MAX_TERM_LENGTH = 1024 * 1024 * 1024;
    /** Aeron's largest MTU. */
    public static final int MAX_MTU = 65_504;

    private static final int DEFAULT_MTU = 1408;

    private IpcSizing() {
    }

    /**
     * Checks a term length.
     *
     * @param termLength bytes per term.
     * @return the term length.
     * @throws InvalidSettingException for {@code term-length} unless it is a power of two from 64KB to 1GB.
     */
    public static long checkTermLength(final long termLength) {
        if (termLength < MIN_TERM_LENGTH || termLength > MAX_TERM_LENGTH || Long.bitCount(termLength) != 1) {
            throw new InvalidSettingException("aeron", "term-length", termLength,
                "must be a power of two from 64KB to 1GB");
        }
        return termLength;
    }

    /**
     * The IPC channel of a feed: its term length, and an MTU large enough that the largest allowed message is one
     * Aeron claim (never fragmented, never dropped for size).
     *
     * @param feed            the feed's name, for errors.
     * @param termLength      bytes per term, as {@link #checkTermLength} allows.
     * @param maxPayloadBytes the feed's maximum payload.
     * @return for example {@code aeron:ipc?term-length=8388608|mtu=8576}.
     * @throws InvalidSettingException for {@code max-payload} if one message would exceed an eighth of a term.
     */
    public static String channel(final String feed, final long termLength, final int maxPayloadBytes) {
        final int mtu = mtu(maxPayloadBytes);
        if (mtu > termLength / 8) {
            throw new InvalidSettingException("feed '" + feed + "'", "max-payload", maxPayloadBytes,
                "a message this large needs relay.aeron.term-length of at least " + termLengthFor(maxPayloadBytes)
                    + " bytes (Aeron allows one eighth of a term per message)");
        }
        return "aeron:ipc?term-length=" + termLength + "|mtu=" + mtu;
    }

    /**
     * The MTU a channel needs for one claim of the largest message, at least Aeron's default.
     *
     * @param maxPayloadBytes the feed's maximum payload.
     * @return the MTU, frame-aligned, at most {@link #MAX_MTU}.
     */
    public static int mtu(final int maxPayloadBytes) {
        final int needed = BitUtil.align(largestMessage(maxPayloadBytes) + DataHeaderFlyweight.HEADER_LENGTH,
            FrameDescriptor.FRAME_ALIGNMENT);
        return Math.min(MAX_MTU, Math.max(DEFAULT_MTU, needed));
    }

    /**
     * The largest IPC message of a feed.
     *
     * @param maxPayloadBytes the feed's maximum payload.
     * @return the IPC header and the payload, in bytes.
     */
    public static int largestMessage(final int maxPayloadBytes) {
        return IpcMessageDescriptor.HEADER_LENGTH + maxPayloadBytes;
    }

    private static long termLengthFor(final int maxPayloadBytes) {
        long termLength = MIN_TERM_LENGTH;
        while (mtu(maxPayloadBytes) > termLength / 8) {
            termLength *= 2;
        }
        return termLength;
    }
}
