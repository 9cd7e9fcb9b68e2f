package io.mcastrelay.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Enumeration;

/**
 * Finds the interface a setting names, by name ({@code eth0}) or by one of its IPv4 addresses ({@code 10.0.1.5}),
 * for the relay's egress and the capture's datacenter side alike. Start-up only; any thread.
 */
public final class NetworkInterfaces {
    private NetworkInterfaces() {
    }

    /**
     * Finds the interface.
     *
     * @param nameOrAddress what the configuration says.
     * @return the interface, which has an IPv4 address.
     * @throws IllegalArgumentException if no interface has that name or address (listing those there are), or it has
     *                                  no IPv4 address.
     */
    public static NetworkInterface find(final String nameOrAddress) {
        try {
            NetworkInterface found = NetworkInterface.getByName(nameOrAddress);
            if (found == null && isIpv4Literal(nameOrAddress)) {
                final InetAddress address = InetAddress.getByName(nameOrAddress);
                found = address instanceof Inet4Address ? NetworkInterface.getByInetAddress(address) : null;
            }
            if (found == null) {
                throw new IllegalArgumentException("no interface named '" + nameOrAddress + "' and no interface has "
                    + "that address; interfaces here: " + names());
            }
            if (firstIpv4(found) == null) {
                throw new IllegalArgumentException("interface '" + nameOrAddress + "' has no IPv4 address");
            }
            return found;
        } catch (final SocketException | UnknownHostException ex) {
            throw new IllegalArgumentException("cannot look up interface '" + nameOrAddress + "': " + ex, ex);
        }
    }

    /**
     * Whether the setting is an address rather than a name.
     *
     * @param nameOrAddress what the configuration says.
     * @return true for dotted digits such as {@code 10.0.1.5}.
     */
    public static boolean isIpv4Literal(final String nameOrAddress) {
        return !nameOrAddress.isEmpty() && nameOrAddress.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }

    /**
     * The interface's first IPv4 address.
     *
     * @param networkInterface an interface.
     * @return the address, or null if it has none.
     */
    public static Inet4Address firstIpv4(final NetworkInterface networkInterface) {
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
