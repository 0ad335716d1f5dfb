package io.netctl.bfd.transport;

import io.netctl.bfd.session.BfdSessionKey;
import java.net.InetSocketAddress;

/**
 * What {@link BfdSpeaker#addSession} returns: enough to address the session later from any thread.
 *
 * @param sourcePort the UDP source port this session sends from (RFC 5881 §4: 49152–65535, one per session)
 */
public record BfdSessionHandle(int localDiscriminator, BfdSessionKey key, InetSocketAddress peer, int sourcePort) {
}
