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
