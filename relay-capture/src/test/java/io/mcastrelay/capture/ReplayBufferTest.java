package io.mcastrelay.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.RelayV1Decoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The replay buffer: frames kept in sequence, found for resend, released on ACK, evicted and counted when full. */
class ReplayBufferTest {
    private static final int GROUP = Ipv4.parse("239.255.7.1");
    private static final int PORT = 6100;
    private static final int MIN = ReplayBuffer.MIN_CAPACITY_BYTES;

    private final DataFrameFlyweight frame = new DataFrameFlyweight();

    @Test
    void shouldNumberFramesFromOneAndCopyEachBackAsTheEncodedDataFrame() {
        final ReplayBuffer replay = new ReplayBuffer(MIN, 16);
        for (int i = 0; i < 5; i++) {
            assertThat(append(replay, i, 10 + i)).isEqualTo(i + 1L);
        }

        assertThat(replay.oldestSequence()).isEqualTo(1);
        assertThat(replay.nextSequence()).isEqualTo(6);
        assertThat(replay.frames()).isEqualTo(5);
        assertThat(replay.bytes()).isEqualTo(5 * 28 + 10 + 11 + 12 + 13 + 14);
        for (int i = 0; i < 5; i++) {
            assertFrame(replay, i + 1, i, 10 + i);
        }
    }

    @Test
    void shouldReleaseEverythingUpToTheAckedSequenceAndNothingBelowTheWindow() {
        final ReplayBuffer replay = new ReplayBuffer(MIN, 16);
        for (int i = 0; i < 6; i++) {
            append(replay, i, 100);
        }

        assertThat(replay.release(3)).isEqualTo(3);
        assertThat(replay.release(2)).isZero();
        assertThat(replay.oldestSequence()).isEqualTo(4);
        assertThat(replay.bytes()).isEqualTo(3 * 128);
        assertFrame(replay, 4, 3, 100);
        assertThat(replay.release(99)).isEqualTo(3);
        assertThat(replay.frames()).isZero();
        assertThat(replay.bytes()).isZero();
        assertThat(replay.oldestSequence()).isEqualTo(7).isEqualTo(replay.nextSequence());
        assertThat(replay.evictedFrames()).isZero();
    }

    @Test
    void shouldKeepFramesThatWrapAroundTheRingsEndWhole() {
        final ReplayBuffer replay = new ReplayBuffer(MIN, 1024);
        final int payload = 1000;
        long sequence = 0;
        for (int i = 0; i < 1000; i++) {
            sequence = append(replay, i, payload + i % 7);
            replay.release(sequence - 4);
        }

        assertThat(replay.evictedFrames()).isZero();
        assertThat(replay.frames()).isEqualTo(4);
        for (long s = sequence - 3; s <= sequence; s++) {
            assertFrame(replay, s, (int)(s - 1), payload + (int)((s - 1) % 7));
        }
    }

    @Test
    void shouldEvictTheOldestFramesAndCountThemWhenTheBytesRunOut() {
        final ReplayBuffer replay = new ReplayBuffer(MIN, 100_000);
        final int frameLength = 28 + 1000;
        final int fit = MIN / frameLength;
        for (int i = 0; i < fit + 10; i++) {
            append(replay, i, 1000);
        }

        assertThat(replay.evictedFrames()).isEqualTo(10);
        assertThat(replay.oldestSequence()).isEqualTo(11);
        assertThat(replay.frames()).isEqualTo(fit);
        assertFrame(replay, 11, 10, 1000);
        assertFrame(replay, fit + 10, fit + 9, 1000);
    }

    @Test
    void shouldEvictTheOldestFramesAndCountThemWhenTheFrameSlotsRunOut() {
        final ReplayBuffer replay = new ReplayBuffer(MIN, 8);
        for (int i = 0; i < 20; i++) {
            append(replay, i, 50);
        }

        assertThat(replay.evictedFrames()).isEqualTo(12);
        assertThat(replay.frames()).isEqualTo(8);
        assertThat(replay.oldestSequence()).isEqualTo(13);
        for (long s = 13; s <= 20; s++) {
            assertFrame(replay, s, (int)(s - 1), 50);
        }
    }

    @Test
    void shouldHoldTheLargestDatagramAndAnEmptyOne() {
        final ReplayBuffer replay = new ReplayBuffer(MIN, 8);
        append(replay, 1, 65_507);
        append(replay, 2, 0);
        append(replay, 3, 65_507);
        append(replay, 4, 65_507);

        assertThat(replay.evictedFrames()).isEqualTo(2);
        assertFrame(replay, 3, 3, 65_507);
        assertFrame(replay, 4, 4, 65_507);
    }

    @Test
    void shouldCopyNothingWhenTheFrameDoesNotFitWhatRemains() {
        final ReplayBuffer replay = new ReplayBuffer(MIN, 8);
        append(replay, 1, 100);
        final ByteBuffer small = ByteBuffer.allocateDirect(127);

        assertThat(replay.copyFrame(1, small)).isZero();
        assertThat(small.position()).isZero();
        assertThat(replay.frameLength(1)).isEqualTo(128);
    }

    @Test
    void shouldRefuseARingTooSmallForTheLargestFrame() {
        assertThatThrownBy(() -> new ReplayBuffer(MIN - 1, 8)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("below the minimum");
        assertThatThrownBy(() -> new ReplayBuffer(MIN, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long append(final ReplayBuffer replay, final int seed, final int length) {
        final byte[] payload = payload(seed, length);
        return replay.append(GROUP, PORT + seed % 3, 1_000L + seed, new UnsafeBuffer(payload), 0, payload.length);
    }

    private void assertFrame(final ReplayBuffer replay, final long sequence, final int seed, final int length) {
        final ByteBuffer copy = ByteBuffer.allocateDirect(70_000);
        copy.position(3);
        final int frameLength = replay.copyFrame(sequence, copy);
        assertThat(frameLength).isEqualTo(28 + length).isEqualTo(replay.frameLength(sequence));
        assertThat(copy.position()).isEqualTo(3 + frameLength);
        final UnsafeBuffer view = new UnsafeBuffer(copy);
        assertThat(RelayV1Decoder.decode(view, 3, frameLength)).isEqualTo(frameLength);
        frame.wrap(view, 3);
        assertThat(frame.group()).isEqualTo(GROUP);
        assertThat(frame.port()).isEqualTo(PORT + seed % 3);
        assertThat(frame.sequence()).isEqualTo(sequence);
        assertThat(frame.sendTimeNanos()).isEqualTo(1_000L + seed);
        final byte[] payload = new byte[frame.payloadLength()];
        view.getBytes(3 + DataFrameFlyweight.PAYLOAD_OFFSET, payload);
        assertThat(Arrays.equals(payload, payload(seed, length))).as("payload of sequence %d", sequence).isTrue();
    }

    private static byte[] payload(final int seed, final int length) {
        final byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte)(seed * 31 + i);
        }
        return payload;
    }
}
