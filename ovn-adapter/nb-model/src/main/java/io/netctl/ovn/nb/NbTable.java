package io.netctl.ovn.nb;

/** The Northbound tables netctl writes, with their OVSDB table names. */
public enum NbTable {
  ACL("ACL"),
  ADDRESS_SET("Address_Set"),
  PORT_GROUP("Port_Group"),
  LOGICAL_ROUTER_POLICY("Logical_Router_Policy"),
  BFD("BFD");

  private final String wireName;

  NbTable(String wireName) {
    this.wireName = wireName;
  }

  /** The table's name in the OVSDB schema. */
  public String wireName() {
    return wireName;
  }
}
