package io.mcastrelay.egress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;

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
        try {
            final NetworkInterface byName = NetworkInterface.getByName(nameOrAddress);
            if (byName != null) {
                final Inet4Address address = firstIpv4(byName);
                if (address == null) {
                    throw new IllegalArgumentException("interface '" + nameOrAddress + "' has no IPv4 address");
                }
                return new EgressInterface(byName, address);
            }
            if (nameOrAddress.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
                final InetAddress address = InetAddress.getByName(nameOrAddress);
                final NetworkInterface byAddress = NetworkInterface.getByInetAddress(address);
                if (byAddress != null && address instanceof Inet4Address v4) {
                    return new EgressInterface(byAddress, v4);
                }
            }
        } catch (final SocketException | java.net.UnknownHostException ex) {
            throw new IllegalArgumentException("cannot look up interface '" + nameOrAddress + "': " + ex, ex);
        }
        throw new IllegalArgumentException("no interface named '" + nameOrAddress + "' and no interface has that "
            + "address; interfaces here: " + names());
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

    private static Inet4Address firstIpv4(final NetworkInterface networkInterface) {
        final Enumeration<InetAddress> addresses = networkInterface.getInetAddresses();
        while (addresses.hasMoreElements()) {
            if (addresses.nextElement() instanceof Inet4Address v4) {
                return v4;
            }
        }
        return null;
    }

    private static String names() {
        final StringBuilder names = new StringBuilder();
        try {
            final Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
            while (all.hasMoreElements()) {
                final NetworkInterface each = all.nextElement();
                final Inet4Address address = firstIpv4(each);
                names.append(names.length() == 0 ? "" : ", ").append(each.getName());
                if (address != null) {
                    names.append(" (").append(address.getHostAddress()).append(')');
                }
            }
        } catch (final SocketException ex) {
            names.append("unknown: ").append(ex.getMessage());
        }
        return names.toString();
    }
}
