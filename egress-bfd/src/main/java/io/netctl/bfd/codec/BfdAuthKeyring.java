package io.netctl.bfd.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The authentication configuration of a session: one {@link AuthType}, the keys configured for it, and the key id
 * used for sending. Any configured key id is accepted on receipt, which is how keys are rotated without a flap:
 * configure the new key on both ends, then switch the active key, then remove the old one (RFC 5880 §6.7.1).
 *
 * <p>Immutable; the {@code with*} methods return a new keyring. Lookup by key id is an array index, so the receive
 * path does not allocate.
 */
public final class BfdAuthKeyring {
    private final AuthType type;
    private final int activeKeyId;
    private final BfdAuthKey[] byId = new BfdAuthKey[256];
    private final List<BfdAuthKey> keys;

    private BfdAuthKeyring(AuthType type, int activeKeyId, List<BfdAuthKey> keys) {
        if (type == null) {
            throw new IllegalArgumentException("auth type: null (expected: a type)");
        }
        this.type = type;
        this.activeKeyId = activeKeyId;
        for (BfdAuthKey key : keys) {
            int len = key.secretUnsafe().length;
            if (len > type.maxKeyLength()) {
                throw new IllegalArgumentException("auth key " + key.keyId() + " length: " + len
                        + " (expected: 1-" + type.maxKeyLength() + " for " + type + ")");
            }
            if (byId[key.keyId()] != null) {
                throw new IllegalArgumentException("auth key id: " + key.keyId() + " (expected: unique)");
            }
            byId[key.keyId()] = key;
        }
        if (byId[activeKeyId & 0xff] == null || activeKeyId < 0 || activeKeyId > 255) {
            throw new IllegalArgumentException("active auth key id: " + activeKeyId + " (expected: a configured id)");
        }
        this.keys = Collections.unmodifiableList(new ArrayList<>(keys));
    }

    public static BfdAuthKeyring of(AuthType type, int activeKeyId, List<BfdAuthKey> keys) {
        return new BfdAuthKeyring(type, activeKeyId, keys);
    }

    /** A keyring with a single key, which is active. */
    public static BfdAuthKeyring of(AuthType type, BfdAuthKey key) {
        return new BfdAuthKeyring(type, key.keyId(), List.of(key));
    }

    public AuthType type() {
        return type;
    }

    public int activeKeyId() {
        return activeKeyId;
    }

    public List<BfdAuthKey> keys() {
        return keys;
    }

    /** Adds (or replaces) a key; the active key is unchanged. */
    public BfdAuthKeyring withKey(BfdAuthKey key) {
        List<BfdAuthKey> next = new ArrayList<>();
        for (BfdAuthKey k : keys) {
            if (k.keyId() != key.keyId()) {
                next.add(k);
            }
        }
        next.add(key);
        return new BfdAuthKeyring(type, activeKeyId, next);
    }

    /** Switches the key used for sending. */
    public BfdAuthKeyring withActiveKey(int keyId) {
        return new BfdAuthKeyring(type, keyId, keys);
    }

    /** Removes a key that is not active. */
    public BfdAuthKeyring withoutKey(int keyId) {
        List<BfdAuthKey> next = new ArrayList<>(keys);
        next.removeIf(k -> k.keyId() == keyId);
        return new BfdAuthKeyring(type, activeKeyId, next);
    }

    /** The secret for a key id, or {@code null}; no copy, for this package only. */
    byte[] secret(int keyId) {
        BfdAuthKey key = byId[keyId & 0xff];
        return key == null ? null : key.secretUnsafe();
    }

    byte[] activeSecret() {
        return byId[activeKeyId].secretUnsafe();
    }

    @Override
    public String toString() {
        return "BfdAuthKeyring[type=" + type + ", active=" + activeKeyId + ", keys=" + keys + "]";
    }
}
