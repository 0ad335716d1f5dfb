package io.netctl.anp.api;

import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Node: labels and the IPs of {@code status.addresses} (InternalIP and ExternalIP), which a {@code nodes} peer
 * matches.
 */
public record Node(String name, SortedMap<String, String> labels, List<String> addresses) implements ClusterObject {
  public Node {
    Objects.requireNonNull(name, "name");
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    addresses = List.copyOf(addresses);
  }

  @Override
  public ObjectRef ref() {
    return ObjectRef.cluster(Kind.NODE, name);
  }
}
