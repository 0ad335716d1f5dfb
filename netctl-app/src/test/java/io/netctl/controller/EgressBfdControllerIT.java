package io.netctl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.api.ApiBackend;
import io.netctl.api.BfdEventHub;
import io.netctl.api.CompiledBackend;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import io.netctl.egress.EgressMetrics;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * BFD through the controller, on loopback addresses only: the leader's engine runs a multihop session (RFC 5883, UDP
 * 4784) from 127.0.77.1 to a gateway instance at 127.0.77.2, where a second netctl speaker answers. Up puts the
 * nexthop in the sandbox NB; the API lists the session; a leadership change leaves the nexthop in place (the new
 * engine holds its writes until its session came Up); the instance's speaker dying withdraws it by the fast path.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EgressBfdControllerIT {
  static final String LOCAL = "127.0.77.1";
  static final String INSTANCE = "127.0.77.2";

  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static Reconciler reconciler;
  static Controller controller;
  static EgressController egress;
  static WatchDirSource source;
  static BfdSpeaker instance;
  static CompiledBackend api;
  static final List<String> LOG = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.INSTALL_HINT + ": " + e.getMessage(), e);
    }
    sandbox.nbctl("lr-add", "r1");
    Path dir = tmp.resolve("cluster");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("cluster.yaml"), """
        apiVersion: v1
        kind: Namespace
        metadata: {name: prod}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: prod, labels: {app: web}}
        spec: {containers: [{name: main, image: app}]}
        status: {phase: Running, podIPs: [{ip: 10.16.1.1}]}
        ---
        apiVersion: netctl.io/v1alpha1
        kind: EgressGateway
        metadata: {name: egw, namespace: prod}
        spec:
          router: r1
          instances: [{name: gw1, ip: "%s"}]
          selectors: [{podSelector: {matchLabels: {app: web}}}]
          bfd: {enabled: true, minRX: 100, minTX: 100, multiplier: 3}
          holdDownMillis: 0
        """.formatted(INSTANCE));
    instance = startInstance();

    reconciler = Reconciler.on(connector(), new Reconciler.Options(5000, Duration.ofSeconds(10)), LOG::add);
    PrometheusRegistry registry = new PrometheusRegistry();
    ControllerMetrics metrics = new ControllerMetrics(registry);
    controller = new Controller(Controller.Options.DEFAULT.withCompiler(
        new PolicyCompiler.Options(LspNaming.KUBE_OVN, false)), reconciler, StatusSink.NONE, metrics, LOG::add);
    BfdSpeakerConfig bfd = BfdSpeakerConfig.of(InetAddress.getByName(LOCAL))
        .withListenPort(BfdSpeakerConfig.DISABLED); // multihop only, on 4784 of the local address
    egress = new EgressController(controller,
        () -> Reconciler.on(connector(), new Reconciler.Options(5000, Duration.ofSeconds(10))
            .withScope(Ownership::isEgress), LOG::add),
        EgressStatusSink.NONE, new EgressMetrics(registry),
        new EgressController.Options(bfd, true, List.of("10.16.0.0/16"), 10_000), m -> {
          LOG.add(m);
          System.err.println(m);
        });
    api = ControllerApi.backend(controller, reconciler, sandbox.nbRemote(), metrics, egress, new BfdEventHub());
    controller.onLeadership(egress::setLeader);
    controller.setLeader(true);
    source = new WatchDirSource(dir, 50, true, LOG::add);
    source.start(egress);
  }

  /** The gateway instance's BFD: a netctl speaker on the instance address, multihop to the controller's. */
  static BfdSpeaker startInstance() throws Exception {
    BfdSpeaker s = BfdSpeaker.start(BfdSpeakerConfig.of(InetAddress.getByName(INSTANCE))
        .withListenPort(BfdSpeakerConfig.DISABLED));
    s.addSession(new InetSocketAddress(LOCAL, BfdSpeakerConfig.MULTIHOP_PORT),
        BfdSessionConfig.of(100_000, 100_000, 3), true);
    return s;
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
    if (instance != null) {
      instance.abort();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static String nexthops() throws Exception {
    return sandbox.nbctl("--bare", "--columns=nexthops", "find", "Logical_Router_Policy",
        "external_ids:netctl.io/owner-name=\"prod/egw\"", "action=reroute").trim();
  }

  @Test
  @Order(1)
  void aMultihopSessionUpPutsTheNexthopInTheNbAndTheApiListsIt() throws Exception {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(nexthops()).isEqualTo(INSTANCE);
      assertThat(egress.statuses()).containsKey("prod/egw");
      assertThat(egress.statuses().get("prod/egw").getInstances()).singleElement()
          .satisfies(i -> assertThat(i.getBfdState()).isEqualTo("Up"));
    });
    List<ApiBackend.BfdSessionInfo> sessions = api.bfdSessions();
    assertThat(sessions).singleElement().satisfies(s -> {
      assertThat(s.localAddress()).isEqualTo(LOCAL);
      assertThat(s.peerAddress()).isEqualTo(INSTANCE);
      assertThat(s.multihop()).isTrue();
      assertThat(s.state()).isEqualTo("Up");
    });
  }

  @Test
  @Order(2)
  void aNewLeaderKeepsTheNexthopWhileItsSessionComesUp() throws Exception {
    egress.flush(5000);
    int mark = LOG.size();
    controller.setLeader(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> egress.engine() == null);
    controller.setLeader(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> egress.engine() != null);
    // the hold: nothing written before the new session reported, and the nexthop stays all along
    await().atMost(Duration.ofSeconds(15)).until(
        () -> LOG.subList(mark, LOG.size()).stream().anyMatch(
            l -> l.startsWith("egress: BFD " + INSTANCE + " ") && l.contains("-> Up")));
    egress.flush(5000);
    assertThat(nexthops()).isEqualTo(INSTANCE);
    assertThat(LOG.subList(mark, LOG.size())).noneMatch(l -> l.contains(" commit for "));
  }

  @Test
  @Order(3)
  void theInstanceDyingWithdrawsTheNexthopByTheFastPath() throws Exception {
    int mark = LOG.size();
    long t0 = System.nanoTime();
    instance.abort();
    instance = null;
    // within the takeover hold's 10 s: a Down after the hold was released must be acted on at once
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nexthops()).isEmpty());
    assertThat((System.nanoTime() - t0) / 1_000_000).as("fault -> NB, ms (300 ms detection)").isLessThan(5_000);
    assertThat(LOG.subList(mark, LOG.size())).anyMatch(l -> l.startsWith("egress: fast commit for [prod/egw]"));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(
        () -> assertThat(egress.statuses().get("prod/egw").getPhase()).isEqualTo("Down"));
  }
}
