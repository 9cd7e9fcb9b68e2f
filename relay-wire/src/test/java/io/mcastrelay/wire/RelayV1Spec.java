package io.mcastrelay.wire;

/**
 * docs/wire-format.md restated as plain predicates over a byte array, written from the spec's tables and not from
 * {@link RelayV1Decoder}, so that the fuzz tests can hold the decoder against an independent reading of the spec.
 * Slow and allocation-free is not a goal here; obviousness is.
 */
final class RelayV1Spec {
    static final int DATA = 0x01;
    static final int HEARTBEAT = 0x02;
    static final int HELLO = 0x03;
    static final int ACK = 0x04;

    private RelayV1Spec() {
    }

    static int u8(final byte[] b, final int at) {
        return b[at] & 0xFF;
    }

    static int u16(final byte[] b, final int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    static int i32(final byte[] b, final int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    static long i64(final byte[] b, final int at) {
        return (long)i32(b, at) << 32 | (i32(b, at + 4) & 0xFFFF_FFFFL);
    }

    /** Bytes of the type's fixed header (what must be in before its header can be judged); 4 for other types. */
    static int headerLength(final int type) {
        switch (type) {
            case DATA:
                return 28;
            case HEARTBEAT:
                return 20;
            case HELLO:
                return 32;
            case ACK:
                return 28;
            default:
                return 4;
        }
    }

    /** Whether a type may travel in this direction at all. */
    static boolean legalType(final int type, final boolean toRelay) {
        return toRelay ? type == DATA || type == HEARTBEAT || type == HELLO : type == HEARTBEAT || type == ACK;
    }

    /** The spec's length rule for the type. */
    static boolean legalLength(final int type, final int length) {
        switch (type) {
            case DATA:
                return length >= 28 && length - 28 <= 65_507;
            case HEARTBEAT:
                return length == 20;
            case HELLO:
                return length >= 33 && length <= 96;
            case ACK:
                return length == 28;
            default:
                return false;
        }
    }

    /**
     * Whether the frame at the start of {@code b} (which holds at least {@code headerLength(type)} and at least
     * 4 bytes) obeys every rule of the spec for this direction.
     */
    static boolean valid(final byte[] b, final boolean toRelay) {
        final int length = u16(b, 0);
        final int type = u8(b, 2);
        if (u8(b, 3) != 0 || !legalType(type, toRelay) || !legalLength(type, length)) {
            return false;
        }
        if (type == DATA) {
            return (i32(b, 4) >>> 28) == 0xE && u16(b, 8) != 0 && u16(b, 10) == 0;
        }
        if (type == HELLO) {
            return u8(b, 4) == 1 && u16(b, 6) == 0 && i64(b, 8) != 0 && i64(b, 16) != 0;
        }
        return true;
    }

    /**
     * Whether the bytes justify the error the decoder reported, for a frame of which {@code available} bytes are in.
     *
     * @return null if justified, otherwise why not.
     */
    static String unjustified(final ProtocolError error, final byte[] b, final int available, final boolean toRelay) {
        final int length = u16(b, 0);
        final int type = u8(b, 2);
        final boolean ok;
        switch (error) {
            case UNKNOWN_TYPE:
                ok = type == 0 || type > 0x0F;
                break;
            case RESERVED_TYPE:
                ok = type >= 0x05 && type <= 0x0F;
                break;
            case WRONG_DIRECTION:
                ok = (type >= DATA && type <= ACK) && !legalType(type, toRelay);
                break;
            case NON_ZERO_FLAGS:
                ok = u8(b, 3) != 0;
                break;
            case BAD_LENGTH:
                ok = legalType(type, toRelay) && (type != DATA || length < 28) && !legalLength(type, length);
                break;
            case PAYLOAD_TOO_LARGE:
                ok = type == DATA && length - 28 > 65_507;
                break;
            case GROUP_NOT_MULTICAST:
                ok = type == DATA && available >= 28 && (i32(b, 4) >>> 28) != 0xE;
                break;
            case PORT_ZERO:
                ok = type == DATA && available >= 28 && u16(b, 8) == 0;
                break;
            case NON_ZERO_RESERVED:
                ok = type == DATA && available >= 28 && u16(b, 10) != 0;
                break;
            case UNSUPPORTED_VERSION:
                ok = type == HELLO && available >= 32 && u8(b, 4) != 1;
                break;
            case BAD_HELLO:
                ok = type == HELLO && available >= 32 && (u16(b, 6) != 0 || i64(b, 8) == 0 || i64(b, 16) == 0);
                break;
            default:
                ok = false;
        }
        return ok ? null : error + " is not what frame type " + type + " length " + length + " breaks ("
            + available + " bytes in)";
    }

    /**
     * How many bytes of a frame must be in before this error can be seen: the spec promises that the relay never
     * waits for more than that, so a refused frame is refused before its body arrives.
     */
    static int detectableAfter(final ProtocolError error) {
        switch (error) {
            case GROUP_NOT_MULTICAST:
            case PORT_ZERO:
            case NON_ZERO_RESERVED:
                return 28;
            case UNSUPPORTED_VERSION:
            case BAD_HELLO:
                return 32;
            default:
                return 4;
        }
    }
}
