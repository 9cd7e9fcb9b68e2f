package io.mcastrelay.tools;

import java.io.IOException;
import org.agrona.MutableDirectBuffer;

/** Where {@link RelaySender} gets its frames: made up ({@link SyntheticFrameSource}) or read from a file. */
interface FrameSource extends AutoCloseable {
    /** Returned by {@link #next} when there are no more frames. */
    int END = 0;

    /**
     * Writes the next whole frame.
     *
     * @param buffer        to write into; at least {@link #maxFrameLength()} bytes from {@code offset} on.
     * @param offset        where the frame starts.
     * @param sendTimeNanos the wall clock now, ns since the epoch, for a source that stamps its frames.
     * @return the frame's length, or {@link #END}.
     * @throws IOException if the frames cannot be read, or one is not valid.
     */
    int next(MutableDirectBuffer buffer, int offset, long sendTimeNanos) throws IOException;

    /** @return the largest frame {@link #next} may write. */
    int maxFrameLength();

    /** @return the relay-v1 sequence of the last DATA frame written, 0 if none, for heartbeats. */
    long lastSequence();

    @Override
    void close() throws IOException;
}
