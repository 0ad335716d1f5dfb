package io.netctl.bfd.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Round trips and one malformation per test (RFC 5880 §6.8.6). */
class BfdControlPacketDecoderTest {

    private static BfdControlMessage.Builder valid() {
        return BfdControlMessage.builder().state(BfdState.UP).myDiscriminator(0x11223344).yourDiscriminator(7)
                .detectMult(3).desiredMinTxUs(50_000).requiredMinRxUs(60_000);
    }

    private static ByteBuf encode(BfdControlMessage m) {
        ByteBuf buf = Unpooled.buffer();
        BfdControlPacketEncoder.encode(m, buf);
        return buf;
    }

    private static BfdControlPacket wrap(ByteBuf buf) {
        return new BfdControlPacket().wrap(buf);
    }

    private static DropReason validate(ByteBuf buf) {
        return BfdControlPacketDecoder.validate(wrap(buf));
    }

    @Test
    void encodesTheWireLayout() {
        ByteBuf buf = encode(valid().diagnostic(BfdDiagnostic.PATH_DOWN).poll(true).requiredMinEchoRxUs(0).build());
        assertThat(buf.readableBytes()).isEqualTo(24);
        assertThat((int) buf.getUnsignedByte(0)).isEqualTo((1 << 5) | 5);
        assertThat((int) buf.getUnsignedByte(1)).isEqualTo((3 << 6) | 0x20);
        assertThat((int) buf.getUnsignedByte(2)).isEqualTo(3);
        assertThat((int) buf.getUnsignedByte(3)).isEqualTo(24);
        assertThat(buf.getInt(4)).isEqualTo(0x11223344);
        assertThat(buf.getInt(8)).isEqualTo(7);
        assertThat(buf.getInt(12)).isEqualTo(50_000);
        assertThat(buf.getInt(16)).isEqualTo(60_000);
        assertThat(buf.getInt(20)).isZero();
    }

    @Test
    void roundTripWithoutAuth() {
        BfdControlMessage m = valid().isFinal(true).demand(true).controlPlaneIndependent(true)
                .diagnosticCode(17).desiredMinTxUs(0xffff_ffffL).build();
        BfdDecodeResult r = BfdControlPacketDecoder.decode(encode(m));
        assertThat(r).isEqualTo(new BfdDecodeResult.Decoded(m));
    }

    @Test
    void roundTripWithEachAuthSection() {
        byte[] md5 = new byte[16];
        byte[] sha1 = new byte[20];
        md5[3] = 9;
        sha1[19] = 1;
        BfdAuthSection[] sections = {
            new BfdAuthSection.SimplePassword(1, "secret".getBytes()),
            new BfdAuthSection.Keyed(AuthType.KEYED_MD5, 2, -5, md5),
            new BfdAuthSection.Keyed(AuthType.METICULOUS_KEYED_MD5, 3, 77, md5),
            new BfdAuthSection.Keyed(AuthType.KEYED_SHA1, 4, 0, sha1),
            new BfdAuthSection.Keyed(AuthType.METICULOUS_KEYED_SHA1, 255, Integer.MAX_VALUE, sha1),
        };
        for (BfdAuthSection s : sections) {
            BfdControlMessage m = valid().auth(s).build();
            ByteBuf buf = encode(m);
            assertThat(buf.readableBytes()).isEqualTo(24 + s.authLength());
            assertThat(wrap(buf).authPresent()).isTrue();
            assertThat(BfdControlPacketDecoder.decode(buf)).isEqualTo(new BfdDecodeResult.Decoded(m));
        }
    }

    @Test
    void downWithZeroYourDiscriminatorIsValid() {
        assertThat(validate(encode(valid().state(BfdState.DOWN).yourDiscriminator(0).build())))
                .isEqualTo(DropReason.NONE);
        assertThat(validate(encode(valid().state(BfdState.ADMIN_DOWN).yourDiscriminator(0).build())))
                .isEqualTo(DropReason.NONE);
    }

    @Test
    void datagramShorterThanMandatorySection() {
        ByteBuf buf = encode(valid().build());
        buf.writerIndex(23);
        assertThat(validate(buf)).isEqualTo(DropReason.TOO_SHORT);
        assertThat(BfdControlPacketDecoder.describe(wrap(buf))).isEqualTo("datagram length: 23 (expected: >= 24)");
    }

    @Test
    void emptyDatagram() {
        assertThat(validate(Unpooled.EMPTY_BUFFER)).isEqualTo(DropReason.TOO_SHORT);
    }

    @Test
    void wrongVersion() {
        BfdDecodeResult r = BfdControlPacketDecoder.decode(encode(valid().version(2).build()));
        assertThat(r).isEqualTo(new BfdDecodeResult.Dropped(DropReason.BAD_VERSION, "version: 2 (expected: 1)"));
    }

    @Test
    void lengthFieldBelow24() {
        ByteBuf buf = encode(valid().build());
        buf.setByte(BfdControlPacket.LENGTH_OFFSET, 23);
        assertThat(BfdControlPacketDecoder.decode(buf))
                .isEqualTo(new BfdDecodeResult.Dropped(DropReason.BAD_LENGTH, "length: 23 (expected: >= 24)"));
    }

    @Test
    void lengthFieldBelow26WithAuthBit() {
        ByteBuf buf = encode(valid().build());
        buf.writeZero(4);
        wrap(buf).authPresent(true).length(25);
        assertThat(BfdControlPacketDecoder.decode(buf))
                .isEqualTo(new BfdDecodeResult.Dropped(DropReason.BAD_LENGTH, "length: 25 (expected: >= 26)"));
    }

    @Test
    void lengthFieldBeyondDatagram() {
        ByteBuf buf = encode(valid().build());
        buf.setByte(BfdControlPacket.LENGTH_OFFSET, 30);
        assertThat(BfdControlPacketDecoder.decode(buf)).isEqualTo(new BfdDecodeResult.Dropped(
                DropReason.BAD_LENGTH, "length: 30 (expected: <= datagram length 24)"));
    }

    @Test
    void trailingBytesAfterLengthAreIgnored() {
        ByteBuf buf = encode(valid().build());
        buf.writeZero(8);
        assertThat(validate(buf)).isEqualTo(DropReason.NONE);
    }

    @Test
    void zeroDetectMultiplier() {
        BfdDecodeResult r = BfdControlPacketDecoder.decode(encode(valid().detectMult(0).build()));
        assertThat(r).isEqualTo(new BfdDecodeResult.Dropped(DropReason.ZERO_MULTIPLIER,
                "detect multiplier: 0 (expected: >= 1)"));
    }

    @Test
    void multipointBit() {
        assertThat(validate(encode(valid().multipoint(true).build()))).isEqualTo(DropReason.MULTIPOINT);
    }

    @Test
    void zeroMyDiscriminator() {
        BfdDecodeResult r = BfdControlPacketDecoder.decode(encode(valid().myDiscriminator(0).build()));
        assertThat(r).isEqualTo(new BfdDecodeResult.Dropped(DropReason.ZERO_MY_DISCRIMINATOR,
                "my discriminator: 0 (expected: != 0)"));
    }

    @Test
    void zeroYourDiscriminatorInUp() {
        assertThat(validate(encode(valid().yourDiscriminator(0).build())))
                .isEqualTo(DropReason.ZERO_YOUR_DISCRIMINATOR_IN_STATE);
    }

    @Test
    void zeroYourDiscriminatorInInit() {
        assertThat(validate(encode(valid().state(BfdState.INIT).yourDiscriminator(0).build())))
                .isEqualTo(DropReason.ZERO_YOUR_DISCRIMINATOR_IN_STATE);
    }

    @Test
    void keyedMd5WithWrongAuthLen() {
        ByteBuf buf = encode(valid().auth(new BfdAuthSection.Keyed(AuthType.KEYED_MD5, 1, 1, new byte[16])).build());
        buf.setByte(BfdControlPacket.AUTH_LEN_OFFSET, 28);
        buf.writeZero(4);
        buf.setByte(BfdControlPacket.LENGTH_OFFSET, 52);
        assertThat(BfdControlPacketDecoder.decode(buf)).isEqualTo(new BfdDecodeResult.Dropped(
                DropReason.AUTH_MALFORMED, "auth length: 28 (expected: 24 for keyed MD5)"));
    }

    @Test
    void sha1SectionLongerThanLengthField() {
        ByteBuf buf = encode(valid().auth(new BfdAuthSection.Keyed(AuthType.KEYED_SHA1, 1, 1, new byte[20])).build());
        buf.setByte(BfdControlPacket.LENGTH_OFFSET, 48);
        assertThat(validate(buf)).isEqualTo(DropReason.AUTH_MALFORMED);
    }

    @Test
    void emptySimplePassword() {
        ByteBuf buf = encode(valid().auth(new BfdAuthSection.SimplePassword(1, new byte[] {1})).build());
        buf.setByte(BfdControlPacket.AUTH_LEN_OFFSET, 3);
        assertThat(BfdControlPacketDecoder.decode(buf)).isEqualTo(new BfdDecodeResult.Dropped(
                DropReason.AUTH_MALFORMED, "auth length: 3 (expected: 4-19 for simple password)"));
    }

    @Test
    void unknownAuthTypeIsLeftToTheSession() {
        ByteBuf buf = encode(valid().auth(new BfdAuthSection.SimplePassword(1, new byte[] {1, 2})).build());
        buf.setByte(BfdControlPacket.AUTH_TYPE_OFFSET, 9);
        assertThat(validate(buf)).isEqualTo(DropReason.NONE);
    }

    @Test
    void encoderRejectsFieldsThatDoNotFit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> valid().detectMult(256).build())
                .isInstanceOf(BfdCodecException.class).hasMessage("detect multiplier: 256 (expected: 0-255)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> valid().desiredMinTxUs(-1).build())
                .hasMessage("desired min tx interval: -1 (expected: 0-4294967295)");
    }

    @Test
    void flyweightSettersTouchOnlyTheirBits() {
        ByteBuf buf = encode(valid().build());
        BfdControlPacket p = wrap(buf);
        p.poll(true).isFinal(true).demand(true).state(BfdState.INIT).diagnostic(BfdDiagnostic.PATH_DOWN);
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.state()).isEqualTo(BfdState.INIT);
        assertThat(p.diagnosticCode()).isEqualTo(5);
        assertThat(p.poll()).isTrue();
        assertThat(p.isFinal()).isTrue();
        assertThat(p.demand()).isTrue();
        assertThat(p.authPresent()).isFalse();
        p.poll(false);
        assertThat(p.poll()).isFalse();
        assertThat(p.isFinal()).isTrue();
        assertThat(p.toString()).contains("Init", "path down", "F", "my 287454020");
    }
}
