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
import io.netctl.anp.yaml.YamlLoader;
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
 * The controller on fabric8's mock API server (CRUD mode) and the real OVN sandbox: objects created at the API become
 * NB rows, a relabel changes only members, an invalid ANP gets InvalidSpec in its status, the NB server is killed
 * and restarted, and two instances elect one leader.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeControllerIT {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static Reconciler reconciler;
  static Controller controller;
  static KubeSource source;
  static ControllerMetrics metrics;
  static KubeStatusSink status;

  static final String NS = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: %s, labels: {env: %s}}
      """;
  static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata: {name: %s, namespace: %s, labels: {app: %s}}
      spec: {containers: [{name: main, image: app, ports: [{name: http, containerPort: 8080}]}]}
      status: {phase: Running, podIP: %s, podIPs: [{ip: %s}]}
      """;
  static final String DENY_DEV = """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: deny-dev}
      spec:
        priority: 10
        subject: {namespaces: {matchLabels: {env: prod}}}
        ingress:
        - name: from-dev
          action: Deny
          from: [{namespaces: {matchLabels: {env: dev}}}]
        - name: web-to-db
          action: Allow
          from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]
          ports: [{portNumber: {protocol: TCP, port: 5432}}]
      """;

  /** The mock server logs every request through java.util.logging; held here so the setting sticks. */
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
    create(NS.formatted("prod", "prod"));
    create(NS.formatted("dev", "dev"));
    create(pod("web", "prod", "web", "10.16.1.1"));
    create(pod("db", "prod", "db", "10.16.1.2"));
    create(pod("shell", "dev", "shell", "10.16.2.1"));
    create(DENY_DEV);
    // the CNI's ports
    String all = pod("web", "prod", "web", "10.16.1.1") + "---\n" + pod("db", "prod", "db", "10.16.1.2") + "---\n"
        + pod("shell", "dev", "shell", "10.16.2.1") + "---\n" + pod("api", "prod", "api", "10.16.1.3");
    sandbox.nbctl(SandboxTopology.nbctlArgs(SandboxTopology.ports(YamlLoader.load("pods", all).objects(),
        LspNaming.KUBE_OVN)).toArray(new String[0]));

    reconciler = newReconciler();
    metrics = new ControllerMetrics(new PrometheusRegistry());
    status = new KubeStatusSink(client, System.err::println);
    controller = new Controller(Controller.Options.DEFAULT.withCompiler(
        new PolicyCompiler.Options(LspNaming.KUBE_OVN, false)), reconciler, status, metrics, System.err::println);
    controller.setLeader(true);
    source = new KubeSource(client, false, System.err::println);
    source.start(controller);
  }

  static Reconciler newReconciler() {
    OvsdbConnector c = new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null,
        OvsdbConnector.NB_DATABASE, Duration.ofSeconds(10), m -> {});
    return Reconciler.on(c, new Reconciler.Options(5000, Duration.ofSeconds(5)), System.err::println);
  }

  static String pod(String name, String ns, String app, String ip) {
    return POD.formatted(name, ns, app, ip, ip);
  }

  /** Creates (or replaces) an object given as YAML; policies through their generic resource context. */
  static void create(String yaml) {
    HasMetadata o = client.getKubernetesSerialization().unmarshal(yaml);
    if (o instanceof GenericKubernetesResource g) {
      var ctx = KubeSource.contextOf(io.netctl.anp.api.Kind.valueOf(kindConst(g.getKind())));
      client.genericKubernetesResources(ctx).resource(g).createOr(r -> r.update());
    } else {
      client.resource(o).createOr(r -> r.update());
    }
  }

  static String kindConst(String kind) {
    return switch (kind) {
      case "AdminNetworkPolicy" -> "ADMIN_NETWORK_POLICY";
      case "BaselineAdminNetworkPolicy" -> "BASELINE_ADMIN_NETWORK_POLICY";
      default -> "CLUSTER_NETWORK_POLICY";
    };
  }

  @AfterAll
  static void stop() throws Exception {
    if (source != null) {
      source.close();
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

  static int compiledAcls(Controller c) throws Exception {
    return c.read(v -> v.compiler().state().acls().size()).get();
  }

  static List<Map<String, Object>> conditions(String anp) {
    GenericKubernetesResource r = client.genericKubernetesResources(KubeSource.ANP).withName(anp).get();
    return r == null ? List.of() : KubeStatusSink.conditionsOf(r);
  }

  static String addresses(String asName) throws Exception {
    return sandbox.nbctl("--bare", "--columns=addresses", "find", "Address_Set", "name=" + asName).strip();
  }

  @Test
  @Order(1)
  void objectsAtTheApiBecomeAcls() throws Exception {
    controller.firstConvergence().get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(compiledAcls(controller)).isEqualTo(2);
    await().atMost(Duration.ofSeconds(20)).until(() -> TestSupport.ownedAcls(sandbox) == 2);
    await().atMost(Duration.ofSeconds(20)).until(() -> !conditions("deny-dev").isEmpty());
    Map<String, Object> programmed = conditions("deny-dev").get(0);
    assertThat(programmed).containsEntry("type", "Programmed").containsEntry("status", "True")
        .containsEntry("message", "2 ACLs");
  }

  @Test
  @Order(2)
  void relabelingAPodChangesOnlyItsAddressSet() throws Exception {
    // the Address_Set of the web-to-db rule's peer holds web's IP
    String asName = controller.read(v -> v.compiler().state().addressSets().values().stream()
        .filter(a -> a.addresses().contains("10.16.1.1")).filter(a -> !a.name().contains("dn_"))
        .map(io.netctl.ovn.nb.AddressSet::name).findFirst().orElseThrow()).get();
    long aclChanges = TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("table", "ACL"));
    long mutates = TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("op", "mutate"));
    long inserts = TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("op", "insert"));
    long writesBefore = status.writes();
    create(pod("api", "prod", "web", "10.16.1.3"));
    await().atMost(Duration.ofSeconds(20)).until(() -> addresses(asName).contains("10.16.1.3"));
    await().atMost(Duration.ofSeconds(20)).until(controller::idle);
    assertThat(TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("table", "ACL")))
        .isEqualTo(aclChanges);
    assertThat(TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("op", "insert")))
        .isEqualTo(inserts);
    assertThat(TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("op", "mutate")))
        .as("the Address_Set (and the subject's Port_Group) by mutate").isGreaterThan(mutates);
    // the status did not change, so it was not written again
    assertThat(status.writes()).isEqualTo(writesBefore);
  }

  @Test
  @Order(3)
  void invalidAnpGetsInvalidSpecAndTheOthersStay() throws Exception {
    create("""
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: bad}
        spec:
          priority: 20
          subject: {namespaces: {}}
          egress:
          - action: Allow
            to: [{networks: ["10.0.0.300/8"]}]
        """);
    await().atMost(Duration.ofSeconds(20)).until(() -> !conditions("bad").isEmpty());
    assertThat(conditions("bad")).anySatisfy(c -> assertThat(c).containsEntry("type", "InvalidSpec")
        .containsEntry("status", "True"));
    assertThat(String.valueOf(conditions("bad").get(1).get("message"))).contains("spec.egress[0].to[0].networks");
    assertThat(conditions("deny-dev").get(0)).containsEntry("status", "True");
    assertThat(TestSupport.ownedAcls(sandbox)).isEqualTo(2);
  }

  @Test
  @Order(4)
  void recoversAfterTheNbServerIsKilled() throws Exception {
    sandbox.killNb();
    create("""
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: while-down}
        spec:
          priority: 30
          subject: {namespaces: {matchLabels: {env: dev}}}
          egress:
          - action: Deny
            to: [{networks: ["192.0.2.0/24"]}]
        """);
    await().atMost(Duration.ofSeconds(20)).until(() -> controller.read(v -> v.compiler().aclCount(
        io.netctl.anp.api.ObjectRef.cluster(io.netctl.anp.api.Kind.ADMIN_NETWORK_POLICY, "while-down"))).get() > 0);
    sandbox.restartNb();
    int compiled = compiledAcls(controller);
    assertThat(compiled).isEqualTo(3);
    await().atMost(Duration.ofSeconds(60)).until(() -> TestSupport.ownedAcls(sandbox) == compiled);
    await().atMost(Duration.ofSeconds(30)).until(() -> !conditions("while-down").isEmpty()
        && "True".equals(conditions("while-down").get(0).get("status")));
  }

  @Test
  @Order(5)
  void onlyTheLeaderWritesAndTheStandbyTakesOver() throws Exception {
    // the single-instance controller steps down; two elected instances take over
    source.close();
    controller.setLeader(false);
    // a lease long enough that a loaded CI machine does not miss a renewal; the clean stop below releases it, so the
    // takeover takes a retry period, not a lease
    LeaderElection election = new LeaderElection("kube-system", "netctl", "a", Duration.ofSeconds(10),
        Duration.ofSeconds(8), Duration.ofMillis(250));
    Instance a = new Instance("a");
    LeaderElection.Running ea = new LeaderElection(election.namespace(), election.name(), "a",
        election.leaseDuration(), election.renewDeadline(), election.retryPeriod()).start(client, a.controller,
        System.err::println);
    await().atMost(Duration.ofSeconds(20)).until(a.controller::isLeader);
    Instance b = new Instance("b");
    LeaderElection.Running eb = new LeaderElection(election.namespace(), election.name(), "b",
        election.leaseDuration(), election.renewDeadline(), election.retryPeriod()).start(client, b.controller,
        System.err::println);
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> a.controller.commits() > 0);
      create(pod("db2", "prod", "db", "10.16.1.9"));
      await().atMost(Duration.ofSeconds(20)).until(() -> b.controller.read(v -> v.compiler().state().portGroups()
          .values().stream().anyMatch(pg -> pg.ports().contains("db2.prod"))).get());
      await().atMost(Duration.ofSeconds(20)).until(a.controller::idle);
      assertThat(b.controller.isLeader()).isFalse();
      assertThat(b.controller.commits()).as("the standby wrote nothing").isZero();
      // the leader stops (releasing its lease): the standby takes over within the lease time
      long t0 = System.nanoTime();
      ea.close();
      a.close();
      await().atMost(Duration.ofSeconds(10)).until(b.controller::isLeader);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(tookMs).as("released lease: taken over well within the lease time")
          .isLessThan(election.leaseDuration().toMillis() / 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> b.controller.commits() > 0);
      create(NS.formatted("staging", "dev"));
      create(pod("tmp", "staging", "shell", "10.16.3.1"));
      await().atMost(Duration.ofSeconds(20)).until(() -> b.controller.commits() > 1 && b.controller.idle());
      int compiled = compiledAcls(b.controller);
      assertThat(TestSupport.ownedAcls(sandbox)).isEqualTo(compiled);
    } finally {
      eb.close();
      b.close();
      ea.close();
      a.close();
    }
  }

  /** A second controller process, in-process: its own reconciler, compiler and informers. */
  static final class Instance implements AutoCloseable {
    final Reconciler reconciler = newReconciler();
    final Controller controller;
    final KubeSource source;

    Instance(String id) throws Exception {
      controller = new Controller(Controller.Options.DEFAULT, reconciler, new KubeStatusSink(client, s -> {}),
          new ControllerMetrics(new PrometheusRegistry()), s -> System.err.println(id + ": " + s));
      source = new KubeSource(client, false, System.err::println);
      source.start(controller);
    }

    @Override
    public void close() {
      source.close();
      controller.close();
      reconciler.close();
    }
  }
}
