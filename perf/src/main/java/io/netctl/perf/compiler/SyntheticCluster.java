package io.netctl.perf.compiler;

import io.netctl.anp.api.AclLogging;
import io.netctl.anp.api.Action;
import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.ContainerPort;
import io.netctl.anp.api.Direction;
import io.netctl.anp.api.Kind;
import io.netctl.anp.api.LabelSelector;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Node;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.api.Peer;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.PodSelection;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.PolicyKind;
import io.netctl.anp.api.PortSpec;
import io.netctl.anp.api.Protocol;
import io.netctl.anp.api.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A synthetic cluster for benchmarks: namespaces with team/env/tier labels, pods with app/role/version labels and
 * named ports, nodes, ANPs whose subjects and peers mix namespace and pod selectors, and one BANP. Deterministic for a
 * seed, so runs compare.
 */
public final class SyntheticCluster {
  public final List<Namespace> namespaces = new ArrayList<>();
  public final List<Pod> pods = new ArrayList<>();
  public final List<Node> nodes = new ArrayList<>();
  public final List<Policy> policies = new ArrayList<>();

  static final String[] ENVS = {"prod", "staging", "dev"};
  static final String[] TIERS = {"web", "api", "data", "ops"};
  static final String[] ROLES = {"frontend", "backend", "worker", "db"};

  public static SyntheticCluster generate(int namespaceCount, int podCount, int anpCount, int rulesPerAnp, long seed) {
    SyntheticCluster c = new SyntheticCluster();
    Random r = new Random(seed);
    for (int i = 0; i < namespaceCount; i++) {
      c.namespaces.add(new Namespace("ns-" + i, Map.of("team", "t" + (i % 50), "env", ENVS[i % 3], "tier", TIERS[i % 4])));
    }
    for (int j = 0; j < podCount; j++) {
      int ns = j % namespaceCount;
      TreeMap<String, String> labels = new TreeMap<>();
      labels.put("app", "a" + (j / namespaceCount % 20));
      labels.put("role", ROLES[j % 4]);
      labels.put("version", "v" + (j % 3));
      List<ContainerPort> ports = List.of(
          new ContainerPort("http", 8080 + (j % 3), Protocol.TCP), new ContainerPort("metrics", 9100, Protocol.TCP));
      String ip = "10." + (16 + j / 65536) + "." + (j / 256 % 256) + "." + (j % 256);
      c.pods.add(new Pod("ns-" + ns, "pod-" + j, labels, "node-" + (j % 50), false, ports, List.of(ip), false));
    }
    for (int n = 0; n < 50; n++) {
      c.nodes.add(new Node("node-" + n, new TreeMap<>(Map.of("zone", "z" + (n % 3))), List.of("172.18." + (n / 256) + "." + (n % 256))));
    }
    for (int p = 0; p < anpCount; p++) {
      c.policies.add(anp(p, rulesPerAnp, r));
    }
    c.policies.add(banp());
    return c;
  }

  private static LabelSelector sel(String k, String v) {
    return LabelSelector.of(Map.of(k, v));
  }

  private static Policy anp(int p, int rules, Random r) {
    PodSelection subject = switch (p % 3) {
      case 0 -> PodSelection.of(sel("team", "t" + r.nextInt(50)), LabelSelector.ALL);
      case 1 -> PodSelection.of(sel("env", ENVS[r.nextInt(3)]), sel("app", "a" + r.nextInt(20)));
      default -> PodSelection.of(sel("tier", TIERS[r.nextInt(4)]), sel("app", "a" + r.nextInt(20)));
    };
    List<Rule> ingress = new ArrayList<>();
    List<Rule> egress = new ArrayList<>();
    for (int i = 0; i < rules; i++) {
      Direction d = i % 2 == 0 ? Direction.INGRESS : Direction.EGRESS;
      List<Rule> list = d == Direction.INGRESS ? ingress : egress;
      Action a = switch (r.nextInt(5)) {
        case 0, 1 -> Action.ALLOW;
        case 2, 3 -> Action.DENY;
        default -> Action.PASS;
      };
      Peer peer = switch (r.nextInt(d == Direction.EGRESS ? 5 : 3)) {
        case 0 -> new Peer.Pods(PodSelection.of(sel("team", "t" + r.nextInt(50)), LabelSelector.ALL));
        case 1 -> new Peer.Pods(PodSelection.of(sel("env", ENVS[r.nextInt(3)]), sel("app", "a" + r.nextInt(20))));
        case 2 -> new Peer.Pods(PodSelection.of(sel("tier", TIERS[r.nextInt(4)]), sel("app", "a" + r.nextInt(20))));
        case 3 -> new Peer.Networks(List.of("192.168." + r.nextInt(256) + ".0/24"), List.of());
        default -> new Peer.Nodes(sel("zone", "z" + r.nextInt(3)));
      };
      List<PortSpec> ports = switch (r.nextInt(4)) {
        case 0 -> List.of();
        case 1 -> List.of(new PortSpec.Number(Protocol.TCP, 443));
        case 2 -> List.of(new PortSpec.Number(Protocol.TCP, 80), new PortSpec.Number(Protocol.UDP, 53));
        default -> peer instanceof Peer.Pods ? List.of(new PortSpec.Named("http", null)) : List.of(new PortSpec.Range(Protocol.TCP, 8000, 8999));
      };
      list.add(new Rule(list.size(), "r" + i, a, List.of(peer), ports));
    }
    return new Policy(ObjectRef.cluster(Kind.ADMIN_NETWORK_POLICY, "anp-" + p), PolicyKind.ADMIN_NETWORK_POLICY,
        p % 1001, subject, ingress, egress, List.of(), AclLogging.NONE);
  }

  private static Policy banp() {
    return new Policy(ObjectRef.cluster(Kind.BASELINE_ADMIN_NETWORK_POLICY, "default"), PolicyKind.BASELINE_ADMIN_NETWORK_POLICY,
        0, PodSelection.of(sel("env", "prod"), LabelSelector.ALL),
        List.of(new Rule(0, "deny-other-envs", Action.DENY, List.of(new Peer.Pods(PodSelection.of(sel("env", "dev"), LabelSelector.ALL))), List.of())),
        List.of(), List.of(), AclLogging.NONE);
  }

  public List<ClusterObject> objects() {
    List<ClusterObject> all = new ArrayList<>(namespaces);
    all.addAll(nodes);
    all.addAll(pods);
    all.addAll(policies);
    return all;
  }
}
