package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HexFormat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RelayProbeTest {
    /** The example of docs/wire-format.md, "Probe datagrams". */
    private static final String PROBE = "524c5948 0001 0000 0000000000000007 17979cfe362a0000 0000018bcfe56800 "
        + "00000000000001f4 0000000000003039 02 7231 04 70726f64";
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[RelayProbe.MAX_LENGTH]);

    private static byte[] hex(final String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    @Test
    void shouldMatchTheSpecExampleByteForByteAndReadItBack() {
        final int length = RelayProbe.writeNames(buffer, 0, "r1", "prod");
        RelayProbe.update(buffer, 0, 7, 1_700_000_000_000_000_000L, 1_700_000_000_000L, 500, 12_345);
        final byte[] written = new byte[length];
        buffer.getBytes(0, written);

        assertThat(written).isEqualTo(hex(PROBE));
        assertThat(RelayProbe.read(new UnsafeBuffer(hex(PROBE)), 0, length)).isEqualTo(new RelayProbe.Probe("r1",
            "prod", 7, 1_700_000_000_000_000_000L, 1_700_000_000_000L, 500, 12_345));
    }

    @Test
    void shouldNotTakeOtherBytesForAProbe() {
        final byte[] probe = hex(PROBE);
        assertThat(RelayProbe.read(new UnsafeBuffer(probe), 0, probe.length - 1)).as("cut short").isNull();
        final byte[] otherMagic = probe.clone();
        otherMagic[3] = 'P';
        assertThat(RelayProbe.read(new UnsafeBuffer(otherMagic), 0, probe.length)).as("RLYP: a sender's").isNull();
        final byte[] otherVersion = probe.clone();
        otherVersion[5] = 2;
        assertThat(RelayProbe.read(new UnsafeBuffer(otherVersion), 0, probe.length)).isNull();
        final byte[] badName = probe.clone();
        badName[48] = 60;
        assertThat(RelayProbe.read(new UnsafeBuffer(badName), 0, probe.length)).as("names past the end").isNull();
    }

    @Test
    void shouldRefuseNamesThatDoNotFit() {
        assertThatIllegalArgumentException().isThrownBy(() -> RelayProbe.writeNames(buffer, 0, "", "prod"))
            .withMessageContaining("relay id");
        assertThatIllegalArgumentException().isThrownBy(() -> RelayProbe.writeNames(buffer, 0, "r1", "x".repeat(65)))
            .withMessageContaining("1 to 64 bytes");
        assertThatIllegalArgumentException().isThrownBy(() -> RelayProbe.writeNames(buffer, 0, "a b", "prod"))
            .withMessageContaining("printable");
        assertThatIllegalArgumentException().isThrownBy(() -> RelayProbe.writeNames(buffer, 0, "relé", "prod"))
            .as("not sent as 'rel?'").withMessageContaining("printable");
    }
}
