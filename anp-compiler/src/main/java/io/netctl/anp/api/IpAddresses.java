package io.netctl.anp.api;

import java.util.Optional;

/**
 * Strict parsing and canonical printing of IP addresses and CIDRs, so that the same address always becomes the same
 * Address_Set element: IPv4 dotted quads without leading zeros, IPv6 in RFC 5952 form, CIDRs with host bits cleared,
 * and host prefixes ({@code /32}, {@code /128}) printed as a bare address.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /** Address family. */
  public enum Family {
    V4("ip4"),
    V6("ip6");

    private final String ovn;

    Family(String ovn) {
      this.ovn = ovn;
    }

    /** The OVN match prefix: {@code ip4} or {@code ip6}. */
    public String ovn() {
      return ovn;
    }
  }

  /** A parsed address or CIDR. */
  public record Cidr(Family family, byte[] bytes, int prefix) {
    public String canonical() {
      int full = bytes.length * 8;
      String addr = family == Family.V4 ? formatV4(bytes) : formatV6(bytes);
      return prefix == full ? addr : addr + "/" + prefix;
    }
  }

  /** The family of a canonical address or CIDR. */
  public static Family familyOf(String canonical) {
    return canonical.indexOf(':') >= 0 ? Family.V6 : Family.V4;
  }

  /** Parses a bare address; empty when it is not one. */
  public static Optional<Cidr> parseAddress(String s) {
    if (s == null || s.indexOf('/') >= 0) {
      return Optional.empty();
    }
    byte[] b = s.indexOf(':') >= 0 ? parseV6(s) : parseV4(s);
    if (b == null) {
      return Optional.empty();
    }
    return Optional.of(new Cidr(b.length == 4 ? Family.V4 : Family.V6, b, b.length * 8));
  }

  /** Parses {@code address/prefix} (host bits are cleared); empty when it is not a CIDR. */
  public static Optional<Cidr> parseCidr(String s) {
    if (s == null) {
      return Optional.empty();
    }
    int slash = s.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    Optional<Cidr> a = parseAddress(s.substring(0, slash));
    if (a.isEmpty()) {
      return Optional.empty();
    }
    String p = s.substring(slash + 1);
    if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || (p.length() > 1 && p.charAt(0) == '0')) {
      return Optional.empty();
    }
    int prefix = Integer.parseInt(p);
    byte[] b = a.get().bytes().clone();
    if (prefix > b.length * 8) {
      return Optional.empty();
    }
    for (int bit = prefix; bit < b.length * 8; bit++) {
      b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return Optional.of(new Cidr(a.get().family(), b, prefix));
  }

  /** The canonical form of an address, or null when {@code s} is not an address. */
  public static String canonicalAddress(String s) {
    return parseAddress(s).map(Cidr::canonical).orElse(null);
  }

  private static byte[] parseV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        return null; // leading zeros are ambiguous (octal in some parsers)
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      b[i] = (byte) v;
    }
    return b;
  }

  private static byte[] parseV6(String s) {
    if (s.isEmpty() || s.indexOf('%') >= 0) {
      return null;
    }
    byte[] tail4 = null;
    int lastColon = s.lastIndexOf(':');
    if (s.indexOf('.', lastColon) >= 0) {
      tail4 = parseV4(s.substring(lastColon + 1));
      if (tail4 == null) {
        return null;
      }
      s = s.substring(0, lastColon + 1) + "0:0"; // placeholder groups, replaced below
    }
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    int[] h = groups(head);
    int[] t = groups(tail);
    if (h == null || t == null) {
      return null;
    }
    int n = h.length + t.length;
    if ((dbl < 0 && n != 8) || (dbl >= 0 && n > 7)) {
      return null;
    }
    int[] all = new int[8];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(t, 0, all, 8 - t.length, t.length);
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[2 * i] = (byte) (all[i] >>> 8);
      b[2 * i + 1] = (byte) all[i];
    }
    if (tail4 != null) {
      System.arraycopy(tail4, 0, b, 12, 4);
    }
    return b;
  }

  private static int[] groups(String s) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int[] g = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        int d = Character.digit(p.charAt(j), 16);
        if (d < 0) {
          return null;
        }
        v = v * 16 + d;
      }
      g[i] = v;
    }
    return g;
  }

  private static String formatV4(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  /** RFC 5952: lower case, no leading zeros, the longest run (2+) of zero groups as {@code ::}, leftmost on ties. */
  private static String formatV6(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      bestStart = -1;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
