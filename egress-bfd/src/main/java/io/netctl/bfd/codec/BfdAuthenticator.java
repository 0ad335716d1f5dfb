package io.netctl.bfd.codec;

import static io.netctl.bfd.codec.BfdControlPacket.AUTH_DIGEST_OFFSET;
import static io.netctl.bfd.codec.BfdControlPacket.MANDATORY_LENGTH;
import static io.netctl.bfd.codec.BfdControlPacket.PASSWORD_AUTH_HEADER;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Signs and verifies the authentication section of RFC 5880 §6.7 (simple password §6.7.2, keyed and meticulous keyed
 * MD5 §6.7.3, keyed and meticulous keyed SHA1 §6.7.4).
 *
 * <p>Holds one MD5 and one SHA1 {@link MessageDigest} and scratch arrays, so neither signing nor verifying allocates.
 * Not thread-safe: use one instance per thread (one per speaker event loop); sessions on that thread share it.
 *
 * <p>Digests are computed over the whole packet (Length bytes) with the Auth Key/Digest field replaced by the key
 * padded with zeros to 16 (MD5) or 20 (SHA1) bytes. On receipt this happens in a scratch copy, so the received buffer
 * is not modified and may be read-only.
 */
public final class BfdAuthenticator {
    private final MessageDigest md5;
    private final MessageDigest sha1;
    private final byte[] scratch = new byte[BfdControlPacket.MAX_LENGTH + 1];
    private final byte[] digest = new byte[20];

    public BfdAuthenticator() {
        try {
            md5 = MessageDigest.getInstance("MD5");
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 and SHA-1 are required of every Java platform", e);
        }
    }

    /**
     * Appends the authentication section for the keyring's active key to a packet whose mandatory section is written
     * (Length 24), sets the A bit and Length, and computes the digest. The flyweight must wrap at least
     * {@code 24 + Auth Len} bytes.
     *
     * @param sequence {@code bfd.XmitAuthSeq}; ignored for simple password
     * @return the new packet length
     */
    public int sign(BfdControlPacket p, BfdAuthKeyring keyring, int sequence) {
        AuthType type = keyring.type();
        byte[] key = keyring.activeSecret();
        int authLen = type.isKeyed() ? type.fixedAuthLength() : PASSWORD_AUTH_HEADER + key.length;
        int length = MANDATORY_LENGTH + authLen;
        if (p.capacity() < length) {
            throw new BfdCodecException("buffer capacity: " + p.capacity() + " (expected: >= " + length + ")");
        }
        p.authPresent(true).length(length).authType(type).authLength(authLen).authKeyId(keyring.activeKeyId());
        if (!type.isKeyed()) {
            p.setPassword(key, 0, key.length);
            return length;
        }
        p.authReserved(0).authSequence(sequence);
        int dlen = type.digestLength();
        p.getBytes(0, scratch, 0, AUTH_DIGEST_OFFSET);
        Arrays.fill(scratch, AUTH_DIGEST_OFFSET, AUTH_DIGEST_OFFSET + dlen, (byte) 0);
        System.arraycopy(key, 0, scratch, AUTH_DIGEST_OFFSET, key.length);
        computeDigest(type, length);
        p.setDigest(digest, 0, dlen);
        return length;
    }

    /**
     * Verifies a packet that passed {@link BfdControlPacketDecoder#validate} and has the A bit set, against the
     * session's keyring and sequence state; on success records the sequence number.
     *
     * @return {@link DropReason#NONE}, {@link DropReason#AUTH_FAILED} (type, key id, length, password or digest
     *     mismatch) or {@link DropReason#AUTH_SEQUENCE} (sequence outside the §6.7.3 window)
     */
    public DropReason verify(BfdControlPacket p, BfdAuthKeyring keyring, BfdAuthSequence sequence) {
        AuthType type = keyring.type();
        if (p.authTypeCode() != (type.byteValue() & 0xff)) {
            return DropReason.AUTH_FAILED;
        }
        byte[] key = keyring.secret(p.authKeyId());
        if (key == null) {
            return DropReason.AUTH_FAILED;
        }
        int length = p.length();
        if (!type.isKeyed()) {
            if (p.authLength() != PASSWORD_AUTH_HEADER + key.length
                    || MANDATORY_LENGTH + p.authLength() > length) {
                return DropReason.AUTH_FAILED;
            }
            int diff = 0;
            for (int i = 0; i < key.length; i++) {
                diff |= key[i] ^ p.passwordByte(i);
            }
            return diff == 0 ? DropReason.NONE : DropReason.AUTH_FAILED;
        }
        if (p.authLength() != type.fixedAuthLength() || MANDATORY_LENGTH + p.authLength() > length) {
            return DropReason.AUTH_FAILED;
        }
        int received = p.authSequence();
        if (sequence.authSeqKnown() && !inWindow(received, sequence.rcvAuthSeq(), p.detectMult(),
                type.isMeticulous())) {
            return DropReason.AUTH_SEQUENCE;
        }
        int dlen = type.digestLength();
        p.getBytes(0, scratch, 0, length);
        Arrays.fill(scratch, AUTH_DIGEST_OFFSET, AUTH_DIGEST_OFFSET + dlen, (byte) 0);
        System.arraycopy(key, 0, scratch, AUTH_DIGEST_OFFSET, key.length);
        computeDigest(type, length);
        int diff = 0;
        for (int i = 0; i < dlen; i++) {
            diff |= digest[i] ^ p.digestByte(i);
        }
        if (diff != 0) {
            return DropReason.AUTH_FAILED;
        }
        sequence.accept(received);
        return DropReason.NONE;
    }

    /**
     * The window of §6.7.3: keyed accepts {@code last .. last + 3 * detectMult}, meticulous
     * {@code last + 1 .. last + 3 * detectMult}, in the circular unsigned 32-bit space.
     */
    static boolean inWindow(int received, int last, int detectMult, boolean meticulous) {
        long ahead = Integer.toUnsignedLong(received - last);
        return ahead >= (meticulous ? 1 : 0) && ahead <= 3L * detectMult;
    }

    private void computeDigest(AuthType type, int length) {
        MessageDigest md = type.isSha1() ? sha1 : md5;
        md.reset();
        md.update(scratch, 0, length);
        try {
            md.digest(digest, 0, type.digestLength());
        } catch (DigestException e) {
            throw new IllegalStateException("digest buffer too small", e);
        }
    }
}
