package io.netctl.anp.explain;

import io.netctl.ovn.nb.Acl;
import java.util.List;

/**
 * What OVN's ACL stages would do with a packet.
 *
 * @param allowed whether the packet is delivered
 * @param egress the ACL that decided in the sender's from-lport stage, or null when none did
 * @param ingress the ACL that decided in the receiver's to-lport stage, or null when none did (or egress dropped)
 * @param passed ACLs whose {@code pass} sent evaluation on to the next tier, in order
 */
public record Verdict(boolean allowed, Acl egress, Acl ingress, List<Acl> passed) {
  public Verdict {
    passed = List.copyOf(passed);
  }

  /** The ACL that decided the outcome: the dropping one, else the ingress or egress one that allowed; may be null. */
  public Acl deciding() {
    if (egress != null && !allowedBy(egress)) {
      return egress;
    }
    return ingress != null ? ingress : egress;
  }

  static boolean allowedBy(Acl a) {
    return switch (a.action()) {
      case ALLOW, ALLOW_RELATED, ALLOW_STATELESS -> true;
      case DROP, REJECT -> false;
      case PASS -> throw new IllegalStateException("pass decides nothing");
    };
  }

  @Override
  public String toString() {
    Acl d = deciding();
    return (allowed ? "allowed" : "dropped") + (d == null ? " (no ACL matched)" : " by " + d.name() + " [" + d.key() + "]");
  }
}
