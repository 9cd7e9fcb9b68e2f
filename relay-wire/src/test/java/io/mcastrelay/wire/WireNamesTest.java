package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class WireNamesTest {
    @Test
    void shouldTakeEveryPrintableAsciiByteButSpace() {
        final byte[] all = new byte[0x7E - 0x21 + 1];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte)(0x21 + i);
        }
        assertThat(WireNames.isPrintableAscii(all)).isTrue();
        assertThat(WireNames.isPrintableAscii("relay-a.md_1".getBytes(StandardCharsets.US_ASCII))).isTrue();
    }

    @Test
    void shouldRefuseSpaceControlDeleteAndBytesAboveAscii() {
        for (final int b : new int[] {0x00, 0x09, 0x0A, 0x1F, 0x20, 0x7F, 0x80, 0xC3, 0xFF}) {
            assertThat(WireNames.isPrintableAscii(new byte[] {'m', (byte)b, 'd'})).as("0x%02x", b).isFalse();
        }
    }
}
