package io.netctl.anp.explain;

import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.Protocol;
import java.util.Objects;

/**
 * A packet between two logical switch ports.
 *
 * @param inport the sender's logical switch port
 * @param outport the receiver's logical switch port
 * @param src source IP (canonical)
 * @param dst destination IP (canonical)
 * @param protocol TCP, UDP or SCTP; null for another IP protocol (ICMP)
 * @param dstPort destination port (ignored when {@code protocol} is null)
 */
public record Packet(String inport, String outport, String src, String dst, Protocol protocol, int dstPort) {
  public Packet {
    Objects.requireNonNull(inport, "inport");
    Objects.requireNonNull(outport, "outport");
    src = canonical(src);
    dst = canonical(dst);
    if (IpAddresses.familyOf(src) != IpAddresses.familyOf(dst)) {
      throw new IllegalArgumentException("packet: " + src + " -> " + dst + " (expected: one address family)");
    }
  }

  private static String canonical(String ip) {
    String c = IpAddresses.canonicalAddress(ip);
    if (c == null) {
      throw new IllegalArgumentException("IP address: " + ip);
    }
    return c;
  }

  public IpAddresses.Family family() {
    return IpAddresses.familyOf(src);
  }
}
