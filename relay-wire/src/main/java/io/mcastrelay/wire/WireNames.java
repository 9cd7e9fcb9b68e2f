package io.mcastrelay.wire;

/**
 * The rule for names the wire carries, a feed's name in a replay request and a relay's id and a feed's name in a
 * probe: printable US-ASCII without space, {@code 0x21 '!'} to {@code 0x7E '~'}; no control byte, no space, nothing
 * above {@code 0x7F}. The lengths are each format's own.
 */
final class WireNames {
    private WireNames() {
    }

    /**
     * Checks a name's bytes; allocates nothing, so a decoder may call it on any thread.
     *
     * @param name the name's bytes.
     * @return true if every byte is printable US-ASCII other than space (true for none).
     */
    static boolean isPrintableAscii(final byte[] name) {
        for (final byte b : name) {
            if (b < 0x21 || b > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
