package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SequenceLocatorTest {
    @Test
    void shouldReadCmeAndMoldUdp64Sequences() {
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[64]);
        packet.putInt(3, 0xFFFF_FFFE, ByteOrder.LITTLE_ENDIAN);
        assertThat(SequenceLocator.parse("0:4:little-endian").read(packet, 3, 20)).isEqualTo(0xFFFF_FFFEL);

        packet.putLong(5 + 10, 1_234_567_890_123L, ByteOrder.BIG_ENDIAN);
        final SequenceLocator mold = SequenceLocator.parse("10:8:big");
        assertThat(mold.read(packet, 5, 18)).isEqualTo(1_234_567_890_123L);
        assertThat(mold.read(packet, 5, 17)).as("too short").isEqualTo(SequenceLocator.NONE);
        assertThat(mold).hasToString("10:8:big-endian");
    }

    @Test
    void shouldNameThePartThatIsWrong() {
        assertThatThrownBy(() -> SequenceLocator.parse("0:4")).isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("not OFFSET:WIDTH:ORDER");
        assertThatThrownBy(() -> SequenceLocator.parse("0:2:big")).isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("must be 4 or 8")
            .satisfies(ex -> assertThat(((InvalidSettingException)ex).setting()).isEqualTo("sequence.width"));
        assertThatThrownBy(() -> SequenceLocator.parse("0:4:middle")).isInstanceOf(InvalidSettingException.class)
            .satisfies(ex -> assertThat(((InvalidSettingException)ex).setting()).isEqualTo("sequence.byte-order"));
    }
}
