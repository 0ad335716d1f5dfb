package io.netctl.bfd.codec;

/**
 * The BFD session state as carried in the {@code Sta} field (RFC 5880 §4.1). The wire code equals the ordinal.
 */
public enum BfdState {
    ADMIN_DOWN("AdminDown"),
    DOWN("Down"),
    INIT("Init"),
    UP("Up");

    private static final BfdState[] VALUES = values();

    private final String displayName;

    BfdState(String displayName) {
        this.displayName = displayName;
    }

    /** The 2-bit wire code. */
    public byte byteValue() {
        return (byte) ordinal();
    }

    /** The name used in RFC 5880 ("AdminDown", "Down", "Init", "Up"). */
    public String displayName() {
        return displayName;
    }

    /**
     * Returns the state for a wire code.
     *
     * @throws IllegalArgumentException if {@code code} is not in 0–3
     */
    public static BfdState valueOf(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new IllegalArgumentException("state: " + code + " (expected: 0-3)");
        }
        return VALUES[code];
    }

    @Override
    public String toString() {
        return displayName;
    }
}
