package io.mcastrelay.egress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(5)
class SendErrorTest {
    @ParameterizedTest(name = "errno {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "101 | NETWORK_UNREACHABLE",     // ENETUNREACH
        "113 | NETWORK_UNREACHABLE",     // EHOSTUNREACH
        "100 | NETWORK_DOWN",            // ENETDOWN
        "105 | NO_BUFFER_SPACE",         // ENOBUFS
        "1   | NOT_PERMITTED",           // EPERM
        "13  | NOT_PERMITTED",           // EACCES
        "90  | MESSAGE_TOO_LONG",        // EMSGSIZE
        "19  | INTERFACE_UNAVAILABLE",   // ENODEV
        "6   | INTERFACE_UNAVAILABLE",   // ENXIO
        "99  | INTERFACE_UNAVAILABLE",   // EADDRNOTAVAIL
        "111 | IO_ERROR",                // ECONNREFUSED
        "9   | IO_ERROR",                // EBADF
    })
    void shouldClassifyEachErrno(final int errno, final SendError expected) {
        assertThat(SendError.ofErrno(errno)).isEqualTo(expected);
    }

    @Test
    void shouldRetryOnlyTheConditionsOfTheNetworkThatPass() {
        assertThat(SendError.values()).filteredOn(SendError::retried).containsExactlyInAnyOrder(
            SendError.NETWORK_UNREACHABLE, SendError.NETWORK_DOWN, SendError.INTERFACE_UNAVAILABLE,
            SendError.NO_BUFFER_SPACE);
    }

    @Test
    void shouldGiveEachReasonADistinctKebabCaseTag() {
        assertThat(SendError.values()).extracting(SendError::reason).doesNotHaveDuplicates()
            .allMatch(reason -> reason.matches("[a-z]+(-[a-z]+)*"));
        assertThat(SendError.UNKNOWN_DESTINATION.reason()).isEqualTo("unknown-destination");
    }
}
