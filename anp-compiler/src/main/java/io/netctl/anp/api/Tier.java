package io.netctl.anp.api;

/**
 * The three policy tiers of the network-policy API, in evaluation order, and the OVN ACL tier each is programmed in.
 *
 * <p>OVN (23.09+) evaluates ACL tier 0 first, then 1, 2 and 3; within a tier, the highest priority first. An
 * {@code allow-related} or {@code drop} ends evaluation; {@code pass} skips the rest of its tier. Tier 0 is left to
 * others (Kube-OVN and ovn-kubernetes put nothing there for policy), 1 holds admin policies, 2 NetworkPolicy and 3
 * baseline policies, exactly as ovn-kubernetes and Kube-OVN do, so netctl's ACLs interleave correctly with a CNI that
 * programs NetworkPolicy itself.
 */
public enum Tier {
  ADMIN(1),
  NETWORK_POLICY(2),
  BASELINE(3);

  private final int ovnTier;

  Tier(int ovnTier) {
    this.ovnTier = ovnTier;
  }

  public int ovnTier() {
    return ovnTier;
  }
}
