package io.netctl.anp.api;

/** A rule's direction, seen from the policy's subject. */
public enum Direction {
  INGRESS("Ingress", "ingress", "in"),
  EGRESS("Egress", "egress", "eg");

  private final String k8s;
  private final String field;
  private final String shortName;

  Direction(String k8s, String field, String shortName) {
    this.k8s = k8s;
    this.field = field;
    this.shortName = shortName;
  }

  public String k8s() {
    return k8s;
  }

  /** The spec field: {@code ingress} or {@code egress}. */
  public String field() {
    return field;
  }

  public String shortName() {
    return shortName;
  }
}
