package io.netctl.anp.api;

/** The flavours of policy, each with its OVN ACL tier. */
public enum PolicyKind {
  ADMIN_NETWORK_POLICY(Kind.ADMIN_NETWORK_POLICY, Tier.ADMIN, "anp", "ANP"),
  CLUSTER_NETWORK_POLICY_ADMIN(Kind.CLUSTER_NETWORK_POLICY, Tier.ADMIN, "cnp", "CNP"),
  NETWORK_POLICY(Kind.NETWORK_POLICY, Tier.NETWORK_POLICY, "np", "NP"),
  CLUSTER_NETWORK_POLICY_BASELINE(Kind.CLUSTER_NETWORK_POLICY, Tier.BASELINE, "cnp", "CNP"),
  BASELINE_ADMIN_NETWORK_POLICY(Kind.BASELINE_ADMIN_NETWORK_POLICY, Tier.BASELINE, "banp", "BANP");

  private final Kind kind;
  private final Tier tier;
  private final String prefix;
  private final String shortName;

  PolicyKind(Kind kind, Tier tier, String prefix, String shortName) {
    this.kind = kind;
    this.tier = tier;
    this.prefix = prefix;
    this.shortName = shortName;
  }

  public Kind kind() {
    return kind;
  }

  public Tier tier() {
    return tier;
  }

  /** Lower-case prefix used in OVN row names. */
  public String prefix() {
    return prefix;
  }

  /** Upper-case short name used in ACL names. */
  public String shortName() {
    return shortName;
  }
}
