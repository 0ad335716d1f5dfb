package io.netctl.anp.api;

import java.util.List;
import java.util.Objects;

/**
 * One ingress or egress rule.
 *
 * @param index position in its list: the first rule decides
 * @param name the rule's name, or empty
 * @param action the action
 * @param peers {@code from}/{@code to}; a connection matches when any peer matches
 * @param ports destination port clauses; empty means every port and protocol
 */
public record Rule(int index, String name, Action action, List<Peer> peers, List<PortSpec> ports) {
  public Rule {
    Objects.requireNonNull(action, "action");
    name = name == null ? "" : name;
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
  }

  public boolean usesNamedPorts() {
    for (PortSpec p : ports) {
      if (p instanceof PortSpec.Named) {
        return true;
      }
    }
    return false;
  }
}
