package io.mcastrelay.wire;

/**
 * Offsets and constants of the relay-v1 frame prefix, shared by every frame type.
 *
 * <pre>
 * offset size field   rule
 *   0     2   length  bytes in the whole frame, prefix included; at least the type's header size
 *   2     1   type    0x01 DATA, 0x02 HEARTBEAT, 0x03 HELLO, 0x04 ACK; 0x05..0x0F reserved; others unknown
 *   3     1   flags   0
 * </pre>
 * relay-v1.1 added HELLO and ACK (session control); a v1.0 sender never sends HELLO and never receives ACK.
 * All integers on the wire are unsigned and big-endian. Constants only; no thread owns this class.
 */
public final class FrameDescriptor {
    /** Offset of the 2-byte {@code length}. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of the 1-byte {@code type}. */
    public static final int TYPE_OFFSET = 2;
    /** Offset of the 1-byte {@code flags}. */
    public static final int FLAGS_OFFSET = 3;
    /** Bytes in the prefix every frame starts with. */
    public static final int PREFIX_LENGTH = 4;

    /** One multicast datagram, sender to relay. */
    public static final int TYPE_DATA = 0x01;
    /** Liveness, either direction. */
    public static final int TYPE_HEARTBEAT = 0x02;
    /** Session start, sender to relay (relay-v1.1). */
    public static final int TYPE_HELLO = 0x03;
    /** Acknowledgement, relay to sender (relay-v1.1). */
    public static final int TYPE_ACK = 0x04;
    /** First of the types reserved for a later version. */
    public static final int TYPE_RESERVED_FIRST = 0x05;
    /** Last of the types reserved for a later version. */
    public static final int TYPE_RESERVED_LAST = 0x0F;
    /** A customer's request to the replay port ({@link ReplayFrames}); on a feed port an unknown type. */
    public static final int TYPE_REPLAY_REQUEST = 0x10;
    /** The replay port's last frame of an answer ({@link ReplayFrames}). */
    public static final int TYPE_REPLAY_END = 0x11;

    /** The largest value {@code length} can hold. */
    public static final int MAX_FRAME_LENGTH = 0xFFFF;
    /** The largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
    public static final int MAX_PAYLOAD_LENGTH = 65_507;

    /** The wire format's major version: a relay refuses a HELLO with any other. */
    public static final int VERSION_MAJOR = 1;
    /** The wire format's minor version: 1 since session control (HELLO, ACK). */
    public static final int VERSION_MINOR = 1;

    private FrameDescriptor() {
    }
}
