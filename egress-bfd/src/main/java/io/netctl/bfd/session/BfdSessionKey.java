package io.netctl.bfd.session;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What identifies a session before the peer's discriminator is known (RFC 5880 §6.8.6 "Your Discriminator is zero",
 * RFC 5881 §3, RFC 5883 §3): local address, peer address and, for single-hop sessions, the interface.
 *
 * @param ifIndex interface index for single hop (RFC 5881 §3: the interface is part of the session's identity); 0
 *     means "any" and is always 0 for multihop sessions (RFC 5883 §3)
 * @param multihop RFC 5883 (UDP 4784, no TTL 255 requirement) rather than RFC 5881 (UDP 3784, TTL 255)
 */
public record BfdSessionKey(InetAddress localAddress, InetAddress peerAddress, int ifIndex, boolean multihop) {
    public BfdSessionKey {
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(peerAddress, "peerAddress");
        if (ifIndex < 0) {
            throw new IllegalArgumentException("interface index: " + ifIndex + " (expected: >= 0)");
        }
        if (multihop && ifIndex != 0) {
            throw new IllegalArgumentException("interface index: " + ifIndex + " (expected: 0 for multihop)");
        }
    }

    public static BfdSessionKey singleHop(InetAddress local, InetAddress peer, int ifIndex) {
        return new BfdSessionKey(local, peer, ifIndex, false);
    }

    public static BfdSessionKey multihop(InetAddress local, InetAddress peer) {
        return new BfdSessionKey(local, peer, 0, true);
    }

    @Override
    public String toString() {
        return localAddress.getHostAddress() + "->" + peerAddress.getHostAddress()
                + (multihop ? " (multihop)" : ifIndex == 0 ? "" : " if " + ifIndex);
    }
}
