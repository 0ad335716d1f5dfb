package io.netctl.anp.compile;

import io.netctl.anp.api.Direction;
import io.netctl.anp.api.IpAddresses.Family;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.Protocol;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names and ids of the rows netctl writes.
 *
 * <p>OVN refers to Port_Groups and Address_Sets by name inside match expressions ({@code @pg}, {@code $as}), so names
 * must be identifiers: {@code [a-z0-9_]}, starting with a letter. Kubernetes names are longer and use {@code -} and
 * {@code .}, so a name is {@code nc_<kind>_<readable part>_<hash>}: the readable part helps an operator reading
 * {@code ovn-nbctl list}, the hash of the full identity keeps names unique and stable.
 */
public final class Naming {
  static final int READABLE_MAX = 32;

  private Naming() {}

  /** Base name of a policy's rows. */
  public static String policyBase(Policy p) {
    String readable = p.ref().namespace().isEmpty() ? p.ref().name() : p.ref().namespace() + "_" + p.ref().name();
    return "nc_" + p.kind().prefix() + "_" + sanitize(readable) + "_" + hash(p.ref().toString());
  }

  public static String portGroup(Policy p) {
    return policyBase(p);
  }

  /** The Address_Set of the pods on which a rule's named ports resolve to one protocol and port. */
  static String namedPortAddressSet(String base, Direction d, int ruleIndex, Protocol proto, int port, Family f) {
    return base + "_" + d.shortName() + ruleIndex + "_" + proto.ovn() + port + "_" + (f == Family.V4 ? "v4" : "v6");
  }

  /**
   * The Address_Set of a set of pod, node and network peers, shared by every rule that has the same ones:
   * {@code canonical} is their canonical description, which also goes into the row's {@code netctl.io/peers}.
   */
  static String peerAddressSet(String canonical, Family f) {
    return "nc_peer_" + hash("peers/" + canonical) + "_" + (f == Family.V4 ? "v4" : "v6");
  }

  public static String domainAddressSet(String domain, Family f) {
    return "nc_dn_" + sanitize(domain) + "_" + hash("domain/" + domain) + "_" + (f == Family.V4 ? "v4" : "v6");
  }

  /** Stable ACL id: {@code anp:name:ingress:3:tcp}. */
  public static String aclId(Policy p, Direction d, int ruleIndex, Protocol proto) {
    return p.kind().prefix() + ":" + p.ref().qualifiedName() + ":" + d.field() + ":" + ruleIndex + ":"
        + (proto == null ? "any" : proto.ovn());
  }

  /** Id of a NetworkPolicy's fixed ACLs (default deny, ARP/ND allow). */
  public static String aclId(Policy p, Direction d, String what) {
    return p.kind().prefix() + ":" + p.ref().qualifiedName() + ":" + d.field() + ":" + what;
  }

  /** Readable ACL name, at most 63 characters: {@code ANP:name:Ingress:3}. */
  public static String aclName(Policy p, Direction d, String suffix) {
    String head = p.kind().shortName() + ":";
    String tail = ":" + d.k8s() + ":" + suffix;
    String name = p.ref().qualifiedName();
    int room = io.netctl.ovn.nb.Acl.MAX_NAME_LENGTH - head.length() - tail.length();
    if (name.length() > room) {
      name = name.substring(0, Math.max(0, room - 1)) + "~";
    }
    return head + name + tail;
  }

  static String sanitize(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
      if (sb.length() >= READABLE_MAX) {
        break;
      }
      sb.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return sb.toString();
  }

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  /** First 32 bits of SHA-256, in hex: stable across versions and platforms. */
  static String hash(String s) {
    byte[] d = SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(d, 0, 4);
  }
}
