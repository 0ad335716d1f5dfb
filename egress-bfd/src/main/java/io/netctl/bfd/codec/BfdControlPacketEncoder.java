package io.netctl.bfd.codec;

import io.netty.buffer.ByteBuf;

/**
 * Writes BFD Control packets into a caller-provided buffer.
 *
 * <p>{@link #encode(BfdControlMessage, ByteBuf)} writes a value verbatim, including a given digest, which is what
 * tests need for malformed or pre-signed packets. To send an authenticated packet, write the mandatory section and let
 * {@link BfdAuthenticator#sign} append the authentication section and compute the digest.
 */
public final class BfdControlPacketEncoder {
    private BfdControlPacketEncoder() {
    }

    /**
     * Writes {@code message} at the writer index of {@code out} and advances it.
     *
     * @return the number of bytes written (the Length field)
     */
    public static int encode(BfdControlMessage message, ByteBuf out) {
        int length = message.length();
        out.ensureWritable(length);
        int index = out.writerIndex();
        encode(message, new BfdControlPacket().wrap(out, index, length));
        out.writerIndex(index + length);
        return length;
    }

    /** Writes {@code message} through a flyweight that already wraps at least {@code message.length()} bytes. */
    public static void encode(BfdControlMessage m, BfdControlPacket p) {
        int length = m.length();
        if (p.capacity() < length) {
            throw new BfdCodecException("buffer capacity: " + p.capacity() + " (expected: >= " + length + ")");
        }
        p.zero(0, length);
        writeMandatory(p, m.version(), m.diagnosticCode(), m.state(), m.detectMult(), m.myDiscriminator(),
                m.yourDiscriminator(), m.desiredMinTxUs(), m.requiredMinRxUs(), m.requiredMinEchoRxUs());
        p.length(length).poll(m.poll()).isFinal(m.isFinal()).controlPlaneIndependent(m.controlPlaneIndependent())
                .demand(m.demand()).multipoint(m.multipoint());
        if (m.auth().isPresent()) {
            BfdAuthSection auth = m.auth().get();
            p.authPresent(true).authType(auth.type()).authLength(auth.authLength()).authKeyId(auth.keyId());
            if (auth instanceof BfdAuthSection.Keyed k) {
                byte[] digest = k.digest();
                p.authReserved(0).authSequence(k.sequence()).setDigest(digest, 0, digest.length);
            } else if (auth instanceof BfdAuthSection.SimplePassword s) {
                byte[] password = s.password();
                p.setPassword(password, 0, password.length);
            }
        }
    }

    /**
     * Writes the 24-byte mandatory section with all flags clear and Length 24; the allocation-free form the session
     * uses for every transmitted packet. The caller sets P/F/D afterwards.
     */
    public static void writeMandatory(BfdControlPacket p, int version, int diagnosticCode, BfdState state,
                                      int detectMult, int myDiscriminator, int yourDiscriminator, long desiredMinTxUs,
                                      long requiredMinRxUs, long requiredMinEchoRxUs) {
        p.buffer().setByte(p.offset() + BfdControlPacket.VERSION_DIAG_OFFSET,
                ((version & 0x07) << BfdControlPacket.VERSION_SHIFT) | (diagnosticCode & BfdControlPacket.DIAG_MASK));
        p.buffer().setByte(p.offset() + BfdControlPacket.STATE_FLAGS_OFFSET,
                state.ordinal() << BfdControlPacket.STATE_SHIFT);
        p.detectMult(detectMult)
                .length(BfdControlPacket.MANDATORY_LENGTH)
                .myDiscriminator(myDiscriminator)
                .yourDiscriminator(yourDiscriminator)
                .desiredMinTxUs(desiredMinTxUs)
                .requiredMinRxUs(requiredMinRxUs)
                .requiredMinEchoRxUs(requiredMinEchoRxUs);
    }
}
