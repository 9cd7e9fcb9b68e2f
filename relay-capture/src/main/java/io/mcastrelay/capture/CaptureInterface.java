package io.mcastrelay.capture;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Enumeration;

/**
 * Finds the datacenter interface the groups are joined on, by name ({@code eth1}) or by one of its IPv4 addresses
 * ({@code 10.1.2.3}), as relay-egress does for its own side. Start-up only; any thread.
 */
final class CaptureInterface {
    private CaptureInterface() {
    }

    /**
     * @param nameOrAddress what the configuration says.
     * @return the interface.
     * @throws IllegalArgumentException if there is no such interface, it has no IPv4 address or it is down.
     */
    static NetworkInterface resolve(final String nameOrAddress) {
        try {
            NetworkInterface found = NetworkInterface.getByName(nameOrAddress);
            if (found == null && nameOrAddress.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
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
            if (!found.isUp()) {
                throw new IllegalArgumentException("interface '" + nameOrAddress + "' is down");
            }
            return found;
        } catch (final SocketException | UnknownHostException ex) {
            throw new IllegalArgumentException("cannot look up interface '" + nameOrAddress + "': " + ex, ex);
        }
    }

    /**
     * @param networkInterface an interface.
     * @return its first IPv4 address, or null.
     */
    static Inet4Address firstIpv4(final NetworkInterface networkInterface) {
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
