package io.netctl.egress;

import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Node as egress placement needs it: its labels, its InternalIP addresses (the default instance addresses) and
 * whether its {@code Ready} condition is True (anp-compiler's {@code Node} record has no readiness: policy does not
 * need it).
 */
public record EgressNode(String name, SortedMap<String, String> labels, List<String> internalIps, boolean ready) {
  public EgressNode {
    Objects.requireNonNull(name, "name");
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    internalIps = List.copyOf(internalIps);
  }

  public EgressNode(String name, java.util.Map<String, String> labels, List<String> internalIps, boolean ready) {
    this(name, new TreeMap<>(labels), internalIps, ready);
  }
}
