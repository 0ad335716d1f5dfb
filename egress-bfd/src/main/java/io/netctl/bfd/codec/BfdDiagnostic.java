package io.netctl.bfd.codec;

/**
 * The diagnostic code ({@code Diag}, RFC 5880 §4.1): why the local system last changed state. The wire code equals
 * the ordinal. Codes 9–31 are reserved; received packets keep the raw code (see
 * {@link BfdControlPacket#diagnosticCode()}) so an unknown code never causes a drop.
 */
public enum BfdDiagnostic {
    NO_DIAGNOSTIC("no diagnostic"),
    CONTROL_DETECTION_TIME_EXPIRED("control detection time expired"),
    ECHO_FUNCTION_FAILED("echo function failed"),
    NEIGHBOR_SIGNALED_SESSION_DOWN("neighbor signaled session down"),
    FORWARDING_PLANE_RESET("forwarding plane reset"),
    PATH_DOWN("path down"),
    CONCATENATED_PATH_DOWN("concatenated path down"),
    ADMINISTRATIVELY_DOWN("administratively down"),
    REVERSE_CONCATENATED_PATH_DOWN("reverse concatenated path down");

    /** The largest code that fits the 5-bit field. */
    public static final int MAX_CODE = 31;

    private static final BfdDiagnostic[] VALUES = values();

    private final String displayName;

    BfdDiagnostic(String displayName) {
        this.displayName = displayName;
    }

    /** The 5-bit wire code. */
    public byte byteValue() {
        return (byte) ordinal();
    }

    /** A readable name, e.g. "neighbor signaled session down". */
    public String displayName() {
        return displayName;
    }

    /** Whether {@code code} is one of the codes RFC 5880 defines (0–8). */
    public static boolean isDefined(int code) {
        return code >= 0 && code < VALUES.length;
    }

    /**
     * Returns the diagnostic for a wire code.
     *
     * @throws IllegalArgumentException if {@code code} is not in 0–8
     */
    public static BfdDiagnostic valueOf(int code) {
        if (!isDefined(code)) {
            throw new IllegalArgumentException("diagnostic: " + code + " (expected: 0-8)");
        }
        return VALUES[code];
    }

    /** A readable name for any 5-bit code, including reserved ones; never throws. */
    public static String describe(int code) {
        return isDefined(code) ? VALUES[code].displayName : "reserved (" + code + ")";
    }

    @Override
    public String toString() {
        return displayName;
    }
}
