package io.netctl.egress;

import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.LabelSelector;
import io.netctl.anp.api.PodSelection;
import io.netctl.egress.api.FailMode;
import io.netctl.egress.api.TrafficPolicy;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;

/**
 * A validated {@link io.netctl.egress.api.EgressGateway} spec with every default applied, in netctl's own types: what
 * the engine works from.
 *
 * @param nodeSelector null when absent (then only {@code instances} place instances)
 * @param instances explicit instances; with a nodeSelector, entries naming a node give that node's instance address
 * @param sources the pod selections ({@link PodSelection}), any of which selects a pod
 * @param sourceCidrs canonical source CIDRs of {@code policies}
 * @param destinations canonical destination CIDRs; empty: everything outside the cluster networks
 * @param holdDownMillis how long a recovered instance waits before it carries traffic
 */
public record EgressConfig(
    String namespace,
    String name,
    long generation,
    String router,
    LabelSelector nodeSelector,
    List<InstanceSpec> instances,
    List<PodSelection> sources,
    SortedSet<String> sourceCidrs,
    SortedSet<String> destinations,
    TrafficPolicy trafficPolicy,
    Bfd bfd,
    FailMode failMode,
    long holdDownMillis) {

  public EgressConfig {
    Objects.requireNonNull(router, "router");
    instances = List.copyOf(instances);
    sources = List.copyOf(sources);
    sourceCidrs = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(sourceCidrs));
    destinations = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(destinations));
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /** An explicit instance. */
  public record InstanceSpec(String name, String node, String ip) {
    public IpAddresses.Family family() {
      return IpAddresses.familyOf(ip);
    }
  }

  /** BFD settings, milliseconds. */
  public record Bfd(boolean enabled, int minRxMillis, int minTxMillis, int multiplier) {
    public static final Bfd OFF = new Bfd(false, 1000, 1000, 3);
  }
}
