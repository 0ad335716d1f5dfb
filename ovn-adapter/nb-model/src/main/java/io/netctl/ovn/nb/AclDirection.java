package io.netctl.ovn.nb;

/** ACL direction: {@code from-lport} runs on traffic leaving a VIF (egress), {@code to-lport} entering one (ingress). */
public enum AclDirection {
  FROM_LPORT("from-lport"),
  TO_LPORT("to-lport");

  private final String wireName;

  AclDirection(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static AclDirection fromWire(String s) {
    for (AclDirection d : values()) {
      if (d.wireName.equals(s)) {
        return d;
      }
    }
    throw new IllegalArgumentException("ACL direction: " + s + " (expected: from-lport or to-lport)");
  }
}
