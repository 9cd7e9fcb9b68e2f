package io.mcastrelay.wire;

/**
 * Layout of the message the relay publishes on each feed's Aeron IPC stream: one message per relayed datagram.
 * This is a published contract for third-party subscribers on the same host; it changes only with {@link #VERSION}.
 *
 * <pre>
 * offset size field             meaning
 *   0     1   version           1
 *   1     1   flags             0 in version 1
 *   2     2   headerLength      48; the payload starts here (read it, do not assume it)
 *   4     4   payloadLength     bytes of datagram
 *   8     4   group             VPC-side group (after remapping), IPv4 most significant byte first
 *  12     2   port              VPC-side UDP port (after remapping)
 *  14     2   sourcePort        the port the exchange sent the datagram to
 *  16     4   sourceGroup       the group the exchange sent the datagram to
 *  20     4   connectionId      per feed, one number per accepted TCP connection since the relay started
 *  24     8   sequence          relay-v1 sequence from the sender; 0 = not numbered
 *  32     8   sendTimeNanos     sender's wall clock, ns since the Unix epoch; 0 = unknown
 *  40     8   ingressTimeNanos  relay's wall clock when the bytes were read off the socket, ns since the epoch
 *  48     n   payload           the datagram, byte for byte
 * </pre>
 *
 * <p>Little-endian (Aeron's and SBE's native order), every field naturally aligned. Constants only.
 */
public final class IpcMessageDescriptor {
    /** The layout version written at offset 0. */
    public static final int VERSION = 1;

    /** Offset of {@code version}. */
    public static final int VERSION_OFFSET = 0;
    /** Offset of {@code flags}. */
    public static final int FLAGS_OFFSET = 1;
    /** Offset of {@code headerLength}. */
    public static final int HEADER_LENGTH_OFFSET = 2;
    /** Offset of {@code payloadLength}. */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Offset of {@code group}. */
    public static final int GROUP_OFFSET = 8;
    /** Offset of {@code port}. */
    public static final int PORT_OFFSET = 12;
    /** Offset of {@code sourcePort}. */
    public static final int SOURCE_PORT_OFFSET = 14;
    /** Offset of {@code sourceGroup}. */
    public static final int SOURCE_GROUP_OFFSET = 16;
    /** Offset of {@code connectionId}. */
    public static final int CONNECTION_ID_OFFSET = 20;
    /** Offset of {@code sequence}. */
    public static final int SEQUENCE_OFFSET = 24;
    /** Offset of {@code sendTimeNanos}. */
    public static final int SEND_TIME_NANOS_OFFSET = 32;
    /** Offset of {@code ingressTimeNanos}. */
    public static final int INGRESS_TIME_NANOS_OFFSET = 40;
    /** Bytes before the payload in version 1. */
    public static final int HEADER_LENGTH = 48;

    private IpcMessageDescriptor() {
    }
}
