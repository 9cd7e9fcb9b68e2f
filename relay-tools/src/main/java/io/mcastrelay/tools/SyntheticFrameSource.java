package io.mcastrelay.tools;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import io.mcastrelay.wire.LengthPrefixedDecoder;
import io.mcastrelay.wire.ProbePayload;
import io.mcastrelay.wire.RelayV1Encoder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Makes frames whose payload is a {@link ProbePayload} header (due and sent at the frame's send time, stream = the
 * destination's index) and the filler pattern. relay-v1 frames go round-robin
 * over the destinations, each frame numbered per connection from 1 and each probe numbered per destination from 1.
 * Length-prefixed frames carry no destination, so they are one probe stream numbered from 1. Allocates nothing per
 * frame; used by the sending thread only.
 */
final class SyntheticFrameSource implements FrameSource {
    private final boolean relayV1;
    private final int[] groups;
    private final int[] ports;
    private final long[] probeSequences;
    private final UnsafeBuffer pattern;
    private final int payloadBytes;
    /** Tells this run's probes from an earlier run's still in flight. */
    private final int runToken = ThreadLocalRandom.current().nextInt();
    private int nextDestination;
    private long sequence;

    SyntheticFrameSource(final Framing framing, final List<Destination> destinations, final int payloadBytes) {
        this.relayV1 = framing == Framing.RELAY_V1;
        final int streams = relayV1 ? destinations.size() : 1;
        this.groups = new int[streams];
        this.ports = new int[streams];
        this.probeSequences = new long[streams];
        for (int i = 0; i < streams; i++) {
            groups[i] = destinations.get(i).group();
            ports[i] = destinations.get(i).port();
        }
        this.payloadBytes = payloadBytes;
        this.pattern = new UnsafeBuffer(new byte[payloadBytes]);
        ProbePayload.fillPattern(pattern, 0, payloadBytes);
    }

    @Override
    public int next(final MutableDirectBuffer buffer, final int offset, final long sendTimeNanos) {
        final int destination = nextDestination;
        nextDestination = destination + 1 == groups.length ? 0 : destination + 1;
        final long probeSequence = ++probeSequences[destination];
        final int length;
        final int payloadOffset;
        if (relayV1) {
            length = RelayV1Encoder.encodeData(
                buffer, offset, groups[destination], ports[destination], ++sequence, sendTimeNanos,
                pattern, 0, payloadBytes);
            payloadOffset = offset + DataFrameFlyweight.PAYLOAD_OFFSET;
        } else {
            length = RelayV1Encoder.encodeLengthPrefixed(buffer, offset, pattern, 0, payloadBytes);
            payloadOffset = offset + LengthPrefixedDecoder.PREFIX_LENGTH;
        }
        ProbePayload.write(buffer, payloadOffset, runToken, destination, payloadBytes, probeSequence, sendTimeNanos,
            sendTimeNanos);
        return length;
    }

    @Override
    public int maxFrameLength() {
        return DataFrameFlyweight.HEADER_LENGTH + payloadBytes;
    }

    @Override
    public long lastSequence() {
        return sequence;
    }

    @Override
    public void close() {
    }
}
