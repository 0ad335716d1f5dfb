package io.netctl.anp.api;

/** Layer-4 protocols that policies match, with their OVN match field prefix. */
public enum Protocol {
  TCP("tcp"),
  UDP("udp"),
  SCTP("sctp");

  private final String ovn;

  Protocol(String ovn) {
    this.ovn = ovn;
  }

  /** The OVN match symbol: {@code tcp}, {@code udp} or {@code sctp}. */
  public String ovn() {
    return ovn;
  }

  /** Parses {@code TCP}, {@code UDP} or {@code SCTP} (Kubernetes spelling); null when unknown. */
  public static Protocol parse(String s) {
    for (Protocol p : values()) {
      if (p.name().equals(s)) {
        return p;
      }
    }
    return null;
  }
}
