package io.mcastrelay.egress;

import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.InvalidSettingException;
import io.mcastrelay.wire.RelayProbe;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The relay's probe datagrams (docs/probes.md): where they go, how often, and the name they carry. Checked here, the
 * only place these rules live; relay-app names the property ({@code relay.probes.} + the setting).
 *
 * @param destination     the probe group:port, which no feed may also send to.
 * @param ratePerSecond   probes per second per feed, 1..100.
 * @param relayId         the relay's identity in each probe (host name or task id), 1..64 printable bytes.
 */
public record ProbeSettings(Destination destination, int ratePerSecond, String relayId) {

    /**
     * @throws InvalidSettingException naming {@code group}, {@code rate} or {@code relay-id}.
     */
    public ProbeSettings {
        if (destination == null) {
            throw new InvalidSettingException("probes", "group", null, "the probe group:port must be set");
        }
        if (ratePerSecond < 1 || ratePerSecond > 100) {
            throw new InvalidSettingException("probes", "rate", ratePerSecond,
                "probes per second per feed must lie in 1..100");
        }
        try {
            RelayProbe.writeNames(new UnsafeBuffer(new byte[RelayProbe.MAX_LENGTH]), 0,
                relayId == null ? "" : relayId, "feed");
        } catch (final IllegalArgumentException ex) {
            throw new InvalidSettingException("probes", "relay-id", relayId, ex.getMessage());
        }
    }

    /** @return the period between two probes of a feed. */
    public long periodNs() {
        return 1_000_000_000L / ratePerSecond;
    }
}
