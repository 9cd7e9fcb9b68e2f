package io.mcastrelay.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class EgressInterfaceTest {
    @Test
    void shouldResolveTheLoopbackInterfaceByNameToItsIpv4Address() {
        final EgressInterface resolved = EgressInterface.resolve("lo");

        assertThat(resolved.networkInterface().getName()).isEqualTo("lo");
        assertThat(resolved.address().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(resolved.isUp()).isTrue();
    }

    @Test
    void shouldResolveAnInterfaceByOneOfItsAddresses() {
        final EgressInterface resolved = EgressInterface.resolve("127.0.0.1");

        assertThat(resolved.networkInterface().getName()).isEqualTo("lo");
        assertThat(resolved.address().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldNameTheInterfacesThereAreWhenNoneMatches() {
        assertThatThrownBy(() -> EgressInterface.resolve("nosuch0"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no interface named 'nosuch0'")
            .hasMessageContaining("interfaces here: ")
            .hasMessageContaining("lo (127.0.0.1)");
    }

    @Test
    void shouldRejectAnAddressNoInterfaceHas() {
        assertThatThrownBy(() -> EgressInterface.resolve("192.0.2.254"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'192.0.2.254'")
            .hasMessageContaining("lo (127.0.0.1)");
        assertThatThrownBy(() -> EgressInterface.resolve("300.1.1.1"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'300.1.1.1'");
    }
}
