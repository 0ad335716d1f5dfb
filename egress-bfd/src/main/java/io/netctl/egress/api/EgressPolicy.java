package io.netctl.egress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Source CIDRs whose traffic uses the gateway. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressPolicy {
  @JsonPropertyDescription("Source CIDRs (or single addresses).")
  private List<String> ipBlocks = new ArrayList<>();

  @JsonPropertyDescription("CIDRs of whole subnets (kept apart from ipBlocks for Kube-OVN users).")
  private List<String> subnets = new ArrayList<>();

  public List<String> getIpBlocks() {
    return ipBlocks;
  }

  public void setIpBlocks(List<String> ipBlocks) {
    this.ipBlocks = ipBlocks;
  }

  public List<String> getSubnets() {
    return subnets;
  }

  public void setSubnets(List<String> subnets) {
    this.subnets = subnets;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressPolicy p && Objects.equals(ipBlocks, p.ipBlocks) && Objects.equals(subnets, p.subnets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ipBlocks, subnets);
  }

  @Override
  public String toString() {
    return "{ipBlocks=" + ipBlocks + ", subnets=" + subnets + "}";
  }
}
