package io.netctl.bfd.codec;

import java.util.Arrays;

/**
 * One authentication key (RFC 5880 §6.7): an 8-bit key id and a secret of 1–20 bytes (the type decides the upper
 * bound: 16 for password and MD5, 20 for SHA1; {@link BfdAuthKeyring} checks it).
 */
public record BfdAuthKey(int keyId, byte[] secret) {
    public BfdAuthKey {
        if (keyId < 0 || keyId > 255) {
            throw new IllegalArgumentException("auth key id: " + keyId + " (expected: 0-255)");
        }
        if (secret.length < 1 || secret.length > 20) {
            throw new IllegalArgumentException("auth key length: " + secret.length + " (expected: 1-20)");
        }
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    /** The secret without a defensive copy, for the authenticator in this package. */
    byte[] secretUnsafe() {
        return secret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BfdAuthKey k && k.keyId == keyId && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return 31 * keyId + Arrays.hashCode(secret);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "BfdAuthKey[keyId=" + keyId + ", length=" + secret.length + "]";
    }
}
