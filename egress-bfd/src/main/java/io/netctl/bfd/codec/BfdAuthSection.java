package io.netctl.bfd.codec;

import java.util.Arrays;
import java.util.HexFormat;

/** The optional authentication section of a {@link BfdControlMessage} (RFC 5880 §4.2–4.4). */
public sealed interface BfdAuthSection {

    AuthType type();

    int keyId();

    /** The value of the Auth Len field. */
    int authLength();

    /** Simple password (§4.2): 1–16 bytes. */
    record SimplePassword(int keyId, byte[] password) implements BfdAuthSection {
        public SimplePassword {
            checkKeyId(keyId);
            if (password.length < 1 || password.length > 16) {
                throw new BfdCodecException("password length: " + password.length + " (expected: 1-16)");
            }
            password = password.clone();
        }

        @Override
        public AuthType type() {
            return AuthType.SIMPLE_PASSWORD;
        }

        @Override
        public byte[] password() {
            return password.clone();
        }

        @Override
        public int authLength() {
            return BfdControlPacket.PASSWORD_AUTH_HEADER + password.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SimplePassword p && p.keyId == keyId && Arrays.equals(p.password, password);
        }

        @Override
        public int hashCode() {
            return 31 * keyId + Arrays.hashCode(password);
        }

        @Override
        public String toString() {
            return "SimplePassword[keyId=" + keyId + ", length=" + password.length + "]";
        }
    }

    /**
     * Keyed or meticulous keyed MD5/SHA1 (§4.3, §4.4): key id, sequence number and the 16- or 20-byte digest. The
     * reserved byte is written as zero and ignored on receipt, so it is not part of the value.
     */
    record Keyed(AuthType type, int keyId, int sequence, byte[] digest) implements BfdAuthSection {
        public Keyed {
            if (!type.isKeyed()) {
                throw new BfdCodecException("auth type: " + type + " (expected: a keyed type)");
            }
            checkKeyId(keyId);
            if (digest.length != type.digestLength()) {
                throw new BfdCodecException(
                        "digest length: " + digest.length + " (expected: " + type.digestLength() + ")");
            }
            digest = digest.clone();
        }

        @Override
        public byte[] digest() {
            return digest.clone();
        }

        @Override
        public int authLength() {
            return type.fixedAuthLength();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Keyed k && k.type == type && k.keyId == keyId && k.sequence == sequence
                    && Arrays.equals(k.digest, digest);
        }

        @Override
        public int hashCode() {
            return ((type.hashCode() * 31 + keyId) * 31 + sequence) * 31 + Arrays.hashCode(digest);
        }

        @Override
        public String toString() {
            return "Keyed[type=" + type + ", keyId=" + keyId + ", sequence=" + Integer.toUnsignedString(sequence)
                    + ", digest=" + HexFormat.of().formatHex(digest) + "]";
        }
    }

    private static void checkKeyId(int keyId) {
        if (keyId < 0 || keyId > 255) {
            throw new BfdCodecException("auth key id: " + keyId + " (expected: 0-255)");
        }
    }
}
