package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the configuration strings the relay parses: {@link Ipv4#parse} and
 * {@link Destination#parse}. The input is the text in UTF-8 (seed files are plain text). Each result is held
 * against a strict grammar written here: what the parser accepts must be in it, what it refuses must be outside it
 * and be refused with an {@link IllegalArgumentException} (the message start-up shows), never another exception.
 */
class ConfigurationTextFuzzTest {
    /** What String.trim() removes. */
    private static final String SPACE = "[\\x00-\\x20]*";
    private static final String OCTET = "([0-9]{1,3})";
    private static final Pattern IPV4 = Pattern.compile(SPACE + OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET
        + SPACE);
    private static final String GROUP_PORT = SPACE + "([0-9.]+)" + SPACE + ":" + SPACE + "([0-9]+)" + SPACE;
    private static final Pattern DESTINATION = Pattern.compile(GROUP_PORT + "(?:->" + GROUP_PORT + ")?");

    @FuzzTest(maxDuration = "30s")
    void parseIpv4(final byte[] input) {
        final String text = new String(input, StandardCharsets.UTF_8);
        final Integer expected = referenceIpv4(text);
        if (expected == null) {
            assertThatThrownBy(() -> Ipv4.parse(text)).as("'%s' is not a dotted quad", text)
                .isInstanceOf(IllegalArgumentException.class);
            return;
        }
        final int address = Ipv4.parse(text);
        assertThat(address).as("'%s'", text).isEqualTo(expected);
        assertThat(Ipv4.parse(Ipv4.toString(address))).as("round trip of '%s'", text).isEqualTo(address);
    }

    @FuzzTest(maxDuration = "30s")
    void parseDestination(final byte[] input) {
        final String text = new String(input, StandardCharsets.UTF_8);
        final Destination expected = referenceDestination(text);
        if (expected == null) {
            assertThatThrownBy(() -> Destination.parse(text)).as("'%s' is not a destination", text)
                .isInstanceOf(IllegalArgumentException.class);
            return;
        }
        final Destination destination = Destination.parse(text);
        assertThat(destination).as("'%s'", text).isEqualTo(expected);
        assertThat(Ipv4.isMulticast(destination.group())).isTrue();
        assertThat(Ipv4.isMulticast(destination.egressGroup())).isTrue();
        assertThat(destination.port()).isBetween(1, 65535);
        assertThat(destination.egressPort()).isBetween(1, 65535);
        assertThat(Destination.parse(destination.toString())).as("round trip of '%s'", text).isEqualTo(destination);
        assertThat(destination.remapped()).isEqualTo(destination.key() != destination.egressKey());
    }

    private static Integer referenceIpv4(final String text) {
        final Matcher matcher = IPV4.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        int address = 0;
        for (int i = 1; i <= 4; i++) {
            final int octet = Integer.parseInt(matcher.group(i));
            if (octet > 255) {
                return null;
            }
            address = address << 8 | octet;
        }
        return address;
    }

    private static Destination referenceDestination(final String text) {
        final Matcher matcher = DESTINATION.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        final Integer group = referenceIpv4(matcher.group(1));
        final int port = port(matcher.group(2));
        final boolean remapped = matcher.group(3) != null;
        final Integer egressGroup = remapped ? referenceIpv4(matcher.group(3)) : group;
        final int egressPort = remapped ? port(matcher.group(4)) : port;
        if (group == null || egressGroup == null || !Ipv4.isMulticast(group) || !Ipv4.isMulticast(egressGroup)
            || port < 1 || port > 65535 || egressPort < 1 || egressPort > 65535) {
            return null;
        }
        return new Destination(group, port, egressGroup, egressPort);
    }

    /** ASCII digits to a number; -1 when too long to be a port (leading zeros are allowed). */
    private static int port(final String digits) {
        final String significant = digits.replaceFirst("^0+(?=.)", "");
        return significant.length() > 5 ? -1 : Integer.parseInt(significant);
    }
}
