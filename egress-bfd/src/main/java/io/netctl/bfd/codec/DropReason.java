package io.netctl.bfd.codec;

/**
 * Why a received BFD Control packet was discarded (RFC 5880 §6.8.6, §6.7; RFC 5881 §5). Validation returns a value of
 * this enum rather than throwing, so the receive path can count drops without allocating. {@link #NONE} means the
 * packet was accepted.
 */
public enum DropReason {
    /** Not dropped. */
    NONE,
    /** Fewer bytes than the 24-byte mandatory section. */
    TOO_SHORT,
    /** Version is not 1. */
    BAD_VERSION,
    /** Length below 24 (26 with the A bit) or above the datagram length. */
    BAD_LENGTH,
    /** Detect Mult is zero. */
    ZERO_MULTIPLIER,
    /** The M bit is set. */
    MULTIPOINT,
    /** My Discriminator is zero. */
    ZERO_MY_DISCRIMINATOR,
    /** Your Discriminator is zero but the state is Init or Up. */
    ZERO_YOUR_DISCRIMINATOR_IN_STATE,
    /** The A bit is set but the authentication section does not fit the packet or its type. */
    AUTH_MALFORMED,
    /** No session for Your Discriminator, or for the addresses when Your Discriminator is zero. */
    NO_SESSION,
    /** The session uses authentication but the A bit is clear. */
    AUTH_MISSING,
    /** The A bit is set but the session does not use authentication. */
    AUTH_UNEXPECTED,
    /** Wrong type, unknown key id, wrong password or digest. */
    AUTH_FAILED,
    /** Sequence number outside the window of §6.7.3/§6.7.4 (for example a replay). */
    AUTH_SEQUENCE,
    /** The local session is AdminDown, so received packets are discarded (§6.8.6). */
    ADMIN_DOWN,
    /** TTL/hop limit is not 255 on a single-hop session (RFC 5881 §5); reserved for the transport's GTSM check. */
    TTL;

    private static final DropReason[] VALUES = values();

    /** The number of values, for counters indexed by ordinal. */
    public static final int COUNT = VALUES.length;

    /** Whether this reason is an authentication failure (counted as such in RFC 9127 terms). */
    public boolean isAuthFailure() {
        return switch (this) {
            case AUTH_MALFORMED, AUTH_MISSING, AUTH_UNEXPECTED, AUTH_FAILED, AUTH_SEQUENCE -> true;
            default -> false;
        };
    }

    /** Returns the reason with the given ordinal. */
    public static DropReason valueOf(int ordinal) {
        if (ordinal < 0 || ordinal >= VALUES.length) {
            throw new IllegalArgumentException("drop reason: " + ordinal + " (expected: 0-" + (VALUES.length - 1) + ")");
        }
        return VALUES[ordinal];
    }
}
