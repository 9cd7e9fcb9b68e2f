package io.mcastrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcastrelay.wire.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IpcSizingTest {
    @Test
    void shouldSizeTheMtuSoTheLargestPayloadIsOneClaim() {
        assertThat(IpcSizing.channel("test", 65536, 100)).isEqualTo("aeron:ipc?term-length=65536|mtu=1408");
        assertThat(IpcSizing.channel("test", 8 * 1024 * 1024, 8472)).endsWith("mtu=8576");
        assertThat(IpcSizing.channel("test", 1024 * 1024, FeedSettings.MAX_PAYLOAD_BYTES_LIMIT))
            .endsWith("mtu=65504");
        assertThat(IpcSizing.largestMessage(100)).isEqualTo(148);
    }

    @Test
    void shouldRefuseAPayloadOverAnEighthOfTheTermNamingTheTermItNeeds() {
        assertThatThrownBy(() -> IpcSizing.channel("prod", 65536, 8472))
            .isInstanceOfSatisfying(InvalidSettingException.class, ex -> {
                assertThat(ex.setting()).isEqualTo("max-payload");
                assertThat(ex.value()).isEqualTo(8472);
                assertThat(ex.reason()).contains("term-length of at least 131072 bytes");
                assertThat(ex.getMessage()).startsWith("feed 'prod': ");
            });
    }

    @Test
    void shouldAcceptOnlyPowersOfTwoFrom64KbTo1Gb() {
        assertThat(IpcSizing.checkTermLength(64 * 1024)).isEqualTo(65536);
        assertThat(IpcSizing.checkTermLength(1024 * 1024 * 1024)).isEqualTo(1L << 30);
        for (final long bad : new long[] {32 * 1024, 100 * 1024, 2L * 1024 * 1024 * 1024}) {
            assertThatThrownBy(() -> IpcSizing.checkTermLength(bad))
                .isInstanceOfSatisfying(InvalidSettingException.class,
                    ex -> assertThat(ex.setting()).isEqualTo("term-length"));
        }
    }
}
