package io.netctl.bfd.session;

import io.netty.buffer.ByteBuf;

/**
 * Where a session's transmitted packets go: the transport's I/O seam, or an in-memory wire in tests.
 *
 * <p>{@code packet}'s readable bytes are one BFD Control packet. The buffer belongs to the session and is rewritten
 * for the next packet, so an implementation must copy it (or send it synchronously) and must not release it.
 */
@FunctionalInterface
public interface BfdPacketSink {
    void send(BfdSession session, ByteBuf packet);
}
