package io.netctl.cli.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Pod;
import io.netctl.bfd.codec.BfdState;
import io.netctl.controller.EgressNbWriter;
import io.netctl.egress.EgressCore;
import io.netctl.egress.EgressMetrics;
import io.netctl.egress.api.EgressBfd;
import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.EgressGatewaySpec;
import io.netctl.egress.api.EgressInstance;
import io.netctl.egress.api.EgressSelector;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The egress rows on a real OVN, checked with {@code ovn-trace --select-id}: traffic of selected pods is rerouted to
 * an Up instance and never to a Down one, other pods' traffic is untouched, and with every instance Down it is
 * dropped. The BFD view is driven directly (the end-to-end test runs real BFD); the writes are the real ones: the
 * egress-scoped reconciler and its one-mutate fast path.
 *
 * <p>Topology: router r1 with a port on the pod switch s1 (10.0.0.1/16) and one on the gateway switch ext
 * (172.16.0.1/24) where the instances gw1-gw3 (.11-.13) have ports; a default route via 172.16.0.254, without which
 * no reroute policy is ever reached.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EgressOvnTraceIT {
  static final String[] GW = {"gw1", "gw2", "gw3"};
  static final String[] IP = {"172.16.0.11", "172.16.0.12", "172.16.0.13"};
  static final String RP_MAC = "0a:00:00:00:00:01";

  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static Reconciler reconciler;
  static EgressCore core;
  static final List<String> paths = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    sandbox.nbctl("lr-add", "r1", "--", "lrp-add", "r1", "rp-s1", RP_MAC, "10.0.0.1/16",
        "--", "lrp-add", "r1", "rp-ext", "0a:00:00:00:01:01", "172.16.0.1/24",
        "--", "ls-add", "s1", "--", "lsp-add", "s1", "s1-r1", "--", "lsp-set-type", "s1-r1", "router",
        "--", "lsp-set-addresses", "s1-r1", "router", "--", "lsp-set-options", "s1-r1", "router-port=rp-s1",
        "--", "lsp-add", "s1", "web.prod", "--", "lsp-set-addresses", "web.prod", "0a:00:00:00:10:05 10.0.1.5",
        "--", "lsp-add", "s1", "db.prod", "--", "lsp-set-addresses", "db.prod", "0a:00:00:00:10:09 10.0.1.9",
        "--", "ls-add", "ext", "--", "lsp-add", "ext", "ext-r1", "--", "lsp-set-type", "ext-r1", "router",
        "--", "lsp-set-addresses", "ext-r1", "router", "--", "lsp-set-options", "ext-r1", "router-port=rp-ext",
        "--", "lr-route-add", "r1", "0.0.0.0/0", "172.16.0.254");
    for (int i = 0; i < 3; i++) {
      sandbox.nbctl("lsp-add", "ext", GW[i], "--", "lsp-set-addresses", GW[i],
          String.format("0a:00:00:00:02:%02x %s", i + 1, IP[i]));
    }
    // someone else's policy on the same router: never touched
    sandbox.nbctl("lr-policy-add", "r1", "100", "ip4.src == 10.0.9.9", "allow");
    // a row of the policy compiler: the egress reconciler must never delete it
    sandbox.nbctl("create", "Address_Set", "name=anp_keep", "addresses=10.9.9.9",
        "external_ids:netctl.io/owner-controller=netctl", "external_ids:netctl.io/owner-type=AdminNetworkPolicy",
        "external_ids:netctl.io/owner-name=keep", "external_ids:netctl.io/id=anp_keep");
    OvsdbConnector c = new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null, OvsdbConnector.NB_DATABASE,
        Duration.ofSeconds(30), m -> {});
    reconciler = Reconciler.on(c, new Reconciler.Options(5000, Duration.ofSeconds(30)).withScope(Ownership::isEgress),
        m -> {});
    core = new EgressCore(new EgressNbWriter(reconciler), p -> {}, new EgressCore.Listener() {
      @Override
      public void commit(List<String> g, String path, EgressCore.Commit commit, long ns) {
        assertThat(commit.errors()).isEmpty();
        paths.add(path);
      }
    }, EgressMetrics.unregistered(), List.of("10.0.0.0/16"), System::currentTimeMillis);
    core.upsertNamespace(new Namespace("prod", Map.of()), 0);
    core.upsertPod(new Pod("prod", "web", new TreeMap<>(Map.of("app", "web")), "n1", false, List.of(),
        List.of("10.0.1.5"), false), 0);
    core.upsertPod(new Pod("prod", "db", new TreeMap<>(Map.of("app", "db")), "n1", false, List.of(),
        List.of("10.0.1.9"), false), 0);
    EgressGatewaySpec s = new EgressGatewaySpec();
    s.setRouter("r1");
    List<EgressInstance> inst = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inst.add(new EgressInstance(GW[i], "n" + (i + 1), IP[i]));
    }
    s.setInstances(inst);
    LabelSelector web = new LabelSelector();
    web.setMatchLabels(Map.of("app", "web"));
    s.setSelectors(List.of(new EgressSelector(null, web)));
    s.setBfd(new EgressBfd(true, 50, 50, 3));
    s.setHoldDownMillis(0);
    core.upsertGateway(EgressGateway.of("prod", "egw", s), 0);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (reconciler != null) {
      reconciler.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  /** The gateway ports that traffic from {@code pod} to 8.8.8.8 reaches, over ECMP select ids 1-4 (the bucket ids of ovn-northd's select()). */
  static Set<String> reached(String lsp, String mac, String ip) throws Exception {
    sandbox.syncSb();
    Set<String> out = new TreeSet<>();
    String flow = "inport == \"" + lsp + "\" && eth.src == " + mac + " && eth.dst == " + RP_MAC + " && ip4.src == "
        + ip + " && ip4.dst == 8.8.8.8 && ip.ttl == 64 && udp && udp.dst == 53";
    for (int id = 1; id <= 4; id++) {
      String t = sandbox.run("ovn-trace", "--db=" + sandbox.sbRemote(), "--minimal", "--select-id=" + id, "s1", flow);
      if (t.contains("arp {")) {
        out.add("default-route"); // resolving 172.16.0.254 (flooded to every port): the router's own route
        continue;
      }
      for (String g : GW) {
        if (t.contains("output(\"" + g + "\")")) {
          out.add(g);
        }
      }
    }
    return out;
  }

  static Set<String> web() throws Exception {
    return reached("web.prod", "0a:00:00:00:10:05", "10.0.1.5");
  }

  static Set<String> db() throws Exception {
    return reached("db.prod", "0a:00:00:00:10:09", "10.0.1.9");
  }

  static String nexthops() throws Exception {
    return sandbox.nbctl("--bare", "--columns=nexthops", "find", "Logical_Router_Policy", "priority=29100").strip();
  }

  @Test
  @Order(1)
  void nothingUpYetDropsSelectedTrafficOnly() throws Exception {
    assertThat(nexthops()).isEmpty();
    assertThat(web()).isEmpty(); // dropped by the drop policy
    assertThat(db()).containsExactly("default-route");
    assertThat(sandbox.nbctl("--bare", "--columns=name", "find", "Address_Set", "name=anp_keep")).contains("anp_keep");
  }

  @Test
  @Order(2)
  void upInstancesShareTheSelectedTraffic() throws Exception {
    for (String ip : IP) {
      core.onBfd(ip, BfdState.DOWN, BfdState.UP, "", System.nanoTime(), System.nanoTime());
    }
    assertThat(paths).endsWith("fast", "fast", "fast");
    assertThat(web()).containsExactly("gw1", "gw2", "gw3");
    assertThat(db()).containsExactly("default-route");
  }

  @Test
  @Order(3)
  void aDownInstanceIsNeverChosen() throws Exception {
    core.onBfd(IP[1], BfdState.UP, BfdState.DOWN, "", System.nanoTime(), System.nanoTime());
    assertThat(paths).last().isEqualTo("fast");
    assertThat(nexthops()).doesNotContain(IP[1]);
    assertThat(web()).containsExactly("gw1", "gw3");
    assertThat(db()).containsExactly("default-route");
  }

  @Test
  @Order(4)
  void allDownDropsAndAFullReconcileAgrees() throws Exception {
    core.onBfd(IP[0], BfdState.UP, BfdState.DOWN, "", System.nanoTime(), System.nanoTime());
    core.onBfd(IP[2], BfdState.UP, BfdState.DOWN, "", System.nanoTime(), System.nanoTime());
    assertThat(nexthops()).isEmpty();
    assertThat(web()).isEmpty();
    assertThat(db()).containsExactly("default-route");
    int before = reconciler.transactionsTotal();
    assertThat(reconciler.resync().counts().isEmpty()).as("a full resync finds nothing to change").isTrue();
    assertThat(reconciler.transactionsTotal()).isEqualTo(before);
    core.onBfd(IP[2], BfdState.DOWN, BfdState.UP, "", System.nanoTime(), System.nanoTime());
    assertThat(web()).containsExactly("gw3");
    assertThat(sandbox.nbctl("--bare", "--columns=name", "find", "Address_Set", "name=anp_keep")).contains("anp_keep");
  }

  @Test
  @Order(5)
  void deletingTheGatewayRemovesOnlyItsRows() throws Exception {
    assertThat(sandbox.nbctl("--bare", "--columns=priority", "list", "Logical_Router_Policy").strip().split("\\s+"))
        .containsExactlyInAnyOrder("100", "29100", "29090");
    core.deleteGateway("prod", "egw", 0);
    assertThat(paths).last().isEqualTo("reconcile");
    assertThat(sandbox.nbctl("--bare", "--columns=priority", "list", "Logical_Router_Policy").strip())
        .isEqualTo("100");
    assertThat(sandbox.nbctl("--bare", "--columns=policies", "list", "Logical_Router", "r1").strip().split("\\s+"))
        .hasSize(1);
    assertThat(sandbox.nbctl("--bare", "--columns=name", "list", "Address_Set").strip()).isEqualTo("anp_keep");
    assertThat(db()).containsExactly("default-route");
  }
}
