package io.netctl.anp.explain;

import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.AclDirection;
import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.PortGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies OVN's ACL semantics to a desired state: the sender's {@code from-lport} ACLs, then the receiver's
 * {@code to-lport} ACLs; within each, tier 0 to 3, and within a tier the highest-priority matching ACL decides:
 * allow and drop end the stage, {@code pass} moves on to the next tier, nothing matching moves on too; when no tier
 * decides, the packet passes the stage. Stateful details (conntrack of replies) are out of scope: each packet is a new
 * connection.
 */
public final class AclEvaluator {
  private static final Comparator<Acl> ORDER =
      Comparator.comparingInt(Acl::tier)
          .thenComparing(Comparator.comparingInt(Acl::priority).reversed())
          .thenComparing(Acl::key);

  private final List<Acl> fromLport = new ArrayList<>();
  private final List<Acl> toLport = new ArrayList<>();
  private final Map<String, MatchExpr> parsed = new HashMap<>();
  private final MatchExpr.Env env;

  public AclEvaluator(NbState state) {
    for (Acl a : state.acls().values()) {
      (a.direction() == AclDirection.FROM_LPORT ? fromLport : toLport).add(a);
      parsed.put(a.key(), MatchExpr.parse(a.match()));
    }
    fromLport.sort(ORDER);
    toLport.sort(ORDER);
    env =
        new MatchExpr.Env() {
          @Override
          public Set<String> portGroup(String name) {
            PortGroup pg = state.portGroups().get(name);
            return pg == null ? null : pg.ports();
          }

          @Override
          public Set<String> addressSet(String name) {
            AddressSet as = state.addressSets().get(name);
            return as == null ? null : as.addresses();
          }
        };
  }

  public Verdict evaluate(Packet p) {
    List<Acl> passed = new ArrayList<>();
    Acl eg = stage(fromLport, p, passed);
    if (eg != null && !Verdict.allowedBy(eg)) {
      return new Verdict(false, eg, null, passed);
    }
    Acl in = stage(toLport, p, passed);
    boolean allowed = in == null || Verdict.allowedBy(in);
    return new Verdict(allowed, eg, in, passed);
  }

  /** The deciding ACL of one stage, or null when no tier decides. */
  private Acl stage(List<Acl> acls, Packet p, List<Acl> passed) {
    int skipTier = -1;
    for (Acl a : acls) {
      if (a.tier() == skipTier) {
        continue;
      }
      if (!parsed.get(a.key()).eval(p, env)) {
        continue;
      }
      if (a.action() == AclAction.PASS) {
        passed.add(a);
        skipTier = a.tier();
        continue;
      }
      return a;
    }
    return null;
  }
}
