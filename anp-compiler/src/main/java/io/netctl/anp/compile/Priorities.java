package io.netctl.anp.compile;

/**
 * Fixed ACL priorities of the NetworkPolicy tier (tier 2). NetworkPolicy rules are an unordered union of allows over
 * a default deny, so three levels suffice. Admin and baseline tiers are allocated by {@link PriorityAllocator}.
 *
 * <pre>
 *   tier 2  2000  allow-related  a rule of any NetworkPolicy selecting the pod
 *           1001  allow          ARP and ND of isolated pods (neighbour discovery must survive default deny)
 *           1000  drop           default deny of pods isolated for that direction
 * </pre>
 */
public final class Priorities {
  public static final int NP_ALLOW = 2000;
  public static final int NP_ARP_ND_ALLOW = 1001;
  public static final int NP_DEFAULT_DENY = 1000;

  private Priorities() {}
}
