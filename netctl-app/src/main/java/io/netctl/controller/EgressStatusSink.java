package io.netctl.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.netctl.egress.api.EgressGatewayStatus;
import io.netctl.egress.api.EgressInstanceStatus;

/**
 * Where EgressGateway status goes: the API server's status subresource ({@link KubeEgressStatusSink}) or a file per
 * gateway in watch-dir mode ({@link FileStatusSink#egress}). The egress engine reports a status only when it changed;
 * the controller calls the sink from its status thread, and only while it leads.
 */
public interface EgressStatusSink {
  /**
   * Writes one gateway's status.
   *
   * @return true when written or nothing needed writing (false: the write failed)
   */
  boolean write(String namespace, String name, EgressGatewayStatus status);

  /** The gateway was deleted. */
  default void forget(String namespace, String name) {}

  /** Discards everything. */
  EgressStatusSink NONE = (ns, n, s) -> true;

  /**
   * {@code next} with the times of {@code old} where nothing changed: a condition whose status is the same keeps its
   * {@code lastTransitionTime}, an instance whose BFD state is the same keeps its {@code since}. A new leader's engine
   * starts with fresh times; carried over, its first status equals what the old leader wrote and is not written.
   */
  static EgressGatewayStatus carryTimes(EgressGatewayStatus old, EgressGatewayStatus next) {
    if (old == null) {
      return next;
    }
    EgressGatewayStatus out = new EgressGatewayStatus();
    out.setPhase(next.getPhase());
    out.setReadyInstances(next.getReadyInstances());
    out.setObservedGeneration(next.getObservedGeneration());
    for (EgressInstanceStatus i : next.getInstances()) {
      String since = i.getSince();
      for (EgressInstanceStatus o : old.getInstances()) {
        if (java.util.Objects.equals(o.getName(), i.getName()) && java.util.Objects.equals(o.getIp(), i.getIp())
            && java.util.Objects.equals(o.getBfdState(), i.getBfdState()) && o.getSince() != null) {
          since = o.getSince();
        }
      }
      out.getInstances().add(new EgressInstanceStatus(i.getName(), i.getNode(), i.getIp(), i.getBfdState(), since,
          Boolean.TRUE.equals(i.getNexthop())));
    }
    for (Condition c : next.getConditions()) {
      Condition o = old.condition(c.getType());
      Condition x = new Condition();
      x.setType(c.getType());
      x.setStatus(c.getStatus());
      x.setReason(c.getReason());
      x.setMessage(c.getMessage());
      x.setObservedGeneration(c.getObservedGeneration());
      x.setLastTransitionTime(o != null && java.util.Objects.equals(o.getStatus(), c.getStatus())
          && o.getLastTransitionTime() != null ? o.getLastTransitionTime() : c.getLastTransitionTime());
      out.getConditions().add(x);
    }
    return out;
  }

  /**
   * {@code base} (the engine's last status of the gateway, or none) marked as refused: phase {@code Invalid} and
   * {@code InvalidSpec=True} with {@code error}, for a gateway whose latest version could not even be read.
   */
  static EgressGatewayStatus unreadable(EgressGatewayStatus base, String error, String now) {
    EgressGatewayStatus s = new EgressGatewayStatus();
    boolean programmed = base != null;
    if (base != null) {
      s.setReadyInstances(base.getReadyInstances());
      s.setObservedGeneration(base.getObservedGeneration());
      base.getInstances().forEach(s.getInstances()::add);
      for (Condition c : base.getConditions()) {
        if (!EgressGatewayStatus.INVALID_SPEC.equals(c.getType())) {
          s.getConditions().add(c);
        }
      }
    } else {
      s.setReadyInstances(0);
    }
    s.setPhase("Invalid");
    Condition c = new Condition();
    c.setType(EgressGatewayStatus.INVALID_SPEC);
    c.setStatus("True");
    c.setReason("InvalidSpec");
    c.setMessage(error + (programmed ? " (the last valid spec stays programmed)" : ""));
    c.setLastTransitionTime(now);
    s.getConditions().add(c);
    return s;
  }
}
