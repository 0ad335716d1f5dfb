package io.netctl.bfd.codec;

/**
 * Thrown by the encoder and by value constructors when asked to produce something that cannot be expressed on the
 * wire. The receive path never throws: it returns a {@link DropReason}.
 */
public final class BfdCodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BfdCodecException(String message) {
        super(message);
    }
}
