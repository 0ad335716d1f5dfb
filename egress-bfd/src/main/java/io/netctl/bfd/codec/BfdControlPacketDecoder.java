package io.netctl.bfd.codec;

import static io.netctl.bfd.codec.BfdControlPacket.MANDATORY_LENGTH;
import static io.netctl.bfd.codec.BfdControlPacket.MIN_AUTH_LENGTH;
import static io.netctl.bfd.codec.BfdControlPacket.PASSWORD_AUTH_HEADER;

import io.netty.buffer.ByteBuf;

/**
 * Applies the reception checks of RFC 5880 §6.8.6 that need no session state, and decodes packets into
 * {@link BfdControlMessage} values for tests and tools.
 *
 * <p>{@link #validate(BfdControlPacket)} is the hot path: it reads the flyweight, allocates nothing and returns a
 * {@link DropReason} instead of throwing; {@link DropReason#NONE} means the packet may be handed to a session, which
 * then applies the stateful checks (discriminator lookup, authentication, §6.7). {@link #describe(BfdControlPacket)}
 * explains a drop in the usual {@code "what: value (expected: X)"} form, for logs; it allocates.
 *
 * <p>Checks, in the order of §6.8.6: datagram holds the mandatory section; version is 1; Length is at least 24
 * (26 with the A bit) and at most the datagram length; Detect Mult is not zero; M is clear; My Discriminator is not
 * zero; Your Discriminator is zero only in Down or AdminDown; with the A bit set, the authentication section fits the
 * Length and has the Auth Len its type requires.
 */
public final class BfdControlPacketDecoder {
    private BfdControlPacketDecoder() {
    }

    /** Stateless §6.8.6 checks; never throws for any content of the wrapped region. */
    public static DropReason validate(BfdControlPacket packet) {
        int datagramLength = packet.capacity();
        if (datagramLength < MANDATORY_LENGTH) {
            return DropReason.TOO_SHORT;
        }
        if (packet.version() != BfdControlPacket.VERSION) {
            return DropReason.BAD_VERSION;
        }
        boolean auth = packet.authPresent();
        int length = packet.length();
        if (length < (auth ? MIN_AUTH_LENGTH : MANDATORY_LENGTH) || length > datagramLength) {
            return DropReason.BAD_LENGTH;
        }
        if (packet.detectMult() == 0) {
            return DropReason.ZERO_MULTIPLIER;
        }
        if (packet.multipoint()) {
            return DropReason.MULTIPOINT;
        }
        if (packet.myDiscriminator() == 0) {
            return DropReason.ZERO_MY_DISCRIMINATOR;
        }
        if (packet.yourDiscriminator() == 0) {
            BfdState state = packet.state();
            if (state != BfdState.DOWN && state != BfdState.ADMIN_DOWN) {
                return DropReason.ZERO_YOUR_DISCRIMINATOR_IN_STATE;
            }
        }
        if (auth && expectedAuthLength(packet) != packet.authLength()) {
            return DropReason.AUTH_MALFORMED;
        }
        return DropReason.NONE;
    }

    /**
     * The Auth Len the packet must carry given its type and the room in Length, or -1 if none fits. For simple
     * password any length of 4–19 is acceptable, so the received value is returned when it is in range.
     */
    private static int expectedAuthLength(BfdControlPacket packet) {
        int room = packet.length() - MANDATORY_LENGTH;
        int authLen = packet.authLength();
        int typeCode = packet.authTypeCode();
        int expected;
        if (!AuthType.isDefined(typeCode)) {
            // An unknown type cannot be checked here; the session rejects it (type mismatch) as AUTH_FAILED.
            expected = authLen >= PASSWORD_AUTH_HEADER ? authLen : -1;
        } else {
            AuthType type = AuthType.valueOf(typeCode);
            if (type.isKeyed()) {
                expected = type.fixedAuthLength();
            } else {
                int pw = authLen - PASSWORD_AUTH_HEADER;
                expected = pw >= 1 && pw <= type.maxKeyLength() ? authLen : -1;
            }
        }
        return expected <= room ? expected : -1;
    }

    /** Explains the outcome of {@link #validate(BfdControlPacket)}: {@code "ok"} or the first failed check. */
    public static String describe(BfdControlPacket packet) {
        DropReason reason = validate(packet);
        return switch (reason) {
            case NONE -> "ok";
            case TOO_SHORT -> "datagram length: " + packet.capacity() + " (expected: >= " + MANDATORY_LENGTH + ")";
            case BAD_VERSION -> "version: " + packet.version() + " (expected: " + BfdControlPacket.VERSION + ")";
            case BAD_LENGTH -> {
                int min = packet.authPresent() ? MIN_AUTH_LENGTH : MANDATORY_LENGTH;
                yield packet.length() < min
                        ? "length: " + packet.length() + " (expected: >= " + min + ")"
                        : "length: " + packet.length() + " (expected: <= datagram length " + packet.capacity() + ")";
            }
            case ZERO_MULTIPLIER -> "detect multiplier: 0 (expected: >= 1)";
            case MULTIPOINT -> "multipoint bit: 1 (expected: 0)";
            case ZERO_MY_DISCRIMINATOR -> "my discriminator: 0 (expected: != 0)";
            case ZERO_YOUR_DISCRIMINATOR_IN_STATE ->
                    "your discriminator: 0 in state " + packet.state() + " (expected: != 0 unless Down or AdminDown)";
            case AUTH_MALFORMED -> describeAuth(packet);
            default -> reason.name();
        };
    }

    private static String describeAuth(BfdControlPacket packet) {
        int typeCode = packet.authTypeCode();
        int authLen = packet.authLength();
        int room = packet.length() - MANDATORY_LENGTH;
        if (AuthType.isDefined(typeCode)) {
            AuthType type = AuthType.valueOf(typeCode);
            if (type.isKeyed() && authLen != type.fixedAuthLength()) {
                return "auth length: " + authLen + " (expected: " + type.fixedAuthLength() + " for " + type + ")";
            }
            if (!type.isKeyed() && (authLen < PASSWORD_AUTH_HEADER + 1 || authLen > PASSWORD_AUTH_HEADER + 16)) {
                return "auth length: " + authLen + " (expected: 4-19 for " + type + ")";
            }
        } else if (authLen < PASSWORD_AUTH_HEADER) {
            return "auth length: " + authLen + " (expected: >= " + PASSWORD_AUTH_HEADER + ")";
        }
        return "auth length: " + authLen + " (expected: <= " + room + ", the room left by length "
                + packet.length() + ")";
    }

    /**
     * Decodes the readable bytes of {@code datagram} (one BFD Control packet) into a value, or says why it would be
     * dropped. Does not move the buffer's indexes. Allocates; meant for tests and tools, not the receive path.
     */
    public static BfdDecodeResult decode(ByteBuf datagram) {
        BfdControlPacket packet = new BfdControlPacket().wrap(datagram);
        DropReason reason = validate(packet);
        if (reason != DropReason.NONE) {
            return new BfdDecodeResult.Dropped(reason, describe(packet));
        }
        return new BfdDecodeResult.Decoded(BfdControlMessage.from(packet));
    }
}
