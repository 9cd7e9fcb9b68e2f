package io.mcastrelay.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The host's UDP counters from {@code /proc/net/snmp}: datagrams dropped because a socket buffer was full. */
final class UdpStats {
    private UdpStats() {
    }

    /** @return {@code Udp: RcvbufErrors} of this network namespace, or -1 if unreadable. */
    static long receiveBufferErrors() {
        try {
            final List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            String[] names = null;
            for (final String line : lines) {
                if (line.startsWith("Udp:")) {
                    final String[] fields = line.trim().split("\\s+");
                    if (names == null) {
                        names = fields;
                    } else {
                        for (int i = 0; i < names.length; i++) {
                            if ("RcvbufErrors".equals(names[i])) {
                                return Long.parseLong(fields[i]);
                            }
                        }
                    }
                }
            }
        } catch (final IOException | RuntimeException ex) {
            return -1;
        }
        return -1;
    }
}
