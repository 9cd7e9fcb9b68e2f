package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetworkInterfacesTest {
    @Test
    void shouldFindAnInterfaceByNameOrByItsAddress() {
        assertThat(NetworkInterfaces.find("lo").getName()).isEqualTo("lo");
        assertThat(NetworkInterfaces.find("127.0.0.1").getName()).isEqualTo("lo");
        assertThat(NetworkInterfaces.firstIpv4(NetworkInterfaces.find("lo")).getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldNameTheInterfacesThereAreWhenNoneMatches() {
        assertThatThrownBy(() -> NetworkInterfaces.find("nosuchif0")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no interface named 'nosuchif0'").hasMessageContaining("lo (127.0.0.1)");
        assertThatThrownBy(() -> NetworkInterfaces.find("192.0.2.77")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no interface named '192.0.2.77'");
    }

    @Test
    void shouldTellAddressesFromNames() {
        assertThat(NetworkInterfaces.isIpv4Literal("10.0.1.5")).isTrue();
        assertThat(NetworkInterfaces.isIpv4Literal("eth0")).isFalse();
        assertThat(NetworkInterfaces.isIpv4Literal("")).isFalse();
        assertThat(NetworkInterfaces.isIpv4Literal("١٠.0.0.1")).isFalse();
    }
}
