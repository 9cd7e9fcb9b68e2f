package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DestinationTest {
    @Test
    void shouldParsePlainAndRemappedDestinations() {
        final Destination plain = Destination.parse("239.1.1.1:5000");
        assertThat(plain.remapped()).isFalse();
        assertThat(plain.egressKey()).isEqualTo(plain.key());
        assertThat(plain).hasToString("239.1.1.1:5000");

        final Destination remapped = Destination.parse("239.1.1.1:5000->239.9.9.9:6000");
        assertThat(remapped.remapped()).isTrue();
        assertThat(Ipv4.toString(remapped.egressGroup())).isEqualTo("239.9.9.9");
        assertThat(remapped.egressPort()).isEqualTo(6000);
        assertThat(remapped).hasToString("239.1.1.1:5000->239.9.9.9:6000");
    }

    @Test
    void shouldRejectGroupsOutsideTheMulticastRangeOnEitherSide() {
        assertThatThrownBy(() -> Destination.parse("10.0.0.1:5000"))
            .hasMessageContaining("10.0.0.1 is outside 224.0.0.0/4");
        assertThatThrownBy(() -> Destination.parse("239.1.1.1:5000->192.168.1.1:5000"))
            .hasMessageContaining("remapped destination group 192.168.1.1");
    }

    @Test
    void shouldRejectBadPortsAndShapes() {
        assertThatThrownBy(() -> Destination.parse("239.1.1.1:0")).hasMessageContaining("outside 1..65535");
        assertThatThrownBy(() -> Destination.parse("239.1.1.1:70000")).hasMessageContaining("outside 1..65535");
        assertThatThrownBy(() -> Destination.parse("239.1.1.1")).hasMessageContaining("is not group:port");
        assertThatThrownBy(() -> Destination.parse("239.1.1.1:x")).hasMessageContaining("not a number");
    }

    /** Found by ConfigurationTextFuzzTest#parseDestination: a sign or another script's digits passed as a port. */
    @Test
    void shouldRejectSignsAndNonAsciiDigitsInAPort() {
        assertThatThrownBy(() -> Destination.parse("239.1.1.1:+5000")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Destination.parse("239.1.1.1:\u0665\u0660\u0660\u0660"))
            .hasMessageContaining("not a number");
        assertThatThrownBy(() -> Destination.parse("239.1.1.+0:5")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Destination.parse("239.1.1.1:99999999999")).hasMessageContaining("outside 1..65535");
        assertThat(Destination.parse("239.1.1.1:05000").port()).isEqualTo(5000);
    }
}
