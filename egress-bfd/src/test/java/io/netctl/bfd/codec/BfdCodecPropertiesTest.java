package io.netctl.bfd.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Properties of the codec: decode ∘ encode = id, and garbage never gets past the decoder as an exception. */
class BfdCodecPropertiesTest {

    private static Gen<byte[]> bytes(int min, int max) {
        return in -> {
            int n = integers().between(min, max).generate(in);
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) (int) integers().between(0, 255).generate(in);
            }
            return b;
        };
    }

    private static Gen<BfdAuthSection> authSections() {
        return in -> {
            AuthType type = arbitrary().enumValues(AuthType.class).generate(in);
            int keyId = integers().between(0, 255).generate(in);
            if (type == AuthType.SIMPLE_PASSWORD) {
                return new BfdAuthSection.SimplePassword(keyId, bytes(1, 16).generate(in));
            }
            return new BfdAuthSection.Keyed(type, keyId, integers().all().generate(in),
                    bytes(type.digestLength(), type.digestLength()).generate(in));
        };
    }

    /** Any packet that passes the stateless checks of RFC 5880 §6.8.6. */
    static Gen<BfdControlMessage> validMessages() {
        Gen<Long> u32 = longs().between(0, 0xffff_ffffL);
        Gen<Integer> nonZero = integers().all().assuming(i -> i != 0);
        return in -> {
            BfdState state = arbitrary().enumValues(BfdState.class).generate(in);
            boolean needsYour = state == BfdState.INIT || state == BfdState.UP;
            boolean withAuth = booleans().all().generate(in);
            return BfdControlMessage.builder()
                    .diagnosticCode(integers().between(0, 31).generate(in))
                    .state(state)
                    .poll(booleans().all().generate(in))
                    .isFinal(booleans().all().generate(in))
                    .controlPlaneIndependent(booleans().all().generate(in))
                    .demand(booleans().all().generate(in))
                    .detectMult(integers().between(1, 255).generate(in))
                    .myDiscriminator(nonZero.generate(in))
                    .yourDiscriminator(needsYour ? nonZero.generate(in) : integers().all().generate(in))
                    .desiredMinTxUs(u32.generate(in))
                    .requiredMinRxUs(u32.generate(in))
                    .requiredMinEchoRxUs(u32.generate(in))
                    .auth(withAuth ? authSections().generate(in) : null)
                    .build();
        };
    }

    @Test
    void decodeOfEncodeIsIdentity() {
        qt().withExamples(2_000).forAll(validMessages()).checkAssert(m -> {
            ByteBuf buf = Unpooled.buffer();
            int written = BfdControlPacketEncoder.encode(m, buf);
            assertThat(written).isEqualTo(m.length()).isEqualTo(buf.readableBytes());
            assertThat(BfdControlPacketDecoder.decode(buf)).isEqualTo(new BfdDecodeResult.Decoded(m));
        });
    }

    @Test
    void randomBytesNeverThrowAndAlwaysYieldAReason() {
        BfdControlPacket p = new BfdControlPacket();
        qt().withExamples(5_000).forAll(bytes(0, 80)).checkAssert(b -> {
            ByteBuf buf = Unpooled.wrappedBuffer(b);
            DropReason reason = BfdControlPacketDecoder.validate(p.wrap(buf));
            assertThat(reason).isNotNull();
            assertThat(BfdControlPacketDecoder.describe(p)).isNotEmpty();
            assertThat(p.toString()).isNotEmpty();
            BfdDecodeResult r = BfdControlPacketDecoder.decode(buf);
            if (reason == DropReason.NONE) {
                assertThat(r).isInstanceOf(BfdDecodeResult.Decoded.class);
            } else {
                assertThat(r).isEqualTo(new BfdDecodeResult.Dropped(reason, BfdControlPacketDecoder.describe(p)));
            }
        });
    }

    /** Mostly-valid packets with one random byte flipped: a sharper fuzzer than pure noise. */
    @Test
    void corruptedValidPacketsNeverThrow() {
        qt().withExamples(3_000).forAll(validMessages(), integers().between(0, 51), integers().between(1, 255))
                .checkAssert((m, index, xor) -> {
                    ByteBuf buf = Unpooled.buffer();
                    BfdControlPacketEncoder.encode(m, buf);
                    int i = index % buf.readableBytes();
                    buf.setByte(i, buf.getByte(i) ^ xor);
                    assertThat(BfdControlPacketDecoder.decode(buf)).isNotNull();
                });
    }

    @Test
    void truncatedPacketsAreAlwaysDropped() {
        qt().withExamples(2_000).forAll(validMessages(), integers().between(0, 100)).checkAssert((m, percent) -> {
            ByteBuf buf = Unpooled.buffer();
            int length = BfdControlPacketEncoder.encode(m, buf);
            int cut = length * percent / 101; // strictly shorter than the packet
            buf.writerIndex(cut);
            DropReason reason = BfdControlPacketDecoder.validate(new BfdControlPacket().wrap(buf));
            assertThat(reason).isIn(DropReason.TOO_SHORT, DropReason.BAD_LENGTH);
        });
    }
}
