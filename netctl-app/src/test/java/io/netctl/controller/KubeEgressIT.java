package io.netctl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.egress.EgressMetrics;
import io.netctl.egress.api.EgressGatewayStatus;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
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
 * EgressGateways through the controller on fabric8's mock API server (CRUD mode) and the real OVN sandbox: a gateway
 * with explicit instances becomes a reroute policy and an Address_Set, and its status (through the status
 * subresource) reports the instances; an invalid spec gets InvalidSpec and nothing in the NB; only the leader runs
 * the engine and writes, and a new leader takes the rows over without rewriting them or the status.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeEgressIT {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static Reconciler reconciler;
  static Controller controller;
  static EgressController egress;
  static KubeSource source;
  static KubeEgressStatusSink status;
  static final PrometheusRegistry registry = new PrometheusRegistry();
  static final List<String> LOG = new java.util.concurrent.CopyOnWriteArrayList<>();

  static void log(String line) {
    LOG.add(line);
    System.err.println(line);
  }

  static final String NS = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod, labels: {env: prod}}
      """;
  static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata: {name: %s, namespace: prod, labels: {app: %s}}
      spec: {nodeName: node-1, containers: [{name: main, image: app}]}
      status: {phase: Running, podIP: %s, podIPs: [{ip: %s}]}
      """;
  static final String NODE = """
      apiVersion: v1
      kind: Node
      metadata: {name: %s, labels: {egress: "true"}}
      status:
        addresses: [{type: InternalIP, address: %s}]
        conditions: [{type: Ready, status: "%s"}]
      """;
  static final String EGW = """
      apiVersion: netctl.io/v1alpha1
      kind: EgressGateway
      metadata: {name: %s, namespace: prod}
      spec:
        router: r1
        instances:
        %s
        selectors:
        - podSelector: {matchLabels: {app: web}}
      """;

  static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.INSTALL_HINT + ": " + e.getMessage(), e);
    }
    sandbox.nbctl("lr-add", "r1");
    create(NS);
    create(POD.formatted("web", "web", "10.16.1.1", "10.16.1.1"));
    create(POD.formatted("db", "db", "10.16.1.2", "10.16.1.2"));
    create(NODE.formatted("node-1", "172.16.0.11", "True"));
    create(NODE.formatted("node-2", "172.16.0.12", "True"));
    createGateway(EGW.formatted("egw", instances("gw1:node-1:172.16.0.11", "gw2:node-2:172.16.0.12")));

    reconciler = Reconciler.on(connector(), new Reconciler.Options(5000, Duration.ofSeconds(5)), System.err::println);
    controller = new Controller(Controller.Options.DEFAULT.withCompiler(
        new PolicyCompiler.Options(LspNaming.KUBE_OVN, false)), reconciler, new KubeStatusSink(client, null),
        new ControllerMetrics(registry), System.err::println);
    status = new KubeEgressStatusSink(client, System.err::println);
    egress = new EgressController(controller,
        () -> Reconciler.on(connector(), new Reconciler.Options(5000, Duration.ofSeconds(5))
            .withScope(Ownership::isEgress), System.err::println),
        status, new EgressMetrics(registry), new EgressController.Options(null, true, List.of("10.16.0.0/16")),
        KubeEgressIT::log);
    controller.onLeadership(egress::setLeader);
    controller.setLeader(true);
    source = new KubeSource(client, false, true, System.err::println);
    source.start(egress);
  }

  static OvsdbConnector connector() {
    return new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null, OvsdbConnector.NB_DATABASE,
        Duration.ofSeconds(10), m -> {});
  }

  @AfterAll
  static void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    if (egress != null) {
      egress.close();
    }
    if (controller != null) {
      controller.close();
    }
    if (reconciler != null) {
      reconciler.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static String instances(String... specs) {
    StringBuilder sb = new StringBuilder();
    for (String s : specs) {
      String[] p = s.split(":");
      sb.append(sb.length() == 0 ? "" : "\n  ").append("- {name: ").append(p[0]).append(", node: ").append(p[1])
          .append(", ip: \"").append(p[2]).append("\"}");
    }
    return sb.toString();
  }

  static void create(String yaml) {
    HasMetadata o = client.getKubernetesSerialization().unmarshal(yaml);
    client.resource(o).createOr(r -> r.update());
  }

  static void createGateway(String yaml) {
    GenericKubernetesResource g = client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    var op = client.genericKubernetesResources(KubeSource.EGRESS_GATEWAY).inNamespace("prod");
    GenericKubernetesResource old = op.withName(g.getMetadata().getName()).get();
    if (old == null) {
      op.resource(g).create();
    } else {
      old.setAdditionalProperty("spec", g.getAdditionalProperties().get("spec"));
      op.resource(old).update();
    }
  }

  /** The nexthops of the gateway's reroute policies in the NB, one line per policy (sorted addresses). */
  static List<String> nexthops(String gateway) throws Exception {
    String out = sandbox.nbctl("--bare", "--columns=nexthops", "find", "Logical_Router_Policy",
        "external_ids:netctl.io/owner-name=\"prod/" + gateway + "\"", "action=reroute");
    return out.lines().filter(l -> !l.isBlank()).map(l -> String.join(",",
        java.util.Arrays.stream(l.trim().split("\\s+")).sorted().toList())).toList();
  }

  static String addressSet(String gateway) throws Exception {
    return sandbox.nbctl("--bare", "--columns=addresses", "find", "Address_Set",
        "external_ids:netctl.io/owner-name=\"prod/" + gateway + "\"").trim();
  }

  static int egressRows(String gateway) throws Exception {
    int n = 0;
    for (String table : List.of("Logical_Router_Policy", "Address_Set")) {
      n += (int) sandbox.nbctl("--bare", "--columns=_uuid", "find", table,
          "external_ids:netctl.io/owner-name=\"prod/" + gateway + "\"").lines().filter(l -> !l.isBlank()).count();
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> statusOf(String gateway) {
    GenericKubernetesResource r =
        client.genericKubernetesResources(KubeSource.EGRESS_GATEWAY).inNamespace("prod").withName(gateway).get();
    Object s = r == null ? null : r.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static String condition(String gateway, String type) {
    Object cs = statusOf(gateway).get("conditions");
    if (cs instanceof List<?> l) {
      for (Object o : l) {
        Map<String, Object> c = (Map<String, Object>) o;
        if (type.equals(c.get("type"))) {
          return c.get("status") + "/" + c.get("reason") + ": " + c.get("message");
        }
      }
    }
    return null;
  }

  @Test
  @Order(1)
  void gatewayBecomesRerouteAndAddressSetAndStatusReportsInstances() throws Exception {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(nexthops("egw")).containsExactly("172.16.0.11,172.16.0.12");
      assertThat(addressSet("egw")).isEqualTo("10.16.1.1"); // web only: db is not selected
      assertThat(statusOf("egw")).containsEntry("phase", "Ready").containsEntry("readyInstances", 2);
    });
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> inst = (List<Map<String, Object>>) statusOf("egw").get("instances");
    assertThat(inst).extracting(m -> m.get("name") + "@" + m.get("node") + "=" + m.get("ip") + "/" + m.get("bfdState"))
        .containsExactly("gw1@node-1=172.16.0.11/Unknown", "gw2@node-2=172.16.0.12/Unknown");
    assertThat(condition("egw", EgressGatewayStatus.READY)).startsWith("True/InstancesUp");
    assertThat(condition("egw", EgressGatewayStatus.INVALID_SPEC)).startsWith("False/Valid");
    // the egress metrics are on the controller's registry
    assertThat(TestSupport.scrape(registry)).contains("netctl_egress_nexthops{gateway=\"egw\",namespace=\"prod\"} 2.0")
        .contains("netctl_leader 1.0");
  }

  @Test
  @Order(2)
  void podRelabelChangesTheAddressSetAndNodeNotReadyDropsItsInstance() throws Exception {
    create(POD.formatted("db", "web", "10.16.1.2", "10.16.1.2")); // db now selected
    await().atMost(Duration.ofSeconds(20)).untilAsserted(
        () -> assertThat(addressSet("egw").split("\\s+")).containsExactlyInAnyOrder("10.16.1.1", "10.16.1.2"));
    create(NODE.formatted("node-2", "172.16.0.12", "False"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(nexthops("egw")).containsExactly("172.16.0.11");
      assertThat(statusOf("egw")).containsEntry("readyInstances", 1);
    });
    create(NODE.formatted("node-2", "172.16.0.12", "True"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(
        () -> assertThat(nexthops("egw")).containsExactly("172.16.0.11,172.16.0.12"));
  }

  @Test
  @Order(3)
  void invalidSpecGetsInvalidSpecAndNothingInTheNb() throws Exception {
    createGateway(EGW.formatted("bad", instances("gw9:node-1:172.16.0.300")));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(condition("bad", EgressGatewayStatus.INVALID_SPEC))
          .startsWith("True/InvalidSpec: spec.instances[0].ip")
          .contains("172.16.0.300");
      assertThat(statusOf("bad")).containsEntry("phase", "Invalid");
    });
    egress.flush(5000);
    assertThat(egressRows("bad")).isZero();
    assertThat(nexthops("egw")).containsExactly("172.16.0.11,172.16.0.12"); // the valid one is untouched
  }

  @Test
  @Order(4)
  void aNewLeaderTakesTheRowsOverWithoutRewritingThemOrTheStatus() throws Exception {
    egress.flush(5000);
    long writes = status.writes();
    int mark = LOG.size();
    controller.setLeader(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> egress.engine() == null);
    controller.setLeader(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> egress.engine() != null);
    egress.flush(10_000);
    assertThat(LOG.subList(mark, LOG.size())).noneMatch(l -> l.contains(" commit for "))
        .anyMatch(l -> l.contains("egress: engine started with 2 gateway(s)"));
    assertThat(status.writes()).isEqualTo(writes);
    assertThat(nexthops("egw")).containsExactly("172.16.0.11,172.16.0.12");
  }

  @Test
  @Order(5)
  void aStandbyWritesNothingAndTheNextLeaderCatchesUp() throws Exception {
    long writes = status.writes();
    controller.setLeader(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> egress.engine() == null);
    createGateway(EGW.formatted("egw", instances("gw1:node-1:172.16.0.11", "gw2:node-2:172.16.0.12",
        "gw3:node-1:172.16.0.13")));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(
        () -> assertThat(String.valueOf(egress.cachedGateway("prod/egw"))).contains("172.16.0.13"));
    assertThat(nexthops("egw")).containsExactly("172.16.0.11,172.16.0.12"); // withdrew nothing, added nothing
    assertThat(status.writes()).isEqualTo(writes);
    controller.setLeader(true);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(nexthops("egw")).containsExactly("172.16.0.11,172.16.0.12,172.16.0.13");
      assertThat(statusOf("egw")).containsEntry("readyInstances", 3);
    });
    egress.flush(5000);
    assertThat(status.writes() - writes).isEqualTo(1); // egw changed; "bad" did not and is not written again
  }

  @Test
  @Order(6)
  void deletingTheGatewayRemovesItsRows() throws Exception {
    client.genericKubernetesResources(KubeSource.EGRESS_GATEWAY).inNamespace("prod").withName("egw").delete();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(egressRows("egw")).isZero());
  }
}
