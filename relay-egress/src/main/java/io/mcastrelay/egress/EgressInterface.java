package io.mcastrelay.egress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

import io.mcastrelay.wire.NetworkInterfaces;

/**
 * The interface egress sends from and the IPv4 address datagrams carry as their source. Immutable.
 *
 * @param networkInterface the interface.
 * @param address          its IPv4 address used as source.
 */
public record EgressInterface(NetworkInterface networkInterface, Inet4Address address) {
    /**
     * Finds an interface by name ({@code eth0}) or by one of its IPv4 addresses ({@code 10.0.1.5}).
     *
     * @param nameOrAddress what the configuration says.
     * @return the interface and its address.
     * @throws IllegalArgumentException if no such interface exists or it has no IPv4 address.
     */
    public static EgressInterface resolve(final String nameOrAddress) {
        final NetworkInterface found = NetworkInterfaces.find(nameOrAddress);
        if (NetworkInterfaces.isIpv4Literal(nameOrAddress) && !found.getName().equals(nameOrAddress)) {
            try {
                return new EgressInterface(found, (Inet4Address)InetAddress.getByName(nameOrAddress));
            } catch (final java.net.UnknownHostException ex) {
                throw new IllegalArgumentException("cannot look up interface '" + nameOrAddress + "': " + ex, ex);
            }
        }
        return new EgressInterface(found, NetworkInterfaces.firstIpv4(found));
    }

    /**
     * Whether the interface is up now; read by health checks.
     *
     * @return true if up.
     */
    public boolean isUp() {
        try {
            final NetworkInterface current = NetworkInterface.getByName(networkInterface.getName());
            return current != null && current.isUp();
        } catch (final SocketException ex) {
            return false;
        }
    }
}
