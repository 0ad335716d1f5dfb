package io.netctl.bfd.codec;

/**
 * Per-session sequence number state of RFC 5880 §6.8.1: {@code bfd.RcvAuthSeq}, {@code bfd.AuthSeqKnown} and
 * {@code bfd.XmitAuthSeq}. Mutable, owned by one session and touched only on its thread.
 */
public final class BfdAuthSequence {
    private int rcvAuthSeq;
    private boolean authSeqKnown;
    private int xmitAuthSeq;

    /** @param initialXmitSeq a random value, as §6.8.1 requires */
    public BfdAuthSequence(int initialXmitSeq) {
        this.xmitAuthSeq = initialXmitSeq;
    }

    public int rcvAuthSeq() {
        return rcvAuthSeq;
    }

    public boolean authSeqKnown() {
        return authSeqKnown;
    }

    public int xmitAuthSeq() {
        return xmitAuthSeq;
    }

    /** Records an accepted sequence number. */
    public void accept(int sequence) {
        rcvAuthSeq = sequence;
        authSeqKnown = true;
    }

    /** Forgets the received sequence (after twice the detection time without packets, §6.8.1). */
    public void reset() {
        authSeqKnown = false;
    }

    /** Advances {@code bfd.XmitAuthSeq} in the circular 32-bit space and returns the new value. */
    public int nextXmitSeq() {
        return ++xmitAuthSeq;
    }
}
