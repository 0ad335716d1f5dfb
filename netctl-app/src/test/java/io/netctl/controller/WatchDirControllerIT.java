package io.netctl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller in watch-dir mode on a copy of {@code examples/}, against the real OVN sandbox: the NB converges to
 * the compiled state, file edits become deltas, invalid policies get InvalidSpec without touching the others.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchDirControllerIT {
  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static Path dir;
  static Reconciler reconciler;
  static Controller controller;
  static WatchDirSource source;
  static ControllerMetrics metrics;

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.INSTALL_HINT + ": " + e.getMessage(), e);
    }
    dir = tmp.resolve("cluster");
    TestSupport.copyExamples(dir);
    var loaded = YamlLoader.load(TestSupport.sources(dir));
    sandbox.nbctl(SandboxTopology.nbctlArgs(SandboxTopology.ports(loaded.objects(), LspNaming.KUBE_OVN))
        .toArray(new String[0]));
    OvsdbConnector c = new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null,
        OvsdbConnector.NB_DATABASE, Duration.ofSeconds(30), m -> {});
    reconciler = Reconciler.on(c, new Reconciler.Options(5000, Duration.ofSeconds(20)), System.err::println);
    metrics = new ControllerMetrics(new PrometheusRegistry());
    controller = new Controller(Controller.Options.DEFAULT.withCompiler(
        new PolicyCompiler.Options(LspNaming.KUBE_OVN, false)), reconciler,
        new FileStatusSink(dir.resolve("status"), System.err::println), metrics, System.err::println);
    controller.setLeader(true);
    source = new WatchDirSource(dir, 50, System.err::println);
    source.start(controller);
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

  @Test
  @Order(1)
  void convergesToTheCompiledState() throws Exception {
    controller.firstConvergence().get(60, java.util.concurrent.TimeUnit.SECONDS);
    int compiled = controller.read(v -> v.compiler().state().acls().size()).get();
    assertThat(compiled).isGreaterThan(5);
    assertThat(TestSupport.ownedAcls(sandbox)).isEqualTo(compiled);
    Path status = FileStatusSink.fileOf(dir.resolve("status"),
        io.netctl.anp.api.ObjectRef.cluster(io.netctl.anp.api.Kind.ADMIN_NETWORK_POLICY, "isolate-sandbox"));
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(status));
    assertThat(Files.readString(status)).contains("type: Programmed", "status: \"True\"", "ACL");
  }

  @Test
  @Order(2)
  void relabelingAPodChangesOnlyMembers() throws Exception {
    long aclsBefore = TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("table", "ACL"));
    long commits = controller.commits();
    Path pods = dir.resolve("10-pods.yaml");
    String text = Files.readString(pods);
    assertThat(text).contains("labels: {app: prometheus}");
    Files.writeString(pods, text.replace("labels: {app: prometheus}", "labels: {app: prometheus, extra: x}"));
    // a label that no selector reads changes nothing at all
    String withEnv = Files.readString(dir.resolve("00-namespaces.yaml"));
    assertThat(withEnv).contains("env: dev");
    await().atMost(Duration.ofSeconds(20)).until(controller::idle);
    Files.writeString(dir.resolve("00-namespaces.yaml"), withEnv.replaceFirst("env: dev", "env: prod"));
    await().atMost(Duration.ofSeconds(20)).until(() -> controller.commits() > commits && controller.idle());
    long members = TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("op", "mutate"));
    assertThat(members).as("Address_Set/Port_Group mutations").isGreaterThan(0);
    assertThat(TestSupport.counter(metrics, "netctl_nb_rows_changed_total", Map.of("table", "ACL")))
        .as("no ACL changes for a relabel").isEqualTo(aclsBefore);
  }

  @Test
  @Order(3)
  void invalidPolicyGetsInvalidSpecAndTheOthersStay() throws Exception {
    int aclsBefore = TestSupport.ownedAcls(sandbox);
    Files.writeString(dir.resolve("90-bad.yaml"), """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: bad}
        spec:
          priority: 5
          subject: {namespaces: {}}
          ingress:
          - action: Reject
            from: [{namespaces: {}}]
        """);
    Path status = FileStatusSink.fileOf(dir.resolve("status"),
        io.netctl.anp.api.ObjectRef.cluster(io.netctl.anp.api.Kind.ADMIN_NETWORK_POLICY, "bad"));
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(status));
    assertThat(Files.readString(status)).contains("type: InvalidSpec", "Reject");
    assertThat(TestSupport.ownedAcls(sandbox)).isEqualTo(aclsBefore);
    Map<io.netctl.anp.api.ObjectRef, Conditions> cs = controller.read(Controller.View::conditions).get();
    assertThat(cs.values().stream().filter(c -> c.isTrue(Conditions.PROGRAMMED)).count()).isGreaterThan(3);
    // fixed: programmed, the status says so
    Files.writeString(dir.resolve("90-bad.yaml"), Files.readString(dir.resolve("90-bad.yaml"))
        .replace("Reject", "Deny"));
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(status).contains("ACL"));
    await().atMost(Duration.ofSeconds(20)).until(() -> TestSupport.ownedAcls(sandbox) > aclsBefore);
  }

  @Test
  @Order(4)
  void deletingAFileDeletesItsRows() throws Exception {
    int before = TestSupport.ownedAcls(sandbox);
    Files.delete(dir.resolve("90-bad.yaml"));
    await().atMost(Duration.ofSeconds(20)).until(() -> TestSupport.ownedAcls(sandbox) < before);
    int compiled = controller.read(v -> v.compiler().state().acls().size()).get();
    await().atMost(Duration.ofSeconds(20)).until(() -> TestSupport.ownedAcls(sandbox) == compiled);
    Path status = FileStatusSink.fileOf(dir.resolve("status"),
        io.netctl.anp.api.ObjectRef.cluster(io.netctl.anp.api.Kind.ADMIN_NETWORK_POLICY, "bad"));
    await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(status));
  }
}
