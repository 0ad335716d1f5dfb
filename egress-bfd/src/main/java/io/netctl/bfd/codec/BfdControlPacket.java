package io.netctl.bfd.codec;

import io.netty.buffer.ByteBuf;

/**
 * A flyweight over a BFD Control packet (RFC 5880 §4.1–4.4) in a Netty {@link ByteBuf}. It holds no copy of the
 * bytes: {@link #wrap(ByteBuf, int, int)} points it at a region and the getters read the buffer with absolute
 * indexes, so one instance can be reused for every received packet without allocating. Reader and writer indexes of
 * the buffer are never touched.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 * |                       My Discriminator                        |
 * |                      Your Discriminator                       |
 * |                    Desired Min TX Interval                    |
 * |                   Required Min RX Interval                    |
 * |                 Required Min Echo RX Interval                 |
 * |   Auth Type   |   Auth Len    |  Auth Key ID  |  Password / Reserved ...
 * |                        Sequence Number (keyed types)          |
 * |                  Auth Key/Digest (16 or 20 bytes) ...         |
 * </pre>
 *
 * <p>Discriminators are unsigned 32-bit values held in an {@code int}; intervals are unsigned 32-bit microsecond
 * values returned as {@code long}. Setters do not validate beyond masking to the field width: the encoder and the
 * validator do that.
 */
public final class BfdControlPacket {
    public static final int VERSION = 1;

    public static final int VERSION_DIAG_OFFSET = 0;
    public static final int STATE_FLAGS_OFFSET = 1;
    public static final int DETECT_MULT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 3;
    public static final int MY_DISCRIMINATOR_OFFSET = 4;
    public static final int YOUR_DISCRIMINATOR_OFFSET = 8;
    public static final int DESIRED_MIN_TX_OFFSET = 12;
    public static final int REQUIRED_MIN_RX_OFFSET = 16;
    public static final int REQUIRED_MIN_ECHO_RX_OFFSET = 20;
    /** Length of the mandatory section. */
    public static final int MANDATORY_LENGTH = 24;

    public static final int AUTH_TYPE_OFFSET = 24;
    public static final int AUTH_LEN_OFFSET = 25;
    public static final int AUTH_KEY_ID_OFFSET = 26;
    /** Simple password starts here (§4.2). */
    public static final int AUTH_PASSWORD_OFFSET = 27;
    /** Keyed types: one reserved byte (§4.3, §4.4). */
    public static final int AUTH_RESERVED_OFFSET = 27;
    public static final int AUTH_SEQUENCE_OFFSET = 28;
    public static final int AUTH_DIGEST_OFFSET = 32;
    /** Minimum length when the A bit is set (§6.8.6). */
    public static final int MIN_AUTH_LENGTH = 26;
    /** Auth Len of a simple password section is the password length plus this. */
    public static final int PASSWORD_AUTH_HEADER = 3;
    /** Longest possible packet: the Length field is one byte. */
    public static final int MAX_LENGTH = 255;

    static final int VERSION_SHIFT = 5;
    static final int DIAG_MASK = 0x1f;
    static final int STATE_SHIFT = 6;
    static final int POLL_BIT = 0x20;
    static final int FINAL_BIT = 0x10;
    static final int CPI_BIT = 0x08;
    static final int AUTH_BIT = 0x04;
    static final int DEMAND_BIT = 0x02;
    static final int MULTIPOINT_BIT = 0x01;

    private static final BfdState[] STATES = BfdState.values();

    private ByteBuf buffer;
    private int offset;
    private int capacity;

    /**
     * Points this flyweight at {@code capacity} bytes of {@code buffer} starting at {@code offset}. For a received
     * packet {@code capacity} is the datagram payload length, which the validator compares with the Length field.
     */
    public BfdControlPacket wrap(ByteBuf buffer, int offset, int capacity) {
        this.buffer = buffer;
        this.offset = offset;
        this.capacity = capacity;
        return this;
    }

    /** Wraps the readable bytes of {@code buffer}. */
    public BfdControlPacket wrap(ByteBuf buffer) {
        return wrap(buffer, buffer.readerIndex(), buffer.readableBytes());
    }

    public ByteBuf buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Bytes available in the wrapped region (the datagram length on receive). */
    public int capacity() {
        return capacity;
    }

    // ---- byte 0: version and diagnostic ----

    public int version() {
        return (buffer.getUnsignedByte(offset + VERSION_DIAG_OFFSET) >>> VERSION_SHIFT) & 0x07;
    }

    public BfdControlPacket version(int version) {
        int b = buffer.getUnsignedByte(offset + VERSION_DIAG_OFFSET);
        buffer.setByte(offset + VERSION_DIAG_OFFSET, ((version & 0x07) << VERSION_SHIFT) | (b & DIAG_MASK));
        return this;
    }

    /** The raw 5-bit diagnostic code, which may be a reserved value. */
    public int diagnosticCode() {
        return buffer.getUnsignedByte(offset + VERSION_DIAG_OFFSET) & DIAG_MASK;
    }

    public BfdControlPacket diagnosticCode(int code) {
        int b = buffer.getUnsignedByte(offset + VERSION_DIAG_OFFSET);
        buffer.setByte(offset + VERSION_DIAG_OFFSET, (b & ~DIAG_MASK) | (code & DIAG_MASK));
        return this;
    }

    public BfdControlPacket diagnostic(BfdDiagnostic diagnostic) {
        return diagnosticCode(diagnostic.byteValue());
    }

    // ---- byte 1: state and flags ----

    public BfdState state() {
        return STATES[buffer.getUnsignedByte(offset + STATE_FLAGS_OFFSET) >>> STATE_SHIFT];
    }

    public BfdControlPacket state(BfdState state) {
        int b = buffer.getUnsignedByte(offset + STATE_FLAGS_OFFSET);
        buffer.setByte(offset + STATE_FLAGS_OFFSET, (state.ordinal() << STATE_SHIFT) | (b & 0x3f));
        return this;
    }

    public boolean poll() {
        return flag(POLL_BIT);
    }

    public BfdControlPacket poll(boolean value) {
        return flag(POLL_BIT, value);
    }

    /** The Final (F) bit. */
    public boolean isFinal() {
        return flag(FINAL_BIT);
    }

    public BfdControlPacket isFinal(boolean value) {
        return flag(FINAL_BIT, value);
    }

    /** The Control Plane Independent (C) bit. */
    public boolean controlPlaneIndependent() {
        return flag(CPI_BIT);
    }

    public BfdControlPacket controlPlaneIndependent(boolean value) {
        return flag(CPI_BIT, value);
    }

    /** The Authentication Present (A) bit. */
    public boolean authPresent() {
        return flag(AUTH_BIT);
    }

    public BfdControlPacket authPresent(boolean value) {
        return flag(AUTH_BIT, value);
    }

    public boolean demand() {
        return flag(DEMAND_BIT);
    }

    public BfdControlPacket demand(boolean value) {
        return flag(DEMAND_BIT, value);
    }

    public boolean multipoint() {
        return flag(MULTIPOINT_BIT);
    }

    public BfdControlPacket multipoint(boolean value) {
        return flag(MULTIPOINT_BIT, value);
    }

    /** The raw flags byte without the state (P F C A D M in bits 5..0). */
    public int flags() {
        return buffer.getUnsignedByte(offset + STATE_FLAGS_OFFSET) & 0x3f;
    }

    private boolean flag(int bit) {
        return (buffer.getUnsignedByte(offset + STATE_FLAGS_OFFSET) & bit) != 0;
    }

    private BfdControlPacket flag(int bit, boolean value) {
        int b = buffer.getUnsignedByte(offset + STATE_FLAGS_OFFSET);
        buffer.setByte(offset + STATE_FLAGS_OFFSET, value ? b | bit : b & ~bit);
        return this;
    }

    // ---- bytes 2..23 ----

    public int detectMult() {
        return buffer.getUnsignedByte(offset + DETECT_MULT_OFFSET);
    }

    public BfdControlPacket detectMult(int value) {
        buffer.setByte(offset + DETECT_MULT_OFFSET, value);
        return this;
    }

    /** The Length field: the length of the whole BFD Control packet in bytes. */
    public int length() {
        return buffer.getUnsignedByte(offset + LENGTH_OFFSET);
    }

    public BfdControlPacket length(int value) {
        buffer.setByte(offset + LENGTH_OFFSET, value);
        return this;
    }

    public int myDiscriminator() {
        return buffer.getInt(offset + MY_DISCRIMINATOR_OFFSET);
    }

    public BfdControlPacket myDiscriminator(int value) {
        buffer.setInt(offset + MY_DISCRIMINATOR_OFFSET, value);
        return this;
    }

    public int yourDiscriminator() {
        return buffer.getInt(offset + YOUR_DISCRIMINATOR_OFFSET);
    }

    public BfdControlPacket yourDiscriminator(int value) {
        buffer.setInt(offset + YOUR_DISCRIMINATOR_OFFSET, value);
        return this;
    }

    /** Desired Min TX Interval in microseconds (unsigned 32 bits). */
    public long desiredMinTxUs() {
        return buffer.getUnsignedInt(offset + DESIRED_MIN_TX_OFFSET);
    }

    public BfdControlPacket desiredMinTxUs(long value) {
        buffer.setInt(offset + DESIRED_MIN_TX_OFFSET, (int) value);
        return this;
    }

    /** Required Min RX Interval in microseconds (unsigned 32 bits). */
    public long requiredMinRxUs() {
        return buffer.getUnsignedInt(offset + REQUIRED_MIN_RX_OFFSET);
    }

    public BfdControlPacket requiredMinRxUs(long value) {
        buffer.setInt(offset + REQUIRED_MIN_RX_OFFSET, (int) value);
        return this;
    }

    /** Required Min Echo RX Interval in microseconds (unsigned 32 bits); netctl always sends 0 (no echo). */
    public long requiredMinEchoRxUs() {
        return buffer.getUnsignedInt(offset + REQUIRED_MIN_ECHO_RX_OFFSET);
    }

    public BfdControlPacket requiredMinEchoRxUs(long value) {
        buffer.setInt(offset + REQUIRED_MIN_ECHO_RX_OFFSET, (int) value);
        return this;
    }

    // ---- authentication section (only meaningful when authPresent()) ----

    /** The raw Auth Type code (may be undefined). */
    public int authTypeCode() {
        return buffer.getUnsignedByte(offset + AUTH_TYPE_OFFSET);
    }

    public BfdControlPacket authType(AuthType type) {
        buffer.setByte(offset + AUTH_TYPE_OFFSET, type.byteValue());
        return this;
    }

    public BfdControlPacket authTypeCode(int code) {
        buffer.setByte(offset + AUTH_TYPE_OFFSET, code);
        return this;
    }

    public int authLength() {
        return buffer.getUnsignedByte(offset + AUTH_LEN_OFFSET);
    }

    public BfdControlPacket authLength(int value) {
        buffer.setByte(offset + AUTH_LEN_OFFSET, value);
        return this;
    }

    public int authKeyId() {
        return buffer.getUnsignedByte(offset + AUTH_KEY_ID_OFFSET);
    }

    public BfdControlPacket authKeyId(int value) {
        buffer.setByte(offset + AUTH_KEY_ID_OFFSET, value);
        return this;
    }

    /** Simple password: its length, derived from Auth Len. */
    public int passwordLength() {
        return authLength() - PASSWORD_AUTH_HEADER;
    }

    /** Simple password: one byte of the password. */
    public byte passwordByte(int index) {
        return buffer.getByte(offset + AUTH_PASSWORD_OFFSET + index);
    }

    /** Simple password: copies the password into {@code dst}. */
    public BfdControlPacket getPassword(byte[] dst, int dstIndex, int length) {
        buffer.getBytes(offset + AUTH_PASSWORD_OFFSET, dst, dstIndex, length);
        return this;
    }

    /** Simple password: writes the password bytes (Auth Len is set separately). */
    public BfdControlPacket setPassword(byte[] src, int srcIndex, int length) {
        buffer.setBytes(offset + AUTH_PASSWORD_OFFSET, src, srcIndex, length);
        return this;
    }

    /** Keyed types: the reserved byte after the key id. */
    public int authReserved() {
        return buffer.getUnsignedByte(offset + AUTH_RESERVED_OFFSET);
    }

    public BfdControlPacket authReserved(int value) {
        buffer.setByte(offset + AUTH_RESERVED_OFFSET, value);
        return this;
    }

    /** Keyed types: the sequence number (unsigned 32 bits in an int). */
    public int authSequence() {
        return buffer.getInt(offset + AUTH_SEQUENCE_OFFSET);
    }

    public BfdControlPacket authSequence(int value) {
        buffer.setInt(offset + AUTH_SEQUENCE_OFFSET, value);
        return this;
    }

    /** Keyed types: one byte of the Auth Key/Digest field. */
    public byte digestByte(int index) {
        return buffer.getByte(offset + AUTH_DIGEST_OFFSET + index);
    }

    public BfdControlPacket getDigest(byte[] dst, int dstIndex, int length) {
        buffer.getBytes(offset + AUTH_DIGEST_OFFSET, dst, dstIndex, length);
        return this;
    }

    public BfdControlPacket setDigest(byte[] src, int srcIndex, int length) {
        buffer.setBytes(offset + AUTH_DIGEST_OFFSET, src, srcIndex, length);
        return this;
    }

    /** Copies {@code length} bytes of the packet, starting at packet offset {@code index}, into {@code dst}. */
    public BfdControlPacket getBytes(int index, byte[] dst, int dstIndex, int length) {
        buffer.getBytes(offset + index, dst, dstIndex, length);
        return this;
    }

    /** Zeroes {@code length} bytes starting at packet offset {@code index}. */
    public BfdControlPacket zero(int index, int length) {
        buffer.setZero(offset + index, length);
        return this;
    }

    @Override
    public String toString() {
        if (buffer == null) {
            return "BfdControlPacket(unwrapped)";
        }
        if (capacity < MANDATORY_LENGTH) {
            return "BfdControlPacket(truncated: " + capacity + " bytes)";
        }
        return "BfdControlPacket(v" + version() + ", " + state() + ", diag " + BfdDiagnostic.describe(diagnosticCode())
                + (poll() ? ", P" : "") + (isFinal() ? ", F" : "") + (authPresent() ? ", A" : "")
                + (demand() ? ", D" : "") + ", mult " + detectMult() + ", len " + length()
                + ", my " + Integer.toUnsignedString(myDiscriminator())
                + ", your " + Integer.toUnsignedString(yourDiscriminator())
                + ", tx " + desiredMinTxUs() + "us, rx " + requiredMinRxUs() + "us, echo " + requiredMinEchoRxUs()
                + "us)";
    }
}
