package io.netctl.egress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The desired state of an {@link EgressGateway}. Defaults are applied by the API server (CRD) and by netctl. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressGatewaySpec {
  /** Default hold-down: a recovered instance is used again after this many milliseconds of Up. */
  public static final int DEFAULT_HOLD_DOWN_MS = 1000;

  @Required
  @JsonPropertyDescription("The OVN Logical_Router whose policies reroute the selected traffic.")
  private String router;

  @JsonPropertyDescription(
      "Every selected Ready node hosts an instance; its address is the node's InternalIP unless instances name it.")
  private LabelSelector nodeSelector;

  @JsonPropertyDescription("Explicit gateway instances (an alternative to nodeSelector, or their addresses).")
  private List<EgressInstance> instances = new ArrayList<>();

  @JsonPropertyDescription("Source pods: a pod matching any entry is selected (host-network pods never are).")
  private List<EgressSelector> selectors = new ArrayList<>();

  @JsonPropertyDescription("Source CIDRs.")
  private List<EgressPolicy> policies = new ArrayList<>();

  @JsonPropertyDescription("Destination CIDRs; empty: every destination outside the cluster networks.")
  private List<String> destinations = new ArrayList<>();

  @Default("Cluster")
  @JsonPropertyDescription(
      "Cluster: all instances for every source. Local: sources prefer the instances on their own node.")
  private TrafficPolicy trafficPolicy = TrafficPolicy.Cluster;

  @JsonPropertyDescription("BFD sessions to the instances; a nexthop is used only while its session is Up.")
  private EgressBfd bfd = new EgressBfd();

  @Default("Drop")
  @JsonPropertyDescription("When no instance is Up: Drop the traffic, or Route it as if there were no gateway.")
  private FailMode failMode = FailMode.Drop;

  @Min(0)
  @Default("1000")
  @JsonPropertyDescription("Milliseconds a recovered instance must stay Up before it carries traffic again.")
  private Integer holdDownMillis = DEFAULT_HOLD_DOWN_MS;

  public String getRouter() {
    return router;
  }

  public void setRouter(String router) {
    this.router = router;
  }

  public LabelSelector getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(LabelSelector nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<EgressInstance> getInstances() {
    return instances;
  }

  public void setInstances(List<EgressInstance> instances) {
    this.instances = instances;
  }

  public List<EgressSelector> getSelectors() {
    return selectors;
  }

  public void setSelectors(List<EgressSelector> selectors) {
    this.selectors = selectors;
  }

  public List<EgressPolicy> getPolicies() {
    return policies;
  }

  public void setPolicies(List<EgressPolicy> policies) {
    this.policies = policies;
  }

  public List<String> getDestinations() {
    return destinations;
  }

  public void setDestinations(List<String> destinations) {
    this.destinations = destinations;
  }

  public TrafficPolicy getTrafficPolicy() {
    return trafficPolicy;
  }

  public void setTrafficPolicy(TrafficPolicy trafficPolicy) {
    this.trafficPolicy = trafficPolicy;
  }

  public EgressBfd getBfd() {
    return bfd;
  }

  public void setBfd(EgressBfd bfd) {
    this.bfd = bfd;
  }

  public FailMode getFailMode() {
    return failMode;
  }

  public void setFailMode(FailMode failMode) {
    this.failMode = failMode;
  }

  public Integer getHoldDownMillis() {
    return holdDownMillis;
  }

  public void setHoldDownMillis(Integer holdDownMillis) {
    this.holdDownMillis = holdDownMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressGatewaySpec s && Objects.equals(router, s.router)
        && Objects.equals(nodeSelector, s.nodeSelector) && Objects.equals(instances, s.instances)
        && Objects.equals(selectors, s.selectors) && Objects.equals(policies, s.policies)
        && Objects.equals(destinations, s.destinations) && trafficPolicy == s.trafficPolicy
        && Objects.equals(bfd, s.bfd) && failMode == s.failMode && Objects.equals(holdDownMillis, s.holdDownMillis);
  }

  @Override
  public int hashCode() {
    return Objects.hash(router, nodeSelector, instances, selectors, policies, destinations, trafficPolicy, bfd,
        failMode, holdDownMillis);
  }

  @Override
  public String toString() {
    return "{router=" + router + ", nodeSelector=" + nodeSelector + ", instances=" + instances + ", selectors="
        + selectors + ", policies=" + policies + ", destinations=" + destinations + ", trafficPolicy=" + trafficPolicy
        + ", bfd=" + bfd + ", failMode=" + failMode + ", holdDownMillis=" + holdDownMillis + "}";
  }
}
