package io.netctl.ovn.nb;

/** ACL actions, as the NB schema spells them. {@code pass} needs OVN 23.09 or newer (ACL tiers). */
public enum AclAction {
  ALLOW("allow"),
  ALLOW_RELATED("allow-related"),
  ALLOW_STATELESS("allow-stateless"),
  DROP("drop"),
  REJECT("reject"),
  PASS("pass");

  private final String wireName;

  AclAction(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static AclAction fromWire(String s) {
    for (AclAction a : values()) {
      if (a.wireName.equals(s)) {
        return a;
      }
    }
    throw new IllegalArgumentException("ACL action: " + s);
  }
}
