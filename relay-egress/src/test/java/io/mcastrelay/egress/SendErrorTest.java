package io.mcastrelay.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(5)
class SendErrorTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Network is unreachable                | NETWORK_UNREACHABLE",
        "sendto failed: Network is unreachable | NETWORK_UNREACHABLE",
        "Network is down                       | NETWORK_DOWN",
        "No buffer space available             | NO_BUFFER_SPACE",
        "Operation not permitted               | NOT_PERMITTED",
        "Permission denied                     | NOT_PERMITTED",
        "Message too long                      | MESSAGE_TOO_LONG",
        "No such device                        | INTERFACE_UNAVAILABLE",
        "No such device or address             | INTERFACE_UNAVAILABLE",
        "Cannot assign requested address       | INTERFACE_UNAVAILABLE",
        "MESSAGE TOO LONG                      | MESSAGE_TOO_LONG",
        "Connection refused                    | IO_ERROR",
        "Bad file descriptor                   | IO_ERROR",
    })
    void shouldClassifyEachErrnoMessage(final String message, final SendError expected) {
        assertThat(SendError.of(new IOException(message))).isEqualTo(expected);
    }

    @Test
    void shouldRetryOnlyTheConditionsOfTheNetworkThatPass() {
        assertThat(SendError.values()).filteredOn(SendError::retried).containsExactlyInAnyOrder(
            SendError.NETWORK_UNREACHABLE, SendError.NETWORK_DOWN, SendError.INTERFACE_UNAVAILABLE,
            SendError.NO_BUFFER_SPACE);
    }

    @Test
    void shouldClassifyAnExceptionWithoutMessageAsIoError() {
        assertThat(SendError.of(new IOException())).isEqualTo(SendError.IO_ERROR);
        assertThat(SendError.of(new PortUnreachableException())).isEqualTo(SendError.IO_ERROR);
    }

    @Test
    void shouldClassifyARealOversizedSendAsMessageTooLong() throws IOException {
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            final IOException thrown = catchThrowableOfType(IOException.class,
                () -> channel.send(ByteBuffer.allocate(65_508), new InetSocketAddress("127.0.0.1", 9)));

            assertThat(SendError.of(thrown)).isEqualTo(SendError.MESSAGE_TOO_LONG);
        }
    }

    @Test
    void shouldGiveEachReasonADistinctKebabCaseTag() {
        assertThat(SendError.values()).extracting(SendError::reason).doesNotHaveDuplicates()
            .allMatch(reason -> reason.matches("[a-z]+(-[a-z]+)*"));
        assertThat(SendError.UNKNOWN_DESTINATION.reason()).isEqualTo("unknown-destination");
    }
}
