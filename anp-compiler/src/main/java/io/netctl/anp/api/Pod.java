package io.netctl.anp.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Pod, reduced to what policy needs.
 *
 * @param namespace namespace
 * @param name name
 * @param labels labels
 * @param nodeName {@code spec.nodeName}, or empty
 * @param hostNetwork host-network pods are never subjects or peers of a policy
 * @param ports declared container ports (for named ports)
 * @param ips {@code status.podIPs} in canonical form
 * @param terminated phase Succeeded or Failed: such pods hold no IP and are not selected
 */
public record Pod(
    String namespace,
    String name,
    SortedMap<String, String> labels,
    String nodeName,
    boolean hostNetwork,
    List<ContainerPort> ports,
    List<String> ips,
    boolean terminated)
    implements ClusterObject {

  public Pod {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    nodeName = nodeName == null ? "" : nodeName;
    ports = List.copyOf(ports);
    ips = List.copyOf(ips);
  }

  public static Pod of(String namespace, String name, Map<String, String> labels, String... ips) {
    return new Pod(namespace, name, new TreeMap<>(labels), "", false, List.of(), List.of(ips), false);
  }

  @Override
  public ObjectRef ref() {
    return new ObjectRef(Kind.POD, namespace, name);
  }

  /** Whether policies can select this pod at all. */
  public boolean selectable() {
    return !hostNetwork && !terminated;
  }

  public Pod withLabels(Map<String, String> l) {
    return new Pod(namespace, name, new TreeMap<>(l), nodeName, hostNetwork, ports, ips, terminated);
  }
}
