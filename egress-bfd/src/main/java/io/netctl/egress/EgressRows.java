package io.netctl.egress;

import io.netctl.anp.api.IpAddresses;
import io.netctl.anp.api.IpAddresses.Family;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.PodSelection;
import io.netctl.egress.api.FailMode;
import io.netctl.egress.api.TrafficPolicy;
import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.LogicalRouterPolicy;
import io.netctl.ovn.nb.NbRow;
import io.netctl.ovn.nb.Ownership;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The OVN rows of one gateway: a pure function of its {@link EgressConfig}, the cluster objects and which instances
 * may carry traffic (the BFD view). The engine's full reconcile and its fast path both come from here, so they cannot
 * disagree: the fast path is taken exactly when the rows differ from the programmed ones only in nexthops.
 *
 * <p>Rows, per address family:
 * <ul>
 *   <li>Address_Set {@code egw_<hash>_ip4}: the selected pods' IPs and the source CIDRs;
 *   <li>reroute policy at {@link EgressPriorities#REROUTE}: {@code ip4.src == $set} and the destinations, nexthops =
 *       the usable instances;
 *   <li>with trafficPolicy Local, per node hosting an instance: Address_Set {@code egw_<hash>_<node hash>_ip4} of the
 *       selected pods on that node and a reroute policy at {@link EgressPriorities#LOCAL} to that node's usable
 *       instances;
 *   <li>with failMode Drop, a drop policy at {@link EgressPriorities#DROP} with the reroute policy's match.
 * </ul>
 */
public final class EgressRows {
  public static final String FAMILY = "netctl.io/family";
  public static final String NODE = "netctl.io/node";

  private EgressRows() {}

  /** A placed instance. */
  public record Instance(String name, String node, String ip) implements Comparable<Instance> {
    public Family family() {
      return IpAddresses.familyOf(ip);
    }

    @Override
    public int compareTo(Instance o) {
      int c = name.compareTo(o.name);
      return c != 0 ? c : ip.compareTo(o.ip);
    }
  }

  /** The cluster as placement and selection need it. */
  public record Cluster(
      Map<String, Namespace> namespaces, Map<String, Pod> pods, Map<String, EgressNode> nodes,
      List<String> clusterNetworks) {}

  /**
   * The rows of one gateway.
   *
   * @param instances the placed instances
   * @param rows Address_Sets and Logical_Router_Policies by {@link io.netctl.ovn.nb.RowRef} order
   */
  public record Result(List<Instance> instances, List<NbRow> rows) {}

  /** Where the instances are: explicit ones (unless their node is known and not Ready) and one per selected node. */
  public static List<Instance> place(EgressConfig c, Cluster cluster) {
    TreeSet<Instance> out = new TreeSet<>();
    Set<String> explicitNodes = new TreeSet<>();
    for (EgressConfig.InstanceSpec i : c.instances()) {
      EgressNode n = i.node().isEmpty() ? null : cluster.nodes().get(i.node());
      if (n != null && !n.ready()) {
        continue;
      }
      if (c.nodeSelector() != null && n != null && !c.nodeSelector().matches(n.labels())) {
        continue; // a nodeSelector narrows the explicit list too
      }
      out.add(new Instance(i.name(), i.node(), i.ip()));
      explicitNodes.add(i.node());
    }
    if (c.nodeSelector() != null) {
      for (EgressNode n : new TreeMap<>(cluster.nodes()).values()) {
        if (!n.ready() || !c.nodeSelector().matches(n.labels()) || explicitNodes.contains(n.name())) {
          continue;
        }
        Set<Family> seen = EnumSet.noneOf(Family.class);
        for (String ip : n.internalIps()) {
          String canon = IpAddresses.canonicalAddress(ip);
          if (canon != null && seen.add(IpAddresses.familyOf(canon))) {
            out.add(new Instance(seen.size() == 1 ? n.name() : n.name() + "-v6", n.name(), canon));
          }
        }
      }
    }
    return List.copyOf(out);
  }

  /** Whether the pod is a source of the gateway: selectable (not host-network, not terminated) and selected. */
  public static boolean selects(EgressConfig c, Cluster cluster, Pod p) {
    if (!p.selectable() || p.ips().isEmpty()) {
      return false;
    }
    Namespace ns = cluster.namespaces().get(p.namespace());
    if (ns == null) {
      ns = new Namespace(p.namespace(), Map.of());
    }
    for (PodSelection s : c.sources()) {
      if (s.matchesNamespace(ns) && s.pods().matches(p.labels())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The rows.
   *
   * @param usable whether an instance may carry traffic (BFD Up and hold-down over; always, without BFD)
   */
  public static Result rows(EgressConfig c, Cluster cluster, Predicate<Instance> usable) {
    List<Instance> instances = place(c, cluster);
    String h = hash(c.key());
    String owner = c.key();
    Map<Family, SortedSet<String>> sources = new TreeMap<>();
    Map<String, Map<Family, SortedSet<String>>> byNode = new TreeMap<>();
    Set<String> instanceNodes = new TreeSet<>();
    for (Instance i : instances) {
      if (!i.node().isEmpty()) {
        instanceNodes.add(i.node());
      }
    }
    for (String cidr : c.sourceCidrs()) {
      sources.computeIfAbsent(IpAddresses.familyOf(cidr), k -> new TreeSet<>()).add(cidr);
    }
    for (Pod p : new TreeMap<>(cluster.pods()).values()) {
      if (!selects(c, cluster, p)) {
        continue;
      }
      for (String ip : p.ips()) {
        Family f = IpAddresses.familyOf(ip);
        sources.computeIfAbsent(f, k -> new TreeSet<>()).add(ip);
        if (c.trafficPolicy() == TrafficPolicy.Local && instanceNodes.contains(p.nodeName())) {
          byNode.computeIfAbsent(p.nodeName(), k -> new TreeMap<>()).computeIfAbsent(f, k -> new TreeSet<>()).add(ip);
        }
      }
    }
    Set<Family> families = EnumSet.noneOf(Family.class);
    instances.forEach(i -> families.add(i.family()));
    families.addAll(sources.keySet());
    if (families.isEmpty()) {
      families.add(Family.V4);
    }
    List<NbRow> rows = new ArrayList<>();
    for (Family f : families) {
      String fam = f.ovn();
      String dst = destination(c, cluster, f);
      String asName = "egw_" + h + "_" + fam;
      rows.add(AddressSet.of(asName, sources.getOrDefault(f, new TreeSet<>()),
          Ownership.ids(Ownership.EGRESS_GATEWAY, owner, asName, FAMILY, fam)));
      String match = fam + ".src == $" + asName + dst;
      List<String> hops = new ArrayList<>();
      for (Instance i : instances) {
        if (i.family() == f && usable.test(i)) {
          hops.add(i.ip());
        }
      }
      rows.add(LogicalRouterPolicy.of(c.router(), EgressPriorities.REROUTE, match, LogicalRouterPolicy.Action.REROUTE,
          hops, Ownership.ids(Ownership.EGRESS_GATEWAY, owner, policyId(c, "reroute", fam, null), FAMILY, fam)));
      if (c.failMode() == FailMode.Drop) {
        rows.add(LogicalRouterPolicy.of(c.router(), EgressPriorities.DROP, match, LogicalRouterPolicy.Action.DROP,
            List.of(), Ownership.ids(Ownership.EGRESS_GATEWAY, owner, policyId(c, "drop", fam, null), FAMILY, fam)));
      }
      if (c.trafficPolicy() == TrafficPolicy.Local) {
        for (String node : instanceNodes) {
          String nodeAs = "egw_" + h + "_" + hash(node).substring(0, 8) + "_" + fam;
          SortedSet<String> ips = byNode.getOrDefault(node, Map.of()).getOrDefault(f, new TreeSet<>());
          rows.add(AddressSet.of(nodeAs, ips,
              Ownership.ids(Ownership.EGRESS_GATEWAY, owner, nodeAs, FAMILY, fam, NODE, node)));
          List<String> local = new ArrayList<>();
          for (Instance i : instances) {
            if (i.family() == f && node.equals(i.node()) && usable.test(i)) {
              local.add(i.ip());
            }
          }
          rows.add(LogicalRouterPolicy.of(c.router(), EgressPriorities.LOCAL, fam + ".src == $" + nodeAs + dst,
              LogicalRouterPolicy.Action.REROUTE, local,
              Ownership.ids(Ownership.EGRESS_GATEWAY, owner, policyId(c, "local", fam, node), FAMILY, fam, NODE,
                  node)));
        }
      }
    }
    return new Result(instances, rows);
  }

  /** A policy's {@link Ownership#ID}: {@code egw:<namespace>/<name>:<role>:<family>[:<node>]}. */
  public static String policyId(EgressConfig c, String role, String family, String node) {
    return "egw:" + c.key() + ":" + role + ":" + family + (node == null ? "" : ":" + node);
  }

  private static String destination(EgressConfig c, Cluster cluster, Family f) {
    List<String> dst = of(c.destinations(), f);
    if (!dst.isEmpty()) {
      return " && " + f.ovn() + ".dst == " + set(dst);
    }
    List<String> internal = of(cluster.clusterNetworks(), f);
    if (!internal.isEmpty()) {
      return " && " + f.ovn() + ".dst != " + set(internal);
    }
    return "";
  }

  private static List<String> of(Collection<String> cidrs, Family f) {
    List<String> out = new ArrayList<>();
    for (String s : new TreeSet<>(cidrs)) {
      if (IpAddresses.familyOf(s) == f) {
        out.add(s);
      }
    }
    return out;
  }

  private static String set(List<String> l) {
    return l.size() == 1 ? l.get(0) : "{" + String.join(", ", l) + "}";
  }

  /** 12 hex digits of SHA-256: Address_Set names are {@code [a-z0-9_]}, whatever the gateway is called. */
  static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows by key, for diffs. */
  static Map<String, NbRow> byRef(List<NbRow> rows) {
    Map<String, NbRow> m = new LinkedHashMap<>();
    for (NbRow r : rows) {
      m.put(r.ref().toString(), r);
    }
    return m;
  }
}
