package io.netctl.anp.compile;

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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Random events over a small universe of names, so that events collide: the same pods, labels and policies recur. */
final class RandomCluster {
  static final String[] NS = {"ns0", "ns1", "ns2"};
  static final String[] PODS = {"p0", "p1", "p2", "p3", "p4", "p5"};
  static final String[] NODES = {"n0", "n1"};
  static final String[] DOMAINS = {"a.example.com", "*.example.org"};

  private RandomCluster() {}

  /** The event a seed stands for. */
  static ClusterEvent event(int seed) {
    Random r = new Random(seed);
    int kind = r.nextInt(100);
    if (kind < 12) {
      ObjectRef ref = randomRef(r);
      return new ClusterEvent.Delete(ref);
    }
    if (kind < 20) {
      return new ClusterEvent.Upsert(namespace(r));
    }
    if (kind < 55) {
      return new ClusterEvent.Upsert(pod(r));
    }
    if (kind < 60) {
      return new ClusterEvent.Upsert(node(r));
    }
    if (kind < 65) {
      List<String> ips = new ArrayList<>();
      for (int i = r.nextInt(3); i > 0; i--) {
        ips.add(r.nextBoolean() ? "192.0.2." + r.nextInt(4) : "2001:db8::" + r.nextInt(4));
      }
      return new ClusterEvent.DomainResolved(DOMAINS[r.nextInt(DOMAINS.length)], ips);
    }
    return new ClusterEvent.Upsert(policy(r));
  }

  private static ObjectRef randomRef(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> ObjectRef.cluster(Kind.NAMESPACE, pick(r, NS));
      case 1, 2 -> new ObjectRef(Kind.POD, pick(r, NS), pick(r, PODS));
      case 3 -> ObjectRef.cluster(Kind.NODE, pick(r, NODES));
      default -> policyRef(r, r.nextInt(6));
    };
  }

  private static ObjectRef policyRef(Random r, int which) {
    return switch (which) {
      case 0, 1, 2 -> ObjectRef.cluster(Kind.ADMIN_NETWORK_POLICY, "anp" + which);
      case 3 -> ObjectRef.cluster(Kind.BASELINE_ADMIN_NETWORK_POLICY, "default");
      case 4 -> ObjectRef.cluster(Kind.CLUSTER_NETWORK_POLICY, "cnp" + r.nextInt(2));
      default -> new ObjectRef(Kind.NETWORK_POLICY, "ns0", "np0");
    };
  }

  private static String pick(Random r, String[] a) {
    return a[r.nextInt(a.length)];
  }

  private static Map<String, String> labels(Random r, String k1, String[] v1, String k2, String[] v2) {
    Map<String, String> m = new TreeMap<>();
    if (r.nextInt(4) != 0) {
      m.put(k1, pick(r, v1));
    }
    if (r.nextBoolean()) {
      m.put(k2, pick(r, v2));
    }
    return m;
  }

  static Namespace namespace(Random r) {
    return new Namespace(pick(r, NS), labels(r, "env", new String[] {"prod", "dev"}, "team", new String[] {"x", "y"}));
  }

  static Pod pod(Random r) {
    List<String> ips = new ArrayList<>();
    if (r.nextInt(5) != 0) {
      ips.add("10.0.0." + (1 + r.nextInt(8)));
    }
    if (r.nextInt(4) == 0) {
      ips.add("fd00::" + (1 + r.nextInt(4)));
    }
    List<ContainerPort> ports = new ArrayList<>();
    if (r.nextBoolean()) {
      ports.add(new ContainerPort("http", 8000 + r.nextInt(3), Protocol.TCP));
    }
    if (r.nextInt(3) == 0) {
      ports.add(new ContainerPort("dns", 53, r.nextBoolean() ? Protocol.UDP : Protocol.TCP));
    }
    return new Pod(
        pick(r, NS),
        pick(r, PODS),
        new TreeMap<>(labels(r, "app", new String[] {"a", "b", "c"}, "tier", new String[] {"1", "2"})),
        "",
        r.nextInt(10) == 0,
        ports,
        ips,
        r.nextInt(15) == 0);
  }

  static Node node(Random r) {
    List<String> addrs = new ArrayList<>();
    addrs.add("172.18.0." + r.nextInt(4));
    if (r.nextBoolean()) {
      addrs.add("10.0.0." + (1 + r.nextInt(8))); // overlaps pod IPs: refcounts must hold
    }
    return new Node(pick(r, NODES), new TreeMap<>(labels(r, "role", new String[] {"w", "i"}, "zone", new String[] {"z1"})), addrs);
  }

  static LabelSelector selector(Random r, String k, String[] values) {
    return switch (r.nextInt(5)) {
      case 0 -> LabelSelector.ALL;
      case 1, 2 -> LabelSelector.of(Map.of(k, pick(r, values)));
      case 3 -> new LabelSelector(new TreeMap<>(), List.of(new LabelSelector.Requirement(k, LabelSelector.Operator.IN,
          new TreeSet<>(List.of(pick(r, values), pick(r, values))))));
      default -> new LabelSelector(new TreeMap<>(), List.of(new LabelSelector.Requirement(k,
          r.nextBoolean() ? LabelSelector.Operator.NOT_IN : LabelSelector.Operator.EXISTS,
          r.nextBoolean() ? new TreeSet<>(Set.of(pick(r, values))) : new TreeSet<>())));
    };
  }

  static PodSelection selection(Random r) {
    return PodSelection.of(selector(r, "env", new String[] {"prod", "dev"}), selector(r, "app", new String[] {"a", "b", "c"}));
  }

  static Policy policy(Random r) {
    ObjectRef ref = policyRef(r, r.nextInt(6));
    PolicyKind kind = switch (ref.kind()) {
      case ADMIN_NETWORK_POLICY -> PolicyKind.ADMIN_NETWORK_POLICY;
      case BASELINE_ADMIN_NETWORK_POLICY -> PolicyKind.BASELINE_ADMIN_NETWORK_POLICY;
      case CLUSTER_NETWORK_POLICY -> r.nextBoolean()
          ? PolicyKind.CLUSTER_NETWORK_POLICY_ADMIN : PolicyKind.CLUSTER_NETWORK_POLICY_BASELINE;
      default -> PolicyKind.NETWORK_POLICY;
    };
    boolean np = kind == PolicyKind.NETWORK_POLICY;
    PodSelection subject = np ? PodSelection.inNamespace("ns0", selector(r, "app", new String[] {"a", "b"})) : selection(r);
    List<Rule> in = new ArrayList<>();
    List<Rule> eg = new ArrayList<>();
    int[] prios = {0, 1, 5, 99, 150, 999, 1000};
    for (Direction d : Direction.values()) {
      int n = r.nextInt(np ? 3 : 4);
      for (int i = 0; i < n; i++) {
        Action a = np ? Action.ALLOW : switch (r.nextInt(3)) {
          case 0 -> Action.ALLOW;
          case 1 -> Action.DENY;
          default -> kind.tier() == io.netctl.anp.api.Tier.ADMIN ? Action.PASS : Action.DENY;
        };
        List<Peer> peers = new ArrayList<>();
        for (int k = 1 + r.nextInt(2); k > 0; k--) {
          peers.add(peer(r, d, a, np));
        }
        (d == Direction.INGRESS ? in : eg).add(new Rule(i, r.nextBoolean() ? "r" + i : "", a, peers, ports(r, peers)));
      }
    }
    List<Direction> isolates = np ? List.of(Direction.INGRESS, Direction.EGRESS).subList(0, 1 + r.nextInt(2)) : List.of();
    AclLogging logging = r.nextInt(4) == 0 ? new AclLogging(Map.of(Action.DENY, "alert"), null) : AclLogging.NONE;
    return new Policy(ref, kind, np || kind == PolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? 0 : prios[r.nextInt(prios.length)],
        subject, in, eg, isolates, logging);
  }

  private static Peer peer(Random r, Direction d, Action a, boolean np) {
    int k = r.nextInt(d == Direction.EGRESS ? 8 : 4);
    if (np && k >= 4) {
      k = r.nextBoolean() ? 1 : 6;
    }
    return switch (k) {
      case 0 -> new Peer.Pods(PodSelection.of(selector(r, "env", new String[] {"prod", "dev"}), LabelSelector.ALL));
      case 1, 2 -> new Peer.Pods(np ? PodSelection.inNamespace("ns0", selector(r, "app", new String[] {"a", "c"})) : selection(r));
      case 3 -> np ? new Peer.Any() : new Peer.Unknown("futureField");
      case 4 -> new Peer.Nodes(selector(r, "role", new String[] {"w", "i"}));
      case 5 -> a == Action.ALLOW ? new Peer.DomainNames(List.of(pick(r, DOMAINS))) : new Peer.Networks(List.of("10.0.0.0/29"), List.of());
      case 6 -> new Peer.Networks(List.of(r.nextBoolean() ? "10.0.0.0/30" : "0.0.0.0/0"),
          np && r.nextBoolean() ? List.of("10.0.0.1") : List.of());
      default -> new Peer.Networks(List.of("10.0.0." + (1 + r.nextInt(8))), List.of()); // overlaps pod IPs
    };
  }

  private static List<PortSpec> ports(Random r, List<Peer> peers) {
    boolean podPeersOnly = peers.stream().allMatch(p -> p instanceof Peer.Pods);
    List<PortSpec> ports = new ArrayList<>();
    for (int n = r.nextInt(3); n > 0; n--) {
      switch (r.nextInt(4)) {
        case 0 -> ports.add(new PortSpec.Number(Protocol.values()[r.nextInt(3)], 80 + r.nextInt(2)));
        case 1 -> ports.add(new PortSpec.Range(Protocol.TCP, 8000, 8001 + r.nextInt(3)));
        default -> {
          if (podPeersOnly) {
            ports.add(new PortSpec.Named(r.nextBoolean() ? "http" : "dns", null));
          }
        }
      }
    }
    return ports;
  }

  /** Applies an event to a plain model of the cluster, as the ground truth for a full compile. */
  static void applyTo(Map<ObjectRef, ClusterObject> world, Map<String, List<String>> domains, ClusterEvent e) {
    if (e instanceof ClusterEvent.Upsert u) {
      world.put(u.object().ref(), u.object());
    } else if (e instanceof ClusterEvent.Delete d) {
      world.remove(d.ref());
    } else if (e instanceof ClusterEvent.DomainResolved dr) {
      domains.put(dr.domain(), dr.addresses());
    }
  }
}
