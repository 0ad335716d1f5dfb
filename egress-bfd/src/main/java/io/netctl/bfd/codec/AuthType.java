package io.netctl.bfd.codec;

/**
 * The {@code Auth Type} field of the authentication section (RFC 5880 §4.2). Code 0 is reserved and not a member.
 */
public enum AuthType {
    SIMPLE_PASSWORD(1, "simple password", 0, 16),
    KEYED_MD5(2, "keyed MD5", 16, 16),
    METICULOUS_KEYED_MD5(3, "meticulous keyed MD5", 16, 16),
    KEYED_SHA1(4, "keyed SHA1", 20, 20),
    METICULOUS_KEYED_SHA1(5, "meticulous keyed SHA1", 20, 20);

    private static final AuthType[] BY_CODE = new AuthType[6];

    static {
        for (AuthType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final String displayName;
    private final int digestLength;
    private final int maxKeyLength;

    AuthType(int code, String displayName, int digestLength, int maxKeyLength) {
        this.code = code;
        this.displayName = displayName;
        this.digestLength = digestLength;
        this.maxKeyLength = maxKeyLength;
    }

    public byte byteValue() {
        return (byte) code;
    }

    public String displayName() {
        return displayName;
    }

    /** Whether this is one of the keyed (digest) types, i.e. not simple password. */
    public boolean isKeyed() {
        return digestLength != 0;
    }

    /** Whether the sequence number must increase with every packet (§6.7.3, §6.7.4). */
    public boolean isMeticulous() {
        return this == METICULOUS_KEYED_MD5 || this == METICULOUS_KEYED_SHA1;
    }

    /** Whether the digest is SHA1 (else MD5); meaningless for simple password. */
    public boolean isSha1() {
        return this == KEYED_SHA1 || this == METICULOUS_KEYED_SHA1;
    }

    /** Length of the digest field: 16 for MD5, 20 for SHA1, 0 for simple password. */
    public int digestLength() {
        return digestLength;
    }

    /** Longest key (password) this type carries: 16 for password and MD5, 20 for SHA1. */
    public int maxKeyLength() {
        return maxKeyLength;
    }

    /**
     * The value of {@code Auth Len} for this type: 24 (MD5), 28 (SHA1); for simple password it depends on the
     * password, so this returns -1.
     */
    public int fixedAuthLength() {
        return isKeyed() ? BfdControlPacket.AUTH_DIGEST_OFFSET - BfdControlPacket.AUTH_TYPE_OFFSET + digestLength : -1;
    }

    /** Whether {@code code} names a type defined by RFC 5880. */
    public static boolean isDefined(int code) {
        return code > 0 && code < BY_CODE.length;
    }

    /**
     * @throws IllegalArgumentException if {@code code} is not in 1–5
     */
    public static AuthType valueOf(int code) {
        if (!isDefined(code)) {
            throw new IllegalArgumentException("auth type: " + code + " (expected: 1-5)");
        }
        return BY_CODE[code];
    }

    @Override
    public String toString() {
        return displayName;
    }
}
