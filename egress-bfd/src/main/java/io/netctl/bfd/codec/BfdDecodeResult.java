package io.netctl.bfd.codec;

/** The outcome of {@link BfdControlPacketDecoder#decode}: a message, or the reason it would be dropped. */
public sealed interface BfdDecodeResult {

    /** A packet that passed the stateless checks. */
    record Decoded(BfdControlMessage message) implements BfdDecodeResult {
    }

    /** A packet that failed one; {@code detail} reads like {@code "detect multiplier: 0 (expected: >= 1)"}. */
    record Dropped(DropReason reason, String detail) implements BfdDecodeResult {
    }
}
