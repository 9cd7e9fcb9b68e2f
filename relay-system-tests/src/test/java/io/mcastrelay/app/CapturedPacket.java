package io.mcastrelay.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One IPv4 packet from a pcap file that tcpdump wrote, with what the network tests look at: the IPv4 TTL, source and
 * destination; for IGMP the type (first byte after the IPv4 header, options such as Router Alert included) and
 * group; for UDP the ports and payload.
 *
 * <p>The pcap format: a 24-byte global header (magic {@code a1b2c3d4} for microsecond or {@code a1b23c4d} for
 * nanosecond timestamps, in the writer's byte order; the link type at offset 20, 1 for Ethernet), then per packet a
 * 16-byte record header (seconds, fraction, captured length, original length) and the captured bytes. A record cut
 * short at the end of the file (tcpdump is still writing) is ignored.
 *
 * @param timestampMicros  capture time, microseconds since the epoch.
 * @param ttl              the IPv4 time to live.
 * @param protocol         the IPv4 protocol: {@value #IGMP} or {@value #UDP} here.
 * @param source           the IPv4 source address.
 * @param destination      the IPv4 destination address.
 * @param igmpType         the IGMP type ({@code 0x11} query, {@code 0x16} v2 report, {@code 0x17} leave,
 *                         {@code 0x22} v3 report), or -1.
 * @param igmpGroup        the IGMP group address field, or null.
 * @param destinationPort  the UDP destination port, or -1.
 * @param payload          the UDP payload, or empty.
 */
record CapturedPacket(
    long timestampMicros, int ttl, int protocol, String source, String destination,
    int igmpType, String igmpGroup, int destinationPort, byte[] payload) {

    static final int IGMP = 2;
    static final int UDP = 17;
    static final int IGMP_V2_REPORT = 0x16;
    static final int IGMP_LEAVE = 0x17;
    static final int IGMP_V3_REPORT = 0x22;

    private static final int GLOBAL_HEADER_BYTES = 24;
    private static final int RECORD_HEADER_BYTES = 16;
    private static final int ETHERNET_HEADER_BYTES = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;

    /** Reads every complete IPv4 packet of the file; other frames (ARP, IPv6) are skipped. */
    static List<CapturedPacket> read(final Path pcap) throws IOException {
        final byte[] bytes = Files.readAllBytes(pcap);
        final List<CapturedPacket> packets = new ArrayList<>();
        if (bytes.length < GLOBAL_HEADER_BYTES) {
            return packets;
        }
        final ByteBuffer headers = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (!isMagic(headers.getInt(0))) {
            headers.order(ByteOrder.BIG_ENDIAN);
        }
        final int magic = headers.getInt(0);
        if (!isMagic(magic)) {
            throw new IOException("not a pcap file: " + pcap);
        }
        final boolean nanos = magic == MAGIC_NANOS;
        final int linkType = headers.getInt(20);
        if (linkType != LINKTYPE_ETHERNET) {
            throw new IOException("link type " + linkType + ", not Ethernet, in " + pcap);
        }
        final ByteBuffer network = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int offset = GLOBAL_HEADER_BYTES;
        while (offset + RECORD_HEADER_BYTES <= bytes.length) {
            final long seconds = Integer.toUnsignedLong(headers.getInt(offset));
            final long fraction = Integer.toUnsignedLong(headers.getInt(offset + 4));
            final int capturedLength = headers.getInt(offset + 8);
            final int frame = offset + RECORD_HEADER_BYTES;
            if (capturedLength < 0 || frame + capturedLength > bytes.length) {
                break;
            }
            final long micros = seconds * 1_000_000L + (nanos ? fraction / 1000 : fraction);
            final CapturedPacket packet = ipv4(network, frame, capturedLength, micros);
            if (packet != null) {
                packets.add(packet);
            }
            offset = frame + capturedLength;
        }
        return packets;
    }

    private static boolean isMagic(final int magic) {
        return magic == MAGIC_MICROS || magic == MAGIC_NANOS;
    }

    private static CapturedPacket ipv4(final ByteBuffer file, final int frame, final int length, final long micros) {
        if (length < ETHERNET_HEADER_BYTES + 20 || (file.getShort(frame + 12) & 0xffff) != ETHERTYPE_IPV4) {
            return null;
        }
        final int ip = frame + ETHERNET_HEADER_BYTES;
        final int headerBytes = (file.get(ip) & 0x0f) * 4;
        final int totalBytes = file.getShort(ip + 2) & 0xffff;
        final int ttl = file.get(ip + 8) & 0xff;
        final int protocol = file.get(ip + 9) & 0xff;
        final String source = address(file, ip + 12);
        final String destination = address(file, ip + 16);
        final int transport = ip + headerBytes;
        final int end = Math.min(frame + length, ip + totalBytes);
        if (protocol == IGMP && transport + 8 <= end) {
            return new CapturedPacket(micros, ttl, protocol, source, destination,
                file.get(transport) & 0xff, address(file, transport + 4), -1, new byte[0]);
        }
        if (protocol == UDP && transport + 8 <= end) {
            final int port = file.getShort(transport + 2) & 0xffff;
            final byte[] payload = Arrays.copyOfRange(file.array(), transport + 8, end);
            return new CapturedPacket(micros, ttl, protocol, source, destination, -1, null, port, payload);
        }
        return new CapturedPacket(micros, ttl, protocol, source, destination, -1, null, -1, new byte[0]);
    }

    private static String address(final ByteBuffer file, final int offset) {
        return (file.get(offset) & 0xff) + "." + (file.get(offset + 1) & 0xff) + "."
            + (file.get(offset + 2) & 0xff) + "." + (file.get(offset + 3) & 0xff);
    }

    /** @return the UDP destination as {@code group:port}. */
    String udpDestination() {
        return destination + ":" + destinationPort;
    }

    boolean isUdp() {
        return protocol == UDP;
    }

    boolean isIgmp() {
        return protocol == IGMP;
    }

    @Override
    public String toString() {
        return isIgmp() ? String.format("IGMP 0x%02x %s from %s ttl %d", igmpType, igmpGroup, source, ttl)
            : String.format("UDP %s from %s ttl %d, %d bytes", udpDestination(), source, ttl, payload.length);
    }
}
