package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.netctl.ovn.sandbox.OvnSandbox;
import io.netctl.ovn.sandbox.PodAgent;
import io.netctl.ovn.sandbox.PodAgent.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netctl apply} into the data-plane sandbox, checked with real TCP and UDP between pod namespaces: an allowed
 * connection completes, a denied one times out (OVN's {@code drop} is silent, so never "refused"). Each scenario is a
 * whole desired state applied over the previous one. The pods are those of {@link ApplySemanticsIT}, on one logical
 * switch, each a network namespace plugged into br-int and running a {@link PodAgent} that listens on every port the
 * scenarios probe.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataplanePolicyIT {
  static final String LS = "cluster";
  /** A denied probe costs this much; allowed ones answer within milliseconds. */
  static final int DENY_TIMEOUT_MS = 250;
  static final int[] TCP_PORTS = {22, 23, 53, 5432, 8080, 9000, 9001};
  static final int[] UDP_PORTS = {53, 54};

  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static final Map<String, PodAgent> agents = new LinkedHashMap<>();
  static int probes;

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.startDataplane(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.DATAPLANE_HINT + ": " + e.getMessage(), e);
    }
    sandbox.nbctl("ls-add", LS);
    ExecutorService pool = Executors.newFixedThreadPool(ApplySemanticsIT.EP.size());
    try {
      Map<String, Future<PodAgent>> started = new LinkedHashMap<>();
      for (var e : ApplySemanticsIT.EP.entrySet()) {
        if (!e.getValue().lsp().contains(".")) {
          continue; // the node and the outside host are not pods here
        }
        ApplySemanticsIT.Endpoint ep = e.getValue();
        OvnSandbox.Port port = sandbox.addPort(ep.lsp(), ep.mac(), ep.ip() + "/16", null, LS);
        started.put(e.getKey(), pool.submit(() -> {
          PodAgent a = PodAgent.start(port.netns());
          for (int p : TCP_PORTS) {
            a.listenTcp(p);
          }
          for (int p : UDP_PORTS) {
            a.listenUdp(p);
          }
          return a;
        }));
      }
      for (var e : started.entrySet()) {
        agents.put(e.getKey(), e.getValue().get());
      }
    } finally {
      pool.shutdown();
    }
    sandbox.syncHv();
  }

  @AfterAll
  static void stop() throws Exception {
    agents.values().forEach(PodAgent::close);
    if (sandbox != null) {
      sandbox.close(); // deletes the pod namespaces and the data-plane namespace
    }
  }

  static void apply(String name, String yaml, boolean networkPolicy) throws Exception {
    Path f = tmp.resolve(name + ".yaml");
    Files.writeString(f, yaml);
    List<String> args = new ArrayList<>(List.of("apply", "--nb", sandbox.nbRemote(), "-f", f.toString()));
    if (networkPolicy) {
      args.add("--networkpolicy");
    }
    Cli.Run r = Cli.run(args.toArray(new String[0]));
    assertThat(r.exit()).as("%s\n%s", r.out(), r.err()).isZero();
    sandbox.syncHv(); // the flows are in br-int when this returns
  }

  static void tcp(String from, String to, int port, boolean allowed) throws Exception {
    String ip = ApplySemanticsIT.EP.get(to).ip();
    Outcome o = agents.get(from).tcp(ip, port, DENY_TIMEOUT_MS);
    probes++;
    assertThat(o).as("TCP %s -> %s:%d", from, to, port).isEqualTo(allowed ? Outcome.OPEN : Outcome.TIMEOUT);
  }

  static void udp(String from, String to, int port, boolean allowed) throws Exception {
    String ip = ApplySemanticsIT.EP.get(to).ip();
    Outcome o = agents.get(from).udp(ip, port, DENY_TIMEOUT_MS);
    probes++;
    assertThat(o).as("UDP %s -> %s:%d", from, to, port).isEqualTo(allowed ? Outcome.REPLY : Outcome.TIMEOUT);
  }

  @Test
  @Order(1)
  void withoutPoliciesEverythingFlows() throws Exception {
    apply("s0", ApplySemanticsIT.cluster("{env: dev}"), false);
    tcp("shell", "web", 8080, true);
    udp("shell", "db", 54, true);
    tcp("web", "api", 9001, true);
  }

  @Test
  @Order(2)
  void allowAndDenyByPriority() throws Exception {
    apply("s1", ApplySemanticsIT.cluster("{env: dev}") + ApplySemanticsIT.INGRESS, false);
    tcp("shell", "web", 8080, false); // deny-dev
    udp("shell", "db", 53, true); // priority 5 allows DNS over UDP before priority 10 denies
    tcp("shell", "db", 53, false);
    udp("shell", "db", 54, false);
    tcp("web", "shell", 22, true); // dev is no subject; the reply of an allowed connection is not dropped
    tcp("web", "api", 9000, true);
  }

  @Test
  @Order(3)
  void egressDenyAndNamedPorts() throws Exception {
    String policies = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: egress-team-a}
        spec:
          priority: 20
          subject: {namespaces: {matchLabels: {team: a}}}
          egress:
          - {name: no-dev-net, action: Deny, to: [{networks: [10.0.3.0/24]}]}
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
    apply("s2", ApplySemanticsIT.cluster("{env: dev}") + policies, false);
    tcp("web", "shell", 22, false); // egress deny to the network
    tcp("api", "shell", 22, true); // team b is no subject of the egress rule
    tcp("web", "api", 9000, true); // api declares the named port "api": 9000
    tcp("web", "api", 9001, false);
    tcp("web", "worker", 9000, false); // worker does not declare "api"
    tcp("shell", "api", 9001, true);
  }

  @Test
  @Order(4)
  void passFallsThroughToNetworkPolicyThenBaseline() throws Exception {
    apply("s3", ApplySemanticsIT.cluster("{env: dev}") + ApplySemanticsIT.delegate(true), true);
    tcp("web", "api", 9000, true); // Pass -> NetworkPolicy allows web
    tcp("worker", "api", 9000, false); // Pass -> NetworkPolicy isolates api
    tcp("web", "worker", 9000, false); // Pass -> no NetworkPolicy -> BANP deny-all
    tcp("web", "db", 5432, false); // ANP deny-prod
    tcp("shell", "worker", 22, true); // no ANP -> no NetworkPolicy -> BANP allows SSH from dev
    tcp("shell", "worker", 23, false); // BANP deny-all
  }

  @Test
  @Order(5)
  void removingThePoliciesOpensEverythingAgain() throws Exception {
    apply("s4", ApplySemanticsIT.cluster("{env: dev}"), false);
    tcp("shell", "worker", 23, true);
    tcp("web", "db", 5432, true);
    assertThat(probes).isEqualTo(23);
  }
}
