package io.mcastrelay.loadtest.bench;

import java.nio.ByteBuffer;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayV1Decoder;
import io.mcastrelay.wire.RelayV1Encoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * relay-v1 codec: {@link RelayV1Decoder#decode} plus every {@link DataFrameFlyweight} field read, and
 * {@link RelayV1Encoder#encodeData}, over a run of 16 back-to-back DATA frames as one TCP read would hold them.
 * Times and allocation are per frame. One benchmark thread.
 */
public class CodecBenchmark extends RelayBenchmark {

    @Param({"64", "256", "1400"})
    int payloadBytes;

    private final DataFrameFlyweight data = new DataFrameFlyweight();
    private UnsafeBuffer frames;
    private UnsafeBuffer encoded;
    private UnsafeBuffer payload;
    private int length;

    /** Encodes the frames the decoder reads. */
    @Setup
    public void setUp() {
        final int frameLength = DataFrameFlyweight.HEADER_LENGTH + payloadBytes;
        frames = new UnsafeBuffer(ByteBuffer.allocateDirect(frameLength * FRAMES));
        encoded = new UnsafeBuffer(ByteBuffer.allocateDirect(frameLength * FRAMES));
        payload = new UnsafeBuffer(new byte[payloadBytes]);
        final int group = Ipv4.parse("239.255.1.1");
        for (int i = 0; i < FRAMES; i++) {
            length += RelayV1Encoder.encodeData(frames, length, group, 5000, i + 1, 1_700_000_000_000_000_000L + i,
                payload, 0, payloadBytes);
        }
    }

    /**
     * Finds and checks each frame, then reads every field as the ingress handler does.
     *
     * @return a sum of the fields, so nothing is optimised away.
     */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decode() {
        long sum = 0;
        int offset = 0;
        while (offset < length) {
            final int frameLength = RelayV1Decoder.decode(frames, offset, length - offset);
            data.wrap(frames, offset);
            sum += data.group() + data.port() + data.sequence() + data.sendTimeNanos() + data.payloadOffset()
                + data.payloadLength() + RelayV1Decoder.type(frames, offset);
            offset += frameLength;
        }
        return sum;
    }

    /**
     * Writes the frames as a sender does.
     *
     * @return bytes written.
     */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int encode() {
        int offset = 0;
        for (int i = 0; i < FRAMES; i++) {
            offset += RelayV1Encoder.encodeData(encoded, offset, 0xEFFF_0101, 5000, i + 1, 42L, payload, 0,
                payloadBytes);
        }
        return offset;
    }
}
