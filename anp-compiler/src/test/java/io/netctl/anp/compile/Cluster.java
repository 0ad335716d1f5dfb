package io.netctl.anp.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.Protocol;
import io.netctl.anp.explain.AclEvaluator;
import io.netctl.anp.explain.Packet;
import io.netctl.anp.explain.Verdict;
import io.netctl.anp.yaml.YamlLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test fixture: YAML in, compiled rows and packet verdicts out. */
final class Cluster {
  final YamlLoader.LoadResult loaded;
  final CompileResult result;
  final AclEvaluator evaluator;
  final Map<String, Pod> pods = new HashMap<>();
  final LspNaming naming;

  private Cluster(String yaml, PolicyCompiler.Options options) {
    loaded = YamlLoader.load("test.yaml", yaml);
    assertThat(loaded.diagnostics()).filteredOn(d -> d.isError()).isEmpty();
    result = PolicyCompiler.compile(loaded.objects(), options);
    evaluator = new AclEvaluator(result.state());
    naming = options.lspNaming();
    for (ClusterObject o : loaded.objects()) {
      if (o instanceof Pod p) {
        pods.put(p.namespace() + "/" + p.name(), p);
      }
    }
  }

  static Cluster of(String yaml) {
    return new Cluster(yaml, PolicyCompiler.Options.DEFAULT);
  }

  static Cluster withNetworkPolicy(String yaml) {
    return new Cluster(yaml, new PolicyCompiler.Options(LspNaming.KUBE_OVN, true));
  }

  /** Verdict for a new connection from pod {@code from} ("ns/name") to pod {@code to} on a protocol and port. */
  Verdict connect(String from, String to, Protocol proto, int port) {
    Pod a = pod(from);
    Pod b = pod(to);
    return evaluator.evaluate(new Packet(naming.lspName(a), naming.lspName(b), a.ips().get(0), b.ips().get(0), proto, port));
  }

  /** Verdict for pod {@code from} sending to an address outside the switch (egress only; the receiver is no pod). */
  Verdict connectTo(String from, String ip, Protocol proto, int port) {
    Pod a = pod(from);
    return evaluator.evaluate(new Packet(naming.lspName(a), "external", a.ips().get(0), ip, proto, port));
  }

  boolean allowed(String from, String to, Protocol proto, int port) {
    return connect(from, to, proto, port).allowed();
  }

  Pod pod(String ref) {
    Pod p = pods.get(ref);
    assertThat(p).as("pod %s", ref).isNotNull();
    return p;
  }

  List<io.netctl.anp.diag.Diagnostic> diagnostics() {
    return result.diagnostics();
  }

  // ---- YAML snippets -------------------------------------------------------------------------------------------

  static String ns(String name, String labels) {
    return "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n  labels: " + labels + "\n";
  }

  static String pod(String ns, String name, String labels, String ip, String ports) {
    return "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n  labels: " + labels
        + "\nspec:\n  containers:\n  - name: c\n    ports: " + ports + "\nstatus:\n  podIPs:\n  - ip: " + ip + "\n";
  }

  static String pod(String ns, String name, String labels, String ip) {
    return pod(ns, name, labels, ip, "[]");
  }

  static String hostNetworkPod(String ns, String name, String labels, String ip) {
    return "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n  labels: " + labels
        + "\nspec:\n  hostNetwork: true\nstatus:\n  podIPs:\n  - ip: " + ip + "\n";
  }

  static String node(String name, String labels, String ip) {
    return "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: " + name + "\n  labels: " + labels
        + "\nstatus:\n  addresses:\n  - {type: InternalIP, address: " + ip + "}\n";
  }

  static String anp(String name, int priority, String subject, String body) {
    return "---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n  name: " + name
        + "\nspec:\n  priority: " + priority + "\n  subject: " + subject + "\n" + body;
  }

  static String banp(String subject, String body) {
    return "---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n"
        + "  name: default\nspec:\n  subject: " + subject + "\n" + body;
  }

  static String cnp(String name, String tier, int priority, String subject, String body) {
    return "---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: " + name
        + "\nspec:\n  tier: " + tier + "\n  priority: " + priority + "\n  subject: " + subject + "\n" + body;
  }

  static String np(String ns, String name, String body) {
    return "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " + name + "\n  namespace: "
        + ns + "\nspec:\n" + body;
  }
}
