package io.mcastrelay.tools;

import static java.nio.ByteOrder.BIG_ENDIAN;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.LengthPrefixedDecoder;
import io.mcastrelay.wire.ProtocolError;
import io.mcastrelay.wire.RelayV1Decoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Replays a file of back-to-back frames as they are, checking each one first with {@link RelayV1Decoder} (or
 * {@link LengthPrefixedDecoder}). A bad or truncated frame ends the replay: {@link #next} then returns {@link #END}
 * and {@link #error()} says what was wrong and where, so the frames before it can still be sent. Reads the file in
 * chunks through one direct buffer; used by the sending thread only.
 */
final class FileFrameSource implements FrameSource {
    private static final int MAX_FRAME_LENGTH = LengthPrefixedDecoder.PREFIX_LENGTH + FrameDescriptor.MAX_FRAME_LENGTH;
    private static final int READ_BUFFER_BYTES = 1 << 20;

    private final Path path;
    private final boolean relayV1;
    private final FileChannel channel;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final UnsafeBuffer view = new UnsafeBuffer(readBuffer);
    private long chunkFileOffset;
    private int position;
    private int limit;
    private boolean endOfFile;
    private long lastSequence;
    private String error;

    FileFrameSource(final Path path, final Framing framing) throws IOException {
        this.path = path;
        this.relayV1 = framing == Framing.RELAY_V1;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public int next(final MutableDirectBuffer buffer, final int offset, final long sendTimeNanos) throws IOException {
        while (error == null) {
            final int available = limit - position;
            final int result = relayV1 ?
                RelayV1Decoder.decode(view, position, available) :
                LengthPrefixedDecoder.decode(view, position, available, FrameDescriptor.MAX_PAYLOAD_LENGTH);
            if (result > 0) {
                if (relayV1 && RelayV1Decoder.type(view, position) == FrameDescriptor.TYPE_DATA) {
                    lastSequence = view.getLong(position + DataFrameFlyweight.SEQUENCE_OFFSET, BIG_ENDIAN);
                }
                buffer.putBytes(offset, view, position, result);
                position += result;
                return result;
            }
            if (result < 0) {
                error = "bad frame at offset " + (chunkFileOffset + position) + " of " + path + ": " +
                    ProtocolError.fromResult(result).reason();
            } else if (endOfFile) {
                if (available > 0) {
                    error = "truncated frame at offset " + (chunkFileOffset + position) + " of " + path + ": " +
                        available + " bytes left at the end of the file";
                }
                return END;
            } else {
                readMore();
            }
        }
        return END;
    }

    private void readMore() throws IOException {
        readBuffer.limit(limit).position(position);
        readBuffer.compact();
        chunkFileOffset += position;
        while (readBuffer.hasRemaining()) {
            if (channel.read(readBuffer) < 0) {
                endOfFile = true;
                break;
            }
        }
        limit = readBuffer.position();
        position = 0;
    }

    /** @return why the replay stopped early, or null if it has not. */
    String error() {
        return error;
    }

    @Override
    public int maxFrameLength() {
        return MAX_FRAME_LENGTH;
    }

    @Override
    public long lastSequence() {
        return lastSequence;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
