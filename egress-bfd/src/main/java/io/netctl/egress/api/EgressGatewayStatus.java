package io.netctl.egress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What netctl observed and programmed for an {@link EgressGateway}. Conditions: {@code Ready} (at least one instance
 * carries traffic), {@code Degraded} (some instance does not), {@code InvalidSpec} (the spec was refused; nothing was
 * changed in OVN).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressGatewayStatus {
  public static final String READY = "Ready";
  public static final String DEGRADED = "Degraded";
  public static final String INVALID_SPEC = "InvalidSpec";

  @JsonPropertyDescription("Pending, Ready, Degraded, Down or Invalid.")
  private String phase;

  @JsonPropertyDescription("Instances whose nexthop is programmed (BFD Up, hold-down over; all when BFD is off).")
  private Integer readyInstances;

  private List<EgressInstanceStatus> instances = new ArrayList<>();

  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public Integer getReadyInstances() {
    return readyInstances;
  }

  public void setReadyInstances(Integer readyInstances) {
    this.readyInstances = readyInstances;
  }

  public List<EgressInstanceStatus> getInstances() {
    return instances;
  }

  public void setInstances(List<EgressInstanceStatus> instances) {
    this.instances = instances;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  /** The condition of this type, or null. */
  public Condition condition(String type) {
    for (Condition c : conditions) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressGatewayStatus s && Objects.equals(phase, s.phase)
        && Objects.equals(readyInstances, s.readyInstances) && Objects.equals(instances, s.instances)
        && Objects.equals(conditions, s.conditions) && Objects.equals(observedGeneration, s.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, readyInstances, instances, conditions, observedGeneration);
  }

  @Override
  public String toString() {
    return "{phase=" + phase + ", readyInstances=" + readyInstances + ", instances=" + instances + ", conditions="
        + conditions + ", observedGeneration=" + observedGeneration + "}";
  }
}
