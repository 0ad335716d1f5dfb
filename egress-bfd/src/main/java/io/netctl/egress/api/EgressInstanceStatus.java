package io.netctl.egress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One instance as netctl sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressInstanceStatus {
  private String name;
  private String node;
  private String ip;

  @JsonPropertyDescription("Up, Down, HoldDown (Up, not used yet) or Unknown (no BFD: always used).")
  private String bfdState;

  @JsonPropertyDescription("When bfdState last changed (RFC 3339).")
  private String since;

  @JsonPropertyDescription("Whether its nexthop is programmed.")
  private Boolean nexthop;

  public EgressInstanceStatus() {}

  public EgressInstanceStatus(String name, String node, String ip, String bfdState, String since, boolean nexthop) {
    this.name = name;
    this.node = node;
    this.ip = ip;
    this.bfdState = bfdState;
    this.since = since;
    this.nexthop = nexthop;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getIp() {
    return ip;
  }

  public void setIp(String ip) {
    this.ip = ip;
  }

  public String getBfdState() {
    return bfdState;
  }

  public void setBfdState(String bfdState) {
    this.bfdState = bfdState;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public Boolean getNexthop() {
    return nexthop;
  }

  public void setNexthop(Boolean nexthop) {
    this.nexthop = nexthop;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressInstanceStatus s && Objects.equals(name, s.name) && Objects.equals(node, s.node)
        && Objects.equals(ip, s.ip) && Objects.equals(bfdState, s.bfdState) && Objects.equals(since, s.since)
        && Objects.equals(nexthop, s.nexthop);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, node, ip, bfdState, since, nexthop);
  }

  @Override
  public String toString() {
    return "{name=" + name + ", node=" + node + ", ip=" + ip + ", bfdState=" + bfdState + ", since=" + since
        + ", nexthop=" + nexthop + "}";
  }
}
