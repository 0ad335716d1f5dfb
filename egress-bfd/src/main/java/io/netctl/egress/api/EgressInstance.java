package io.netctl.egress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** One gateway instance given explicitly: its name, the node it runs on, and its internal IP (the nexthop). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressInstance {
  @Required
  @JsonPropertyDescription("Instance name, unique within the gateway.")
  private String name;

  @JsonPropertyDescription("The node it runs on (used by trafficPolicy Local).")
  private String node;

  @Required
  @JsonPropertyDescription("Internal IP: the reroute nexthop and the BFD peer.")
  private String ip;

  public EgressInstance() {}

  public EgressInstance(String name, String node, String ip) {
    this.name = name;
    this.node = node;
    this.ip = ip;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressInstance i && Objects.equals(name, i.name) && Objects.equals(node, i.node)
        && Objects.equals(ip, i.ip);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, node, ip);
  }

  @Override
  public String toString() {
    return "{name=" + name + ", node=" + node + ", ip=" + ip + "}";
  }
}
