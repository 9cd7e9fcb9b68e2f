package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4Test {
    @Test
    void shouldParseAndFormatDottedQuads() {
        assertThat(Ipv4.parse("239.1.1.1")).isEqualTo(0xEF010101);
        assertThat(Ipv4.toString(0xEF010101)).isEqualTo("239.1.1.1");
        assertThat(Ipv4.toString(Ipv4.parse("255.255.255.255"))).isEqualTo("255.255.255.255");
    }

    @Test
    void shouldRejectWhatIsNotADottedQuad() {
        final String[] bads = {"239.1.1", "239.1.1.256", "a.b.c.d", "239..1.1", "1.2.3.4.5", "-1.0.0.0"};
        for (final String bad : bads) {
            assertThatThrownBy(() -> Ipv4.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Found by ConfigurationTextFuzzTest#parseIpv4: Integer.parseInt took a sign and any script's digits. */
    @Test
    void shouldRejectSignsAndNonAsciiDigitsInAnOctet() {
        final String[] bads = {"+56.1.1.1", "239.1.1.+0", "239.1.1.+1", "\u0662\u0663\u0669.1.1.1", "239.1.1.\uff11"};
        for (final String bad : bads) {
            assertThatThrownBy(() -> Ipv4.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IPv4 address");
        }
        assertThat(Ipv4.parse(" 239.001.01.1 ")).as("leading zeros and surrounding blanks").isEqualTo(0xEF010101);
    }

    @Test
    void shouldTellMulticastFromUnicast() {
        assertThat(Ipv4.isMulticast(Ipv4.parse("224.0.0.0"))).isTrue();
        assertThat(Ipv4.isMulticast(Ipv4.parse("239.255.255.255"))).isTrue();
        assertThat(Ipv4.isMulticast(Ipv4.parse("223.255.255.255"))).isFalse();
        assertThat(Ipv4.isMulticast(Ipv4.parse("240.0.0.0"))).isFalse();
    }

    @Test
    void shouldKeepDestinationKeysDistinct() {
        assertThat(Ipv4.destinationKey(0xEF010101, 1)).isNotEqualTo(Ipv4.destinationKey(0xEF010101, 2));
        assertThat(Ipv4.destinationKey(0xFFFFFFFF, 0xFFFF)).isEqualTo(0xFFFF_FFFF_FFFFL);
    }
}
