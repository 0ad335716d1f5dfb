package io.netctl.bfd.codec;

import java.util.Optional;

/**
 * An immutable BFD Control packet (RFC 5880 §4.1) for tests, tools and configuration-time code. The receive and
 * transmit paths use the {@link BfdControlPacket} flyweight instead and never build this.
 *
 * <p>The constructor only checks that each field fits its width (so malformed-but-encodable packets can be built for
 * tests); whether a packet is acceptable is {@link BfdControlPacketDecoder#validate}'s job. The Length field is not a
 * component: the encoder derives it from the authentication section.
 *
 * @param diagnosticCode raw 5-bit code; see {@link BfdDiagnostic}
 * @param isFinal the Final (F) bit
 */
public record BfdControlMessage(
        int version,
        int diagnosticCode,
        BfdState state,
        boolean poll,
        boolean isFinal,
        boolean controlPlaneIndependent,
        boolean demand,
        boolean multipoint,
        int detectMult,
        int myDiscriminator,
        int yourDiscriminator,
        long desiredMinTxUs,
        long requiredMinRxUs,
        long requiredMinEchoRxUs,
        Optional<BfdAuthSection> auth) {

    private static final long MAX_U32 = 0xffff_ffffL;

    public BfdControlMessage {
        checkRange("version", version, 0, 7);
        checkRange("diagnostic", diagnosticCode, 0, BfdDiagnostic.MAX_CODE);
        checkRange("detect multiplier", detectMult, 0, 255);
        checkRange("desired min tx interval", desiredMinTxUs, 0, MAX_U32);
        checkRange("required min rx interval", requiredMinRxUs, 0, MAX_U32);
        checkRange("required min echo rx interval", requiredMinEchoRxUs, 0, MAX_U32);
        if (state == null) {
            throw new BfdCodecException("state: null (expected: a state)");
        }
        if (auth == null) {
            throw new BfdCodecException("auth: null (expected: Optional.empty() or a section)");
        }
    }

    private static void checkRange(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new BfdCodecException(what + ": " + value + " (expected: " + min + "-" + max + ")");
        }
    }

    /** The value of the Length field this message encodes to. */
    public int length() {
        return BfdControlPacket.MANDATORY_LENGTH + auth.map(BfdAuthSection::authLength).orElse(0);
    }

    /** Reads a message out of a flyweight that passed {@link BfdControlPacketDecoder#validate}. */
    public static BfdControlMessage from(BfdControlPacket p) {
        Optional<BfdAuthSection> auth = Optional.empty();
        if (p.authPresent() && AuthType.isDefined(p.authTypeCode())) {
            AuthType type = AuthType.valueOf(p.authTypeCode());
            if (type.isKeyed()) {
                byte[] digest = new byte[type.digestLength()];
                p.getDigest(digest, 0, digest.length);
                auth = Optional.of(new BfdAuthSection.Keyed(type, p.authKeyId(), p.authSequence(), digest));
            } else {
                byte[] password = new byte[p.passwordLength()];
                p.getPassword(password, 0, password.length);
                auth = Optional.of(new BfdAuthSection.SimplePassword(p.authKeyId(), password));
            }
        }
        return new BfdControlMessage(p.version(), p.diagnosticCode(), p.state(), p.poll(), p.isFinal(),
                p.controlPlaneIndependent(), p.demand(), p.multipoint(), p.detectMult(), p.myDiscriminator(),
                p.yourDiscriminator(), p.desiredMinTxUs(), p.requiredMinRxUs(), p.requiredMinEchoRxUs(), auth);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().version(version).diagnosticCode(diagnosticCode).state(state).poll(poll)
                .isFinal(isFinal).controlPlaneIndependent(controlPlaneIndependent).demand(demand)
                .multipoint(multipoint).detectMult(detectMult).myDiscriminator(myDiscriminator)
                .yourDiscriminator(yourDiscriminator).desiredMinTxUs(desiredMinTxUs).requiredMinRxUs(requiredMinRxUs)
                .requiredMinEchoRxUs(requiredMinEchoRxUs).auth(auth.orElse(null));
    }

    /** Builder with the defaults of a fresh session: version 1, Down, multiplier 3, 1 s intervals. */
    public static final class Builder {
        private int version = BfdControlPacket.VERSION;
        private int diagnosticCode;
        private BfdState state = BfdState.DOWN;
        private boolean poll;
        private boolean isFinal;
        private boolean controlPlaneIndependent;
        private boolean demand;
        private boolean multipoint;
        private int detectMult = 3;
        private int myDiscriminator = 1;
        private int yourDiscriminator;
        private long desiredMinTxUs = 1_000_000L;
        private long requiredMinRxUs = 1_000_000L;
        private long requiredMinEchoRxUs;
        private BfdAuthSection auth;

        public Builder version(int v) {
            this.version = v;
            return this;
        }

        public Builder diagnosticCode(int v) {
            this.diagnosticCode = v;
            return this;
        }

        public Builder diagnostic(BfdDiagnostic v) {
            this.diagnosticCode = v.byteValue();
            return this;
        }

        public Builder state(BfdState v) {
            this.state = v;
            return this;
        }

        public Builder poll(boolean v) {
            this.poll = v;
            return this;
        }

        public Builder isFinal(boolean v) {
            this.isFinal = v;
            return this;
        }

        public Builder controlPlaneIndependent(boolean v) {
            this.controlPlaneIndependent = v;
            return this;
        }

        public Builder demand(boolean v) {
            this.demand = v;
            return this;
        }

        public Builder multipoint(boolean v) {
            this.multipoint = v;
            return this;
        }

        public Builder detectMult(int v) {
            this.detectMult = v;
            return this;
        }

        public Builder myDiscriminator(int v) {
            this.myDiscriminator = v;
            return this;
        }

        public Builder yourDiscriminator(int v) {
            this.yourDiscriminator = v;
            return this;
        }

        public Builder desiredMinTxUs(long v) {
            this.desiredMinTxUs = v;
            return this;
        }

        public Builder requiredMinRxUs(long v) {
            this.requiredMinRxUs = v;
            return this;
        }

        public Builder requiredMinEchoRxUs(long v) {
            this.requiredMinEchoRxUs = v;
            return this;
        }

        /** {@code null} for no authentication section. */
        public Builder auth(BfdAuthSection v) {
            this.auth = v;
            return this;
        }

        public BfdControlMessage build() {
            return new BfdControlMessage(version, diagnosticCode, state, poll, isFinal, controlPlaneIndependent,
                    demand, multipoint, detectMult, myDiscriminator, yourDiscriminator, desiredMinTxUs,
                    requiredMinRxUs, requiredMinEchoRxUs, Optional.ofNullable(auth));
        }
    }
}
