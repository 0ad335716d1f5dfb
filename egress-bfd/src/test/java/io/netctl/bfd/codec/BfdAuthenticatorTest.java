package io.netctl.bfd.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 5880 §6.7: each authentication type, with digests computed independently by java.security. */
class BfdAuthenticatorTest {
    private static final byte[] KEY = "s3cret-key".getBytes(StandardCharsets.US_ASCII);

    private final BfdAuthenticator authenticator = new BfdAuthenticator();

    /** A packet with only the mandatory section written, in a 64-byte buffer. */
    private static BfdControlPacket mandatory(ByteBuf buf, int detectMult) {
        BfdControlPacket p = new BfdControlPacket().wrap(buf, 0, 64);
        BfdControlPacketEncoder.writeMandatory(p, 1, 0, BfdState.UP, detectMult, 0x01020304, 0x0a0b0c0d,
                300_000, 300_000, 0);
        return p;
    }

    private static BfdControlPacket signed(BfdAuthenticator a, BfdAuthKeyring ring, int seq, int detectMult) {
        ByteBuf buf = Unpooled.buffer(64, 64);
        BfdControlPacket p = mandatory(buf, detectMult);
        int len = a.sign(p, ring, seq);
        buf.writerIndex(len);
        return new BfdControlPacket().wrap(buf);
    }

    private static BfdAuthKeyring ring(AuthType type, byte[] key) {
        return BfdAuthKeyring.of(type, new BfdAuthKey(5, key));
    }

    @Test
    void simplePasswordLayoutAndVerification() {
        BfdControlPacket p = signed(authenticator, ring(AuthType.SIMPLE_PASSWORD, KEY), 0, 3);
        assertThat(p.length()).isEqualTo(24 + 3 + KEY.length);
        assertThat(p.authPresent()).isTrue();
        assertThat(p.authTypeCode()).isEqualTo(1);
        assertThat(p.authLength()).isEqualTo(3 + KEY.length);
        assertThat(p.authKeyId()).isEqualTo(5);
        byte[] pw = new byte[KEY.length];
        p.getPassword(pw, 0, pw.length);
        assertThat(pw).isEqualTo(KEY);
        assertThat(BfdControlPacketDecoder.validate(p)).isEqualTo(DropReason.NONE);
        assertThat(authenticator.verify(p, ring(AuthType.SIMPLE_PASSWORD, KEY), new BfdAuthSequence(0)))
                .isEqualTo(DropReason.NONE);
    }

    @Test
    void simplePasswordMismatch() {
        BfdControlPacket p = signed(authenticator, ring(AuthType.SIMPLE_PASSWORD, KEY), 0, 3);
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertThat(authenticator.verify(p, ring(AuthType.SIMPLE_PASSWORD, other), new BfdAuthSequence(0)))
                .isEqualTo(DropReason.AUTH_FAILED);
        assertThat(authenticator.verify(p, ring(AuthType.SIMPLE_PASSWORD, "short".getBytes()),
                new BfdAuthSequence(0))).isEqualTo(DropReason.AUTH_FAILED);
    }

    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = {"KEYED_MD5", "METICULOUS_KEYED_MD5", "KEYED_SHA1",
        "METICULOUS_KEYED_SHA1"})
    void keyedDigestMatchesAnIndependentComputation(AuthType type) throws Exception {
        BfdControlPacket p = signed(authenticator, ring(type, KEY), 0x7f000001, 3);
        int dlen = type.isSha1() ? 20 : 16;
        assertThat(p.length()).isEqualTo(24 + 8 + dlen);
        assertThat(p.authLength()).isEqualTo(8 + dlen);
        assertThat(p.authSequence()).isEqualTo(0x7f000001);
        assertThat(p.authReserved()).isZero();

        // RFC 5880 §6.7.3/§6.7.4: hash of the whole packet with the key, zero-padded, in the digest field.
        byte[] bytes = new byte[p.length()];
        p.getBytes(0, bytes, 0, bytes.length);
        byte[] received = Arrays.copyOfRange(bytes, 32, 32 + dlen);
        Arrays.fill(bytes, 32, 32 + dlen, (byte) 0);
        System.arraycopy(KEY, 0, bytes, 32, KEY.length);
        byte[] expected = MessageDigest.getInstance(type.isSha1() ? "SHA-1" : "MD5").digest(bytes);
        assertThat(HexFormat.of().formatHex(received)).isEqualTo(HexFormat.of().formatHex(expected));

        assertThat(BfdControlPacketDecoder.validate(p)).isEqualTo(DropReason.NONE);
        BfdAuthSequence seq = new BfdAuthSequence(0);
        assertThat(authenticator.verify(p, ring(type, KEY), seq)).isEqualTo(DropReason.NONE);
        assertThat(seq.authSeqKnown()).isTrue();
        assertThat(seq.rcvAuthSeq()).isEqualTo(0x7f000001);
    }

    /**
     * A fixed vector: the wire bytes are spelled out literally, and the expected MD5 is computed over those literal
     * bytes with the key "abc" zero-padded to 16 bytes (RFC 5880 §6.7.3).
     */
    @Test
    void keyedMd5KnownVector() throws Exception {
        String header = "20c40330" // v1, diag 0, Up + A bit, mult 3, length 48
                + "00000001" + "00000002" // my / your discriminator
                + "000f4240" + "000f4240" + "00000000" // 1 s, 1 s, echo 0
                + "02180100" + "00000010"; // keyed MD5, auth len 24, key id 1, reserved, sequence 16
        byte[] toHash = new byte[48];
        System.arraycopy(HexFormat.of().parseHex(header), 0, toHash, 0, 32);
        System.arraycopy("abc".getBytes(StandardCharsets.US_ASCII), 0, toHash, 32, 3);
        byte[] expectedDigest = MessageDigest.getInstance("MD5").digest(toHash);

        ByteBuf buf = Unpooled.buffer(64, 64);
        BfdControlPacket p = new BfdControlPacket().wrap(buf, 0, 64);
        BfdControlPacketEncoder.writeMandatory(p, 1, 0, BfdState.UP, 3, 1, 2, 1_000_000, 1_000_000, 0);
        int len = authenticator.sign(p, BfdAuthKeyring.of(AuthType.KEYED_MD5, new BfdAuthKey(1, "abc".getBytes())),
                16);
        assertThat(len).isEqualTo(48);
        byte[] wire = new byte[len];
        buf.getBytes(0, wire);
        assertThat(HexFormat.of().formatHex(wire, 0, 32)).isEqualTo(header);
        assertThat(HexFormat.of().formatHex(wire, 32, 48)).isEqualTo(HexFormat.of().formatHex(expectedDigest));
    }

    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = {"KEYED_MD5", "METICULOUS_KEYED_MD5", "KEYED_SHA1",
        "METICULOUS_KEYED_SHA1"})
    void wrongKeyFails(AuthType type) {
        BfdControlPacket p = signed(authenticator, ring(type, KEY), 1, 3);
        assertThat(authenticator.verify(p, ring(type, "other".getBytes()), new BfdAuthSequence(0)))
                .isEqualTo(DropReason.AUTH_FAILED);
    }

    @Test
    void tamperedPacketFails() {
        BfdControlPacket p = signed(authenticator, ring(AuthType.KEYED_SHA1, KEY), 1, 3);
        p.desiredMinTxUs(10_000);
        assertThat(authenticator.verify(p, ring(AuthType.KEYED_SHA1, KEY), new BfdAuthSequence(0)))
                .isEqualTo(DropReason.AUTH_FAILED);
    }

    @Test
    void typeMismatchFails() {
        BfdControlPacket p = signed(authenticator, ring(AuthType.KEYED_MD5, KEY), 1, 3);
        assertThat(authenticator.verify(p, ring(AuthType.METICULOUS_KEYED_MD5, KEY), new BfdAuthSequence(0)))
                .isEqualTo(DropReason.AUTH_FAILED);
    }

    @Test
    void rotationAcceptsAnyConfiguredKeyAndSendsWithTheActiveOne() {
        BfdAuthKeyring receiver = BfdAuthKeyring.of(AuthType.KEYED_SHA1, 1,
                List.of(new BfdAuthKey(1, "old".getBytes()), new BfdAuthKey(2, "new".getBytes())));
        BfdAuthKeyring senderOld = BfdAuthKeyring.of(AuthType.KEYED_SHA1, new BfdAuthKey(1, "old".getBytes()));
        BfdAuthKeyring senderNew = receiver.withActiveKey(2);
        BfdAuthSequence seq = new BfdAuthSequence(0);
        assertThat(authenticator.verify(signed(authenticator, senderOld, 1, 3), receiver, seq))
                .isEqualTo(DropReason.NONE);
        BfdControlPacket fromNew = signed(authenticator, senderNew, 1, 3);
        assertThat(fromNew.authKeyId()).isEqualTo(2);
        assertThat(authenticator.verify(fromNew, receiver, seq)).isEqualTo(DropReason.NONE);
        BfdAuthKeyring retired = receiver.withActiveKey(2).withoutKey(1);
        assertThat(authenticator.verify(signed(authenticator, senderOld, 1, 3), retired, seq))
                .isEqualTo(DropReason.AUTH_FAILED);
    }

    @Test
    void keyedSequenceMayRepeatWithinThreeTimesDetectMult() {
        BfdAuthKeyring ring = ring(AuthType.KEYED_MD5, KEY);
        BfdAuthSequence seq = new BfdAuthSequence(0);
        assertThat(authenticator.verify(signed(authenticator, ring, 100, 3), ring, seq)).isEqualTo(DropReason.NONE);
        assertThat(authenticator.verify(signed(authenticator, ring, 100, 3), ring, seq)).isEqualTo(DropReason.NONE);
        assertThat(authenticator.verify(signed(authenticator, ring, 109, 3), ring, seq)).isEqualTo(DropReason.NONE);
        assertThat(authenticator.verify(signed(authenticator, ring, 119, 3), ring, seq))
                .isEqualTo(DropReason.AUTH_SEQUENCE);
        assertThat(authenticator.verify(signed(authenticator, ring, 108, 3), ring, seq))
                .isEqualTo(DropReason.AUTH_SEQUENCE);
    }

    @Test
    void meticulousSequenceMustIncrease() {
        BfdAuthKeyring ring = ring(AuthType.METICULOUS_KEYED_SHA1, KEY);
        BfdAuthSequence seq = new BfdAuthSequence(0);
        assertThat(authenticator.verify(signed(authenticator, ring, -1, 3), ring, seq)).isEqualTo(DropReason.NONE);
        assertThat(authenticator.verify(signed(authenticator, ring, -1, 3), ring, seq))
                .isEqualTo(DropReason.AUTH_SEQUENCE);
        // wraps around the unsigned 32-bit space
        assertThat(authenticator.verify(signed(authenticator, ring, 0, 3), ring, seq)).isEqualTo(DropReason.NONE);
        assertThat(authenticator.verify(signed(authenticator, ring, 9, 3), ring, seq)).isEqualTo(DropReason.NONE);
        assertThat(authenticator.verify(signed(authenticator, ring, 19, 3), ring, seq))
                .isEqualTo(DropReason.AUTH_SEQUENCE);
        seq.reset();
        assertThat(authenticator.verify(signed(authenticator, ring, 19, 3), ring, seq)).isEqualTo(DropReason.NONE);
    }

    @Test
    void windowArithmetic() {
        assertThat(BfdAuthenticator.inWindow(5, 5, 1, false)).isTrue();
        assertThat(BfdAuthenticator.inWindow(5, 5, 1, true)).isFalse();
        assertThat(BfdAuthenticator.inWindow(8, 5, 1, true)).isTrue();
        assertThat(BfdAuthenticator.inWindow(9, 5, 1, true)).isFalse();
        assertThat(BfdAuthenticator.inWindow(1, -2, 1, true)).isTrue();
        assertThat(BfdAuthenticator.inWindow(4, 5, 255, false)).isFalse();
    }

    @Test
    void keyringValidation() {
        assertThatThrownBy(() -> BfdAuthKeyring.of(AuthType.KEYED_MD5, new BfdAuthKey(1, new byte[17])))
                .hasMessage("auth key 1 length: 17 (expected: 1-16 for keyed MD5)");
        assertThatThrownBy(() -> BfdAuthKeyring.of(AuthType.KEYED_MD5, 2, List.of(new BfdAuthKey(1, KEY))))
                .hasMessage("active auth key id: 2 (expected: a configured id)");
        assertThatThrownBy(() -> new BfdAuthKey(256, KEY)).hasMessage("auth key id: 256 (expected: 0-255)");
        assertThat(new BfdAuthKey(1, KEY).toString()).doesNotContain("s3cret");
    }

    /** The receive path (validate + verify) and the transmit path (sign) allocate nothing. */
    @Test
    void signAndVerifyDoNotAllocate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BfdAuthKeyring ring = ring(AuthType.METICULOUS_KEYED_SHA1, KEY);
        ByteBuf buf = Unpooled.buffer(64, 64);
        BfdControlPacket tx = new BfdControlPacket();
        BfdControlPacket rx = new BfdControlPacket();
        BfdAuthSequence seq = new BfdAuthSequence(0);
        int failures = 0;
        for (int round = 0; round < 2; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 1; i <= 20_000; i++) {
                tx.wrap(buf, 0, 64);
                BfdControlPacketEncoder.writeMandatory(tx, 1, 0, BfdState.UP, 3, 1, 2, 1000, 1000, 0);
                int len = authenticator.sign(tx, ring, i + round * 20_000);
                rx.wrap(buf, 0, len);
                if (BfdControlPacketDecoder.validate(rx) != DropReason.NONE
                        || authenticator.verify(rx, ring, seq) != DropReason.NONE) {
                    failures++;
                }
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                // Less than one byte per packet (the smallest object is 16 bytes): what remains is the probe itself.
                assertThat(allocated).as("bytes allocated by 20k sign+verify").isLessThan(20_000);
            }
        }
        assertThat(failures).isZero();
    }
}
