package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.netctl.anp.api.Protocol;
import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.explain.AclEvaluator;
import io.netctl.anp.explain.Packet;
import io.netctl.anp.explain.Verdict;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.ovn.sandbox.OvnSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netctl apply} on a real OVN, checked with {@code ovn-trace}: every probe must be delivered or dropped as the
 * policies say, and {@link AclEvaluator} must agree with ovn-trace on each one. The scenarios run in order against one
 * NB, each a whole desired state applied over the previous one, so they also test edits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApplySemanticsIT {
  static final String LS = "cluster";

  /** A logical switch port: pod {@code <pod>.<namespace>}, or the node and the outside host. */
  record Endpoint(String lsp, String mac, String ip) {}

  static final Map<String, Endpoint> EP = new LinkedHashMap<>();

  static {
    ep("web", "prod-a", "10.0.1.1");
    ep("db", "prod-a", "10.0.1.2");
    ep("api", "prod-b", "10.0.2.1");
    ep("worker", "prod-b", "10.0.2.2");
    ep("shell", "dev", "10.0.3.1");
    EP.put("node", new Endpoint("node-1", "0a:00:00:00:fe:01", "172.18.0.2"));
    EP.put("ext", new Endpoint("ext", "0a:00:00:00:fe:02", "192.168.100.10"));
  }

  static void ep(String pod, String ns, String ip) {
    String last = ip.substring(ip.lastIndexOf('.') + 1);
    String third = ip.split("\\.")[2];
    EP.put(pod, new Endpoint(pod + "." + ns, String.format("0a:00:00:00:%02x:%02x", Integer.parseInt(third),
        Integer.parseInt(last)), ip));
  }

  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static int traces;

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.INSTALL_HINT + ": " + e.getMessage(), e);
    }
    List<String> args = new ArrayList<>(List.of("ls-add", LS));
    for (Endpoint e : EP.values()) {
      args.addAll(List.of("--", "lsp-add", LS, e.lsp(), "--", "lsp-set-addresses", e.lsp(), e.mac() + " " + e.ip()));
    }
    sandbox.nbctl(args.toArray(new String[0]));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  // ---- the cluster -------------------------------------------------------------------------------------------------

  static String cluster(String devLabels) {
    return ns("prod-a", "{env: prod, team: a}") + ns("prod-b", "{env: prod, team: b}") + ns("dev", devLabels)
        + pod("web", "prod-a", "{app: web}", "[{name: http, containerPort: 8080}]")
        + pod("db", "prod-a", "{app: db}", "[{name: pg, containerPort: 5432}, {name: dns, containerPort: 53, protocol: UDP}]")
        + pod("api", "prod-b", "{app: api}", "[{name: api, containerPort: 9000}, {name: sig, containerPort: 7000,"
            + " protocol: SCTP}]")
        + pod("worker", "prod-b", "{app: worker}", "[{name: metrics, containerPort: 9100}]")
        + pod("shell", "dev", "{app: shell}", "[]")
        + """
        apiVersion: v1
        kind: Node
        metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
        status:
          addresses: [{type: InternalIP, address: 172.18.0.2}]
        ---
        """;
  }

  static String ns(String name, String labels) {
    return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: " + labels + "}\n---\n";
  }

  static String pod(String name, String ns, String labels, String ports) {
    String ip = EP.get(name).ip();
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: " + ns + ", labels: " + labels + "}\n"
        + "spec:\n  nodeName: node-1\n  containers:\n  - {name: main, image: app, ports: " + ports + "}\n"
        + "status:\n  phase: Running\n  podIP: " + ip + "\n  podIPs: [{ip: " + ip + "}]\n---\n";
  }

  // ---- applying and probing ----------------------------------------------------------------------------------------

  static Cli.Run netctl(String... args) {
    return Cli.run(args);
  }

  /** Applies cluster + policies (twice: the second run must change nothing) and returns the evaluator. */
  static AclEvaluator apply(String name, String yaml, boolean networkPolicy) throws Exception {
    Path f = tmp.resolve(name + ".yaml");
    Files.writeString(f, yaml);
    List<String> args = new ArrayList<>(List.of("apply", "--nb", sandbox.nbRemote(), "-f", f.toString()));
    if (networkPolicy) {
      args.add("--networkpolicy");
    }
    Cli.Run r = netctl(args.toArray(new String[0]));
    assertThat(r.exit()).as("%s\n%s", r.out(), r.err()).isZero();
    assertThat(r.err()).doesNotContain("warning:", "error:");
    Cli.Run again = netctl(args.toArray(new String[0]));
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("0 transaction(s)").contains("the Northbound already matches");
    sandbox.syncSb();
    PolicyCompiler.Options o = new PolicyCompiler.Options(LspNaming.KUBE_OVN, networkPolicy);
    return new AclEvaluator(
        CompileCommand.compile(List.of(new YamlLoader.Source(f.toString(), yaml)), o).state());
  }

  /** ovn-trace and the evaluator must both say {@code delivered}. */
  static void probe(AclEvaluator ev, String from, String to, Protocol p, int port, boolean delivered) throws Exception {
    Endpoint a = EP.get(from);
    Endpoint b = EP.get(to);
    String flow = "inport == \"" + a.lsp() + "\" && eth.src == " + a.mac() + " && eth.dst == " + b.mac()
        + " && ip4.src == " + a.ip() + " && ip4.dst == " + b.ip() + " && ip.ttl == 64 && " + p.ovn() + " && "
        + p.ovn() + ".dst == " + port;
    String out = sandbox.trace(LS, flow);
    traces++;
    boolean traced = out.contains("output(\"" + b.lsp() + "\")");
    Verdict v = ev.evaluate(new Packet(a.lsp(), b.lsp(), a.ip(), b.ip(), p, port));
    String what = from + " -> " + to + " " + p + "/" + port;
    assertThat(traced).as("ovn-trace: %s\n%s", what, out).isEqualTo(delivered);
    assertThat(v.allowed()).as("AclEvaluator agrees with ovn-trace on %s: %s", what, v).isEqualTo(traced);
  }

  // ---- scenarios -----------------------------------------------------------------------------------------------------

  static final String INGRESS = """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: deny-dev}
      spec:
        priority: 10
        subject: {namespaces: {matchLabels: {env: prod}}}
        ingress:
        - {name: deny-from-dev, action: Deny, from: [{namespaces: {matchLabels: {env: dev}}}]}
      ---
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: dns-to-db}
      spec:
        priority: 5
        subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}
        ingress:
        - name: dns-from-dev
          action: Allow
          from: [{namespaces: {matchLabels: {env: dev}}}]
          ports: [{portNumber: {protocol: UDP, port: 53}}]
      ---
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: no-sctp-signalling}
      spec:
        priority: 150
        subject: {namespaces: {matchLabels: {team: b}}}
        ingress:
        - name: no-sig
          action: Deny
          from: [{namespaces: {matchLabels: {env: prod}}}]
          ports: [{portNumber: {protocol: SCTP, port: 7000}}]
      ---
      """;

  @Test
  @Order(1)
  void ingressProtocolsAndPriorities() throws Exception {
    AclEvaluator ev = apply("s1", cluster("{env: dev}") + INGRESS, false);
    probe(ev, "shell", "web", Protocol.TCP, 8080, false);
    probe(ev, "shell", "db", Protocol.UDP, 53, true); // priority 5 beats priority 10
    probe(ev, "shell", "db", Protocol.TCP, 53, false);
    probe(ev, "shell", "db", Protocol.UDP, 54, false);
    probe(ev, "web", "api", Protocol.SCTP, 7000, false); // priority 150: above what 30000 - 100 * p allows
    probe(ev, "web", "api", Protocol.SCTP, 7001, true);
    probe(ev, "web", "api", Protocol.TCP, 7000, true);
    probe(ev, "web", "api", Protocol.UDP, 7000, true);
    probe(ev, "web", "shell", Protocol.TCP, 22, true); // dev is no subject
  }

  @Test
  @Order(2)
  void relabelingANamespace() throws Exception {
    AclEvaluator ev = apply("s1b", cluster("{env: staging}") + INGRESS, false);
    probe(ev, "shell", "web", Protocol.TCP, 8080, true);
    probe(ev, "shell", "db", Protocol.TCP, 53, true);
    ev = apply("s1c", cluster("{env: dev}") + INGRESS, false);
    probe(ev, "shell", "web", Protocol.TCP, 8080, false);
  }

  @Test
  @Order(3)
  void egressNetworksNodesAndNamedPorts() throws Exception {
    String policies = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: egress-team-a}
        spec:
          priority: 20
          subject: {namespaces: {matchLabels: {team: a}}}
          egress:
          - {name: no-ext, action: Deny, to: [{networks: [192.168.100.0/24]}]}
          - name: kubelet
            action: Allow
            to: [{nodes: {}}]
            ports: [{portNumber: {protocol: TCP, port: 10250}}]
          - {name: no-nodes, action: Deny, to: [{nodes: {}}]}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: team-b-api}
        spec:
          priority: 30
          subject: {namespaces: {matchLabels: {team: b}}}
          ingress:
          - name: api-port
            action: Allow
            from: [{namespaces: {matchLabels: {team: a}}}]
            ports: [{namedPort: api}]
          - {name: nothing-else, action: Deny, from: [{namespaces: {matchLabels: {team: a}}}]}
        ---
        """;
    AclEvaluator ev = apply("s2", cluster("{env: dev}") + policies, false);
    probe(ev, "web", "ext", Protocol.TCP, 443, false);
    probe(ev, "api", "ext", Protocol.TCP, 443, true);
    probe(ev, "web", "node", Protocol.TCP, 10250, true);
    probe(ev, "web", "node", Protocol.TCP, 22, false);
    probe(ev, "web", "api", Protocol.TCP, 9000, true); // api declares "api": 9000
    probe(ev, "web", "api", Protocol.TCP, 9001, false);
    probe(ev, "web", "worker", Protocol.TCP, 9000, false); // worker does not declare "api"
    probe(ev, "shell", "api", Protocol.TCP, 9001, true);
  }

  static String delegate(boolean passFirst) {
    String pass = """
          - name: pass-api
            action: Pass
            from: [{namespaces: {matchLabels: {env: prod}}}]
            ports: [{portNumber: {protocol: TCP, port: 9000}}]
        """;
    String deny = "  - {name: deny-prod, action: Deny, from: [{namespaces: {matchLabels: {env: prod}}}]}\n";
    return """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: delegate}
        spec:
          priority: 500
          subject: {namespaces: {matchLabels: {env: prod}}}
          ingress:
        """ + (passFirst ? pass + deny : deny + pass) + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api-from-web, namespace: prod-b}
        spec:
          podSelector: {matchLabels: {app: api}}
          policyTypes: [Ingress]
          ingress:
          - from: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {app: web}}}]
            ports: [{port: 9000, protocol: TCP}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject: {namespaces: {matchLabels: {env: prod}}}
          ingress:
          - name: ssh-from-dev
            action: Allow
            from: [{namespaces: {matchLabels: {env: dev}}}]
            ports: [{portNumber: {protocol: TCP, port: 22}}]
          - {name: deny-all, action: Deny, from: [{namespaces: {}}]}
        ---
        """;
  }

  @Test
  @Order(4)
  void passFallsThroughToNetworkPolicyThenBaseline() throws Exception {
    AclEvaluator ev = apply("s3", cluster("{env: dev}") + delegate(true), true);
    probe(ev, "web", "api", Protocol.TCP, 9000, true); // Pass -> NetworkPolicy allows
    probe(ev, "worker", "api", Protocol.TCP, 9000, false); // Pass -> NetworkPolicy isolates api
    probe(ev, "web", "worker", Protocol.TCP, 9000, false); // Pass -> no NetworkPolicy -> BANP deny-all
    probe(ev, "web", "db", Protocol.TCP, 5432, false); // ANP deny-prod
    probe(ev, "shell", "worker", Protocol.TCP, 22, true); // no ANP -> no NP -> BANP allow
    probe(ev, "shell", "worker", Protocol.TCP, 23, false); // BANP deny-all
  }

  @Test
  @Order(5)
  void reorderingRules() throws Exception {
    AclEvaluator ev = apply("s3b", cluster("{env: dev}") + delegate(false), true);
    probe(ev, "web", "api", Protocol.TCP, 9000, false); // deny-prod now comes first
    probe(ev, "shell", "worker", Protocol.TCP, 22, true);
  }

  static String dbPolicies(int allowPriority) {
    return """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: allow-web-db}
        spec:
          priority: %d
          subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}
          ingress:
          - name: pg
            action: Allow
            from: [{namespaces: {matchLabels: {team: a}}}]
            ports: [{portNumber: {protocol: TCP, port: 5432}}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: deny-to-db}
        spec:
          priority: 300
          subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}
          ingress:
          - {name: all, action: Deny, from: [{namespaces: {}}]}
        ---
        """.formatted(allowPriority);
  }

  @Test
  @Order(6)
  void changingAPriority() throws Exception {
    AclEvaluator ev = apply("s4", cluster("{env: dev}") + dbPolicies(400), false);
    probe(ev, "web", "db", Protocol.TCP, 5432, false); // 300 beats 400
    ev = apply("s4b", cluster("{env: dev}") + dbPolicies(200), false);
    probe(ev, "web", "db", Protocol.TCP, 5432, true); // 200 beats 300
    probe(ev, "shell", "db", Protocol.TCP, 5432, false);
    ev = apply("s4c", cluster("{env: dev}") + dbPolicies(999), false);
    probe(ev, "web", "db", Protocol.TCP, 5432, false);
  }

  @Test
  @Order(7)
  void emptyInputRemovesEverything() throws Exception {
    AclEvaluator ev = apply("s5", cluster("{env: dev}"), false);
    probe(ev, "shell", "db", Protocol.TCP, 5432, true);
    assertThat(sandbox.nbctl("--bare", "--columns=_uuid", "list", "ACL")).isBlank();
    assertThat(sandbox.nbctl("--bare", "--columns=_uuid", "list", "Port_Group")).isBlank();
    assertThat(traces).isGreaterThan(30);
  }
}
