package io.netctl.anp.api;

import java.util.List;
import java.util.Objects;

/**
 * Any of the four policy kinds, normalised: ANP, BANP, CNP (either tier) and NetworkPolicy all become a subject and
 * ordered rules.
 *
 * @param ref the object
 * @param kind the flavour, which fixes the tier
 * @param priority 0-1000; BANP has none and NetworkPolicy rules are unordered (both 0 here)
 * @param subject the pods the policy applies to
 * @param ingress ingress rules in precedence order
 * @param egress egress rules in precedence order
 * @param isolates NetworkPolicy only: the directions its {@code policyTypes} isolate (default deny)
 * @param logging ACL logging, from the annotation
 */
public record Policy(
    ObjectRef ref,
    PolicyKind kind,
    int priority,
    PodSelection subject,
    List<Rule> ingress,
    List<Rule> egress,
    List<Direction> isolates,
    AclLogging logging)
    implements ClusterObject {

  public Policy {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
    isolates = List.copyOf(isolates);
    logging = logging == null ? AclLogging.NONE : logging;
  }

  public List<Rule> rules(Direction d) {
    return d == Direction.INGRESS ? ingress : egress;
  }
}
