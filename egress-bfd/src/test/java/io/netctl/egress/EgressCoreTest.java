package io.netctl.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Pod;
import io.netctl.bfd.codec.BfdState;
import io.netctl.egress.api.EgressBfd;
import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.EgressGatewaySpec;
import io.netctl.egress.api.EgressGatewayStatus;
import io.netctl.egress.api.EgressInstance;
import io.netctl.egress.api.EgressPolicy;
import io.netctl.egress.api.EgressSelector;
import io.netctl.egress.api.FailMode;
import io.netctl.egress.api.TrafficPolicy;
import io.netctl.ovn.nb.LogicalRouterPolicy;
import io.netctl.ovn.nb.NbState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class EgressCoreTest {
  static final long MS = 1_000_000L;
  static final String GW = "prod/egw";

  final FakeNb nb = new FakeNb();
  final List<String> errors = new ArrayList<>();
  final List<String> paths = new ArrayList<>();
  final Map<String, EgressGatewayStatus> statuses = new TreeMap<>();
  final List<Map<String, EgressConfig.Bfd>> sessions = new ArrayList<>();
  final List<long[]> timings = new ArrayList<>();
  long wall = 1_700_000_000_000L;
  EgressCore core = new EgressCore(nb, sessions::add, new EgressCore.Listener() {
    @Override
    public void commit(List<String> gateways, String path, EgressCore.Commit c, long elapsedNs) {
      paths.add(path);
    }

    @Override
    public void status(String gateway, EgressGatewayStatus status) {
      statuses.put(gateway, status);
    }

    @Override
    public void error(String message) {
      errors.add(message);
    }

    @Override
    public void fastPathTiming(long eventNs, long dequeuedNs, long writeStartNs, long writeEndNs) {
      timings.add(new long[] {eventNs, dequeuedNs, writeStartNs, writeEndNs});
    }
  }, EgressMetrics.unregistered(), List.of("10.0.0.0/16", "10.96.0.0/12"), () -> wall);

  static EgressGatewaySpec spec(boolean bfd) {
    EgressGatewaySpec s = new EgressGatewaySpec();
    s.setRouter("r1");
    s.setInstances(new ArrayList<>(List.of(new EgressInstance("gw1", "n1", "172.16.0.11"),
        new EgressInstance("gw2", "n2", "172.16.0.12"), new EgressInstance("gw3", "n3", "172.16.0.13"))));
    LabelSelector app = new LabelSelector();
    app.setMatchLabels(Map.of("app", "web"));
    s.setSelectors(new ArrayList<>(List.of(new EgressSelector(null, app))));
    s.setBfd(new EgressBfd(bfd, 50, 50, 3));
    s.setHoldDownMillis(200);
    return s;
  }

  void cluster() {
    core.upsertNamespace(new Namespace("prod", Map.of()), 0);
    core.upsertPod(new Pod("prod", "web-1", new TreeMap<>(Map.of("app", "web")), "n1", false, List.of(),
        List.of("10.0.1.5"), false), 0);
    core.upsertPod(new Pod("prod", "web-2", new TreeMap<>(Map.of("app", "web")), "n2", false, List.of(),
        List.of("10.0.2.5", "fd00::2:5"), false), 0);
    core.upsertPod(new Pod("prod", "host", new TreeMap<>(Map.of("app", "web")), "n1", true, List.of(),
        List.of("192.168.0.1"), false), 0);
    core.upsertPod(new Pod("prod", "db", new TreeMap<>(Map.of("app", "db")), "n1", false, List.of(),
        List.of("10.0.1.9"), false), 0);
  }

  LogicalRouterPolicy reroute() {
    return nb.state.routerPolicies().get("egw:" + GW + ":reroute:ip4");
  }

  @Test
  void withoutBfdEveryInstanceIsANexthopAndOnlySelectedPodsAreSources() {
    cluster();
    core.upsertGateway(EgressGateway.of("prod", "egw", spec(false)), 0);
    assertThat(reroute().nexthops()).containsExactly("172.16.0.11", "172.16.0.12", "172.16.0.13");
    assertThat(reroute().priority()).isEqualTo(EgressPriorities.REROUTE);
    assertThat(reroute().match()).isEqualTo("ip4.src == $" + nb.state.addressSets().firstKey()
        + " && ip4.dst != {10.0.0.0/16, 10.96.0.0/12}");
    String as4 = nb.state.addressSets().keySet().stream().filter(k -> k.endsWith("_ip4")).findFirst().orElseThrow();
    assertThat(nb.state.addressSets().get(as4).addresses()).containsExactly("10.0.1.5", "10.0.2.5"); // no host, no db
    String as6 = nb.state.addressSets().keySet().stream().filter(k -> k.endsWith("_ip6")).findFirst().orElseThrow();
    assertThat(nb.state.addressSets().get(as6).addresses()).containsExactly("fd00::2:5");
    assertThat(nb.state.routerPolicies().get("egw:" + GW + ":drop:ip4").action())
        .isEqualTo(LogicalRouterPolicy.Action.DROP);
    assertThat(nb.state.rows()).allSatisfy(r -> assertThat(r.externalIds())
        .containsEntry("netctl.io/owner-controller", "netctl").containsEntry("netctl.io/owner-type", "EgressGateway")
        .containsEntry("netctl.io/owner-name", GW));
    assertThat(statuses.get(GW).getPhase()).isEqualTo("Ready");
    assertThat(statuses.get(GW).getReadyInstances()).isEqualTo(3);
    assertThat(statuses.get(GW).getInstances()).extracting(i -> i.getBfdState()).containsOnly("Unknown");
    assertThat(sessions).allSatisfy(s -> assertThat(s).isEmpty());
  }

  @Test
  void aTakeoverHoldWritesNothingUntilEverySessionIsUp() {
    cluster();
    nb.calls.clear();
    core.holdWritesUntil(1000 * MS);
    core.load(List.of(EgressGateway.of("prod", "egw", spec(true))), List.of(), List.of(), List.of(), 0);
    assertThat(sessions.get(sessions.size() - 1)).hasSize(3); // the sessions start at once
    assertThat(nb.calls).isEmpty(); // but the previous leader's nexthops stay
    assertThat(statuses).isEmpty();
    core.onBfd("172.16.0.11", BfdState.DOWN, BfdState.UP, "NONE", 10 * MS, 10 * MS);
    core.onBfd("172.16.0.12", BfdState.DOWN, BfdState.UP, "NONE", 20 * MS, 20 * MS);
    core.onBfd("172.16.0.13", BfdState.DOWN, BfdState.INIT, "NONE", 25 * MS, 25 * MS);
    assertThat(nb.calls).isEmpty(); // Init is on its way Up: still held
    assertThat(core.nextDeadlineNs()).isEqualTo(1000 * MS);
    core.onBfd("172.16.0.13", BfdState.INIT, BfdState.UP, "NONE", 30 * MS, 30 * MS);
    assertThat(nb.calls).containsExactly("reconcile"); // every session Up: one write, all three nexthops
    assertThat(reroute().nexthops()).hasSize(3);
    assertThat(statuses.get(GW).getPhase()).isEqualTo("Ready");
    core.onBfd("172.16.0.12", BfdState.UP, BfdState.DOWN, "NONE", 40 * MS, 40 * MS);
    assertThat(reroute().nexthops()).hasSize(2); // the hold is over for good: a Down within its time is acted on
    assertThat(core.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aTakeoverHoldEndsAtItsDeadlineWhenASessionNeverReports() {
    cluster();
    nb.calls.clear();
    core.holdWritesUntil(1000 * MS);
    core.load(List.of(EgressGateway.of("prod", "egw", spec(true))), List.of(), List.of(), List.of(), 0);
    core.onBfd("172.16.0.11", BfdState.DOWN, BfdState.UP, "NONE", 10 * MS, 10 * MS);
    core.tick(999 * MS);
    assertThat(nb.calls).isEmpty();
    core.tick(1000 * MS);
    assertThat(nb.calls).containsExactly("reconcile");
    assertThat(reroute().nexthops()).containsExactly("172.16.0.11"); // the silent ones are Down
    assertThat(core.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void withoutBfdATakeoverHoldHoldsNothing() {
    cluster();
    nb.calls.clear();
    core.holdWritesUntil(1000 * MS);
    core.load(List.of(EgressGateway.of("prod", "egw", spec(false))), List.of(), List.of(), List.of(), 0);
    assertThat(nb.calls).containsExactly("reconcile");
  }

  @Test
  void bfdDownWithdrawsWithOneMutateAndUpRestoresAfterHoldDown() {
    cluster();
    core.upsertGateway(EgressGateway.of("prod", "egw", spec(true)), 0);
    assertThat(sessions.get(sessions.size() - 1)).containsOnlyKeys("172.16.0.11", "172.16.0.12", "172.16.0.13");
    assertThat(reroute().nexthops()).isEmpty(); // nothing Up yet: the drop policy below it applies
    assertThat(statuses.get(GW).getPhase()).isEqualTo("Down");
    for (String ip : List.of("172.16.0.11", "172.16.0.12", "172.16.0.13")) {
      core.onBfd(ip, BfdState.DOWN, BfdState.UP, "NONE", 10 * MS, 10 * MS);
    }
    assertThat(reroute().nexthops()).hasSize(3); // first Up: no hold-down
    assertThat(statuses.get(GW).getPhase()).isEqualTo("Ready");
    nb.calls.clear();
    paths.clear();

    core.onBfd("172.16.0.12", BfdState.UP, BfdState.DOWN, "CONTROL_DETECTION_TIME_EXPIRED", 100 * MS, 100 * MS);
    assertThat(nb.calls).containsExactly("mutate egw:" + GW + ":reroute:ip4 +[] -[172.16.0.12]", "txn 1");
    assertThat(paths).containsExactly("fast");
    assertThat(statuses.get(GW).getPhase()).isEqualTo("Degraded");
    assertThat(statuses.get(GW).condition("Degraded").getStatus()).isEqualTo("True");

    core.onBfd("172.16.0.12", BfdState.DOWN, BfdState.UP, "NONE", 150 * MS, 150 * MS);
    assertThat(reroute().nexthops()).doesNotContain("172.16.0.12"); // held down
    assertThat(statuses.get(GW).getInstances().get(1).getBfdState()).isEqualTo("HoldDown");
    assertThat(core.nextDeadlineNs()).isEqualTo(350 * MS);
    core.tick(349 * MS);
    assertThat(nb.calls).hasSize(2);
    core.tick(351 * MS);
    assertThat(nb.calls).endsWith("mutate egw:" + GW + ":reroute:ip4 +[172.16.0.12] -[]", "txn 1");
    assertThat(reroute().nexthops()).hasSize(3);
    assertThat(statuses.get(GW).getPhase()).isEqualTo("Ready");
    assertThat(paths).containsExactly("fast", "fast");
  }

  @Test
  void aBurstOfFlapsQueuedTogetherIsOneTransaction() {
    cluster();
    core.upsertGateway(EgressGateway.of("prod", "egw", spec(true)), 0);
    for (String ip : List.of("172.16.0.11", "172.16.0.12", "172.16.0.13")) {
      core.onBfd(ip, BfdState.DOWN, BfdState.UP, "NONE", 10 * MS, 10 * MS);
    }
    nb.calls.clear();
    paths.clear();

    // what a starved machine delivers at once: two sessions down, one of them flapping back Up
    core.onBfd(List.of(
        new EgressCore.BfdEvent("172.16.0.11", BfdState.UP, BfdState.DOWN, "CONTROL_DETECTION_TIME_EXPIRED", 100 * MS),
        new EgressCore.BfdEvent("172.16.0.13", BfdState.UP, BfdState.DOWN, "CONTROL_DETECTION_TIME_EXPIRED", 101 * MS),
        new EgressCore.BfdEvent("172.16.0.11", BfdState.DOWN, BfdState.UP, "NONE", 102 * MS)), 103 * MS);
    assertThat(nb.calls).containsExactly("mutate egw:" + GW + ":reroute:ip4 +[] -[172.16.0.11, 172.16.0.13]", "txn 1");
    assertThat(paths).containsExactly("fast");
    assertThat(reroute().nexthops()).containsExactly("172.16.0.12"); // .11 is Up again but held down
    assertThat(statuses.get(GW).getInstances().get(0).getBfdState()).isEqualTo("HoldDown");
    assertThat(core.nextDeadlineNs()).isEqualTo(302 * MS);
  }

  @Test
  void aDownOfAnAddressTwoGatewaysShareIsOneTransactionForBoth() {
    cluster();
    core.upsertGateway(EgressGateway.of("prod", "egw", spec(true)), 0);
    EgressGatewaySpec other = spec(true);
    other.setInstances(new ArrayList<>(List.of(new EgressInstance("x2", "n2", "172.16.0.12"),
        new EgressInstance("x4", "n4", "172.16.0.14"))));
    core.upsertGateway(EgressGateway.of("prod", "egw2", other), 0);
    for (String ip : List.of("172.16.0.11", "172.16.0.12", "172.16.0.13", "172.16.0.14")) {
      core.onBfd(ip, BfdState.DOWN, BfdState.UP, "NONE", 10 * MS, 10 * MS);
    }
    nb.calls.clear();
    paths.clear();
    timings.clear();

    core.onBfd("172.16.0.12", BfdState.UP, BfdState.DOWN, "CONTROL_DETECTION_TIME_EXPIRED", 100 * MS, 103 * MS);
    assertThat(nb.calls).containsExactly("mutate egw:" + GW + ":reroute:ip4 +[] -[172.16.0.12]",
        "mutate egw:prod/egw2:reroute:ip4 +[] -[172.16.0.12]", "txn 2");
    assertThat(paths).containsExactly("fast"); // the sync after the withdrawal found nothing left to write
    assertThat(nb.state.routerPolicies().get("egw:prod/egw2:reroute:ip4").nexthops()).containsExactly("172.16.0.14");
    assertThat(timings).singleElement().satisfies(t -> {
      assertThat(t[0]).isEqualTo(100 * MS); // the BFD event's time
      assertThat(t[1]).isEqualTo(103 * MS); // when the engine took it
      assertThat(t[2]).isLessThanOrEqualTo(t[3]);
    });
    // a Down of a peer that is not a nexthop (never Up) writes nothing
    core.onBfd("172.16.0.12", BfdState.DOWN, BfdState.DOWN, "NONE", 200 * MS, 200 * MS);
    assertThat(nb.calls).hasSize(3);
  }

  @Test
  void bfdPeersAreKeyedByTheSpecsCanonicalAddress() throws Exception {
    assertThat(EgressEngine.peerKey(java.net.InetAddress.getByName("fd00:0:0:0:0:0:0:11"))).isEqualTo("fd00::11");
    assertThat(EgressEngine.peerKey(java.net.InetAddress.getByName("172.16.0.11"))).isEqualTo("172.16.0.11");
    // an IPv6 instance's Up reaches it (the engine hands the core this key)
    EgressGatewaySpec s = spec(true);
    s.setInstances(new ArrayList<>(List.of(new EgressInstance("gw6", "n1", "FD00:0::11"))));
    cluster();
    core.upsertGateway(EgressGateway.of("prod", "egw", s), 0);
    assertThat(sessions.get(sessions.size() - 1)).containsOnlyKeys("fd00::11");
    core.onBfd(EgressEngine.peerKey(java.net.InetAddress.getByName("fd00::11")), BfdState.DOWN, BfdState.UP, "NONE",
        10 * MS, 10 * MS);
    assertThat(nb.state.routerPolicies().get("egw:" + GW + ":reroute:ip6").nexthops()).containsExactly("fd00::11");
  }

  @Test
  void flapDuringHoldDownRestartsItAndJitterWritesNothing() {
    cluster();
    core.upsertGateway(EgressGateway.of("prod", "egw", spec(true)), 0);
    core.onBfd("172.16.0.11", BfdState.DOWN, BfdState.UP, "NONE", 0, 0);
    core.onBfd("172.16.0.11", BfdState.UP, BfdState.DOWN, "X", 10 * MS, 10 * MS);
    core.onBfd("172.16.0.11", BfdState.DOWN, BfdState.UP, "NONE", 20 * MS, 20 * MS);
    core.onBfd("172.16.0.11", BfdState.UP, BfdState.DOWN, "X", 100 * MS, 100 * MS);
    core.onBfd("172.16.0.11", BfdState.DOWN, BfdState.UP, "NONE", 150 * MS, 150 * MS);
    int n = nb.calls.size();
    core.tick(300 * MS); // 220 ms after the first recovery, but it flapped: 150 + 200 = 350
    core.onBfd("172.16.0.11", BfdState.DOWN, BfdState.INIT, "NONE", 310 * MS, 310 * MS); // no Up change for others
    assertThat(nb.calls).hasSize(n);
    core.tick(351 * MS);
    assertThat(nb.calls).hasSize(n); // INIT took it down again
  }

  @Test
  void allDownLeavesOnlyTheDropPolicyAndFailModeRouteHasNone() {
    cluster();
    EgressGatewaySpec s = spec(true);
    core.upsertGateway(EgressGateway.of("prod", "egw", s), 0);
    assertThat(nb.state.routerPolicies()).containsKey("egw:" + GW + ":drop:ip4");
    s.setFailMode(FailMode.Route);
    EgressGateway g = EgressGateway.of("prod", "egw", s);
    core.upsertGateway(g, 0);
    assertThat(nb.state.routerPolicies()).doesNotContainKey("egw:" + GW + ":drop:ip4");
    assertThat(paths).last().isEqualTo("reconcile");
  }

  @Test
  void invalidSpecChangesNothingAndSaysWhy() {
    cluster();
    core.upsertGateway(EgressGateway.of("prod", "egw", spec(false)), 0);
    NbState before = nb.state;
    int calls = nb.calls.size();
    EgressGatewaySpec bad = spec(false);
    bad.getInstances().get(1).setIp("172.16.0.300");
    bad.setBfd(new EgressBfd(true, 5, 50, 3));
    core.upsertGateway(EgressGateway.of("prod", "egw", bad), 0);
    assertThat(nb.state).isEqualTo(before);
    assertThat(nb.calls).hasSize(calls);
    EgressGatewayStatus st = statuses.get(GW);
    assertThat(st.getPhase()).isEqualTo("Invalid");
    assertThat(st.condition("InvalidSpec").getStatus()).isEqualTo("True");
    assertThat(st.condition("InvalidSpec").getMessage())
        .contains("spec.instances[1].ip: \"172.16.0.300\" (expected: an IPv4 or IPv6 address)")
        .contains("spec.bfd.minRX: 5 (expected: 10-60000 milliseconds)");
    assertThat(errors).anyMatch(e -> e.startsWith("EgressGateway/prod/egw: spec.instances[1].ip:"));

    EgressGatewaySpec none = new EgressGatewaySpec();
    core.upsertGateway(EgressGateway.of("prod", "other", none), 0);
    assertThat(statuses.get("prod/other").condition("InvalidSpec").getMessage())
        .contains("spec.router: required field is missing").contains("neither nodeSelector nor instances");
    assertThat(nb.state).isEqualTo(before);
  }

  @Test
  void localTrafficPolicyAddsPerNodePolicies() {
    cluster();
    EgressGatewaySpec s = spec(false);
    s.setTrafficPolicy(TrafficPolicy.Local);
    s.setPolicies(new ArrayList<>(List.of(new EgressPolicy())));
    s.getPolicies().get(0).setIpBlocks(List.of("10.5.0.0/24"));
    core.upsertGateway(EgressGateway.of("prod", "egw", s), 0);
    LogicalRouterPolicy n1 = nb.state.routerPolicies().get("egw:" + GW + ":local:ip4:n1");
    assertThat(n1.priority()).isEqualTo(EgressPriorities.LOCAL);
    assertThat(n1.nexthops()).containsExactly("172.16.0.11");
    String as = n1.match().substring("ip4.src == $".length(), n1.match().indexOf(' ', 13));
    assertThat(nb.state.addressSets().get(as).addresses()).containsExactly("10.0.1.5");
    assertThat(nb.state.addressSets().get(as).externalIds()).containsEntry(EgressRows.NODE, "n1");
    String all = reroute().match().substring("ip4.src == $".length(), reroute().match().indexOf(' ', 13));
    assertThat(nb.state.addressSets().get(all).addresses()).containsExactly("10.0.1.5", "10.0.2.5", "10.5.0.0/24");
  }

  @Test
  void localInstanceDownIsOneTransactionForBothOfItsPolicies() {
    cluster();
    EgressGatewaySpec s = spec(true);
    s.setTrafficPolicy(TrafficPolicy.Local);
    core.upsertGateway(EgressGateway.of("prod", "egw", s), 0);
    for (String ip : List.of("172.16.0.11", "172.16.0.12", "172.16.0.13")) {
      core.onBfd(ip, BfdState.DOWN, BfdState.UP, "", 0, 0);
    }
    nb.calls.clear();
    core.onBfd("172.16.0.11", BfdState.UP, BfdState.DOWN, "", MS, MS);
    assertThat(nb.calls).containsExactly("mutate egw:" + GW + ":reroute:ip4 +[] -[172.16.0.11]",
        "mutate egw:" + GW + ":local:ip4:n1 +[] -[172.16.0.11]", "txn 2");
    assertThat(nb.state.routerPolicies().get("egw:" + GW + ":local:ip4:n1").nexthops()).isEmpty();
  }

  @Test
  void nodeSelectorPlacesOnReadyNodesOnly() {
    EgressGatewaySpec s = spec(false);
    s.setInstances(new ArrayList<>());
    LabelSelector gw = new LabelSelector();
    gw.setMatchLabels(Map.of("egress", "true"));
    s.setNodeSelector(gw);
    core.upsertNode(new EgressNode("n1", Map.of("egress", "true"), List.of("172.16.0.21"), true), 0);
    core.upsertNode(new EgressNode("n2", Map.of("egress", "true"), List.of("172.16.0.22"), false), 0);
    core.upsertNode(new EgressNode("n3", Map.of(), List.of("172.16.0.23"), true), 0);
    core.upsertGateway(EgressGateway.of("prod", "egw", s), 0);
    assertThat(reroute().nexthops()).containsExactly("172.16.0.21");
    core.upsertNode(new EgressNode("n2", Map.of("egress", "true"), List.of("172.16.0.22"), true), 0);
    assertThat(reroute().nexthops()).containsExactly("172.16.0.21", "172.16.0.22");
    assertThat(statuses.get(GW).getInstances()).extracting(i -> i.getNode()).containsExactly("n1", "n2");
  }

  @Test
  void failedWriteIsRetriedWithAFullReconcile() {
    cluster();
    core.upsertGateway(EgressGateway.of("prod", "egw", spec(true)), 0);
    core.onBfd("172.16.0.11", BfdState.DOWN, BfdState.UP, "NONE", 0, 0);
    nb.fail = true;
    core.onBfd("172.16.0.12", BfdState.DOWN, BfdState.UP, "NONE", 1 * MS, 1 * MS);
    assertThat(errors).anyMatch(e -> e.contains("retrying with a full reconcile"));
    nb.fail = false;
    core.tick(500 * MS);
    assertThat(reroute().nexthops()).containsExactly("172.16.0.11");
    core.tick(1_002 * MS);
    assertThat(reroute().nexthops()).containsExactly("172.16.0.11", "172.16.0.12");
    assertThat(nb.calls).last().isEqualTo("reconcile");
  }

  /**
   * Any sequence of BFD events and hold-down ends, written mostly by the fast path: the NB always equals what the
   * engine computed from scratch for that BFD view (its committed rows), and a Down instance is never a nexthop.
   */
  @Test
  void fastPathAndFullComputationAgreeOnRandomEventSequences() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int run = 0; run < 20; run++) {
      FakeNb fake = new FakeNb();
      EgressCore c = new EgressCore(fake, p -> {}, null, EgressMetrics.unregistered(), List.of(), () -> 0L);
      c.upsertPod(new Pod("prod", "web-1", new TreeMap<>(Map.of("app", "web")), "n1", false, List.of(),
          List.of("10.0.1.5"), false), 0);
      EgressGatewaySpec s = spec(true);
      if (rnd.nextBoolean()) {
        s.setTrafficPolicy(TrafficPolicy.Local);
      }
      c.upsertGateway(EgressGateway.of("prod", "egw", s), 0);
      long now = 0;
      String[] ips = {"172.16.0.11", "172.16.0.12", "172.16.0.13"};
      BfdState[] state = {BfdState.DOWN, BfdState.DOWN, BfdState.DOWN};
      for (int step = 0; step < 40; step++) {
        now += rnd.nextLong(1, 150) * MS;
        if (rnd.nextInt(3) == 0) {
          c.tick(now);
        } else {
          int i = rnd.nextInt(3);
          BfdState to = state[i] == BfdState.UP ? BfdState.DOWN : BfdState.UP;
          c.onBfd(ips[i], state[i], to, "", now, now);
          state[i] = to;
        }
        assertThat(fake.state).as("seed %d run %d step %d", seed, run, step).isEqualTo(c.committed());
        TreeSet<String> up = new TreeSet<>();
        for (LogicalRouterPolicy p : fake.state.routerPolicies().values()) {
          up.addAll(p.nexthops());
        }
        for (int k = 0; k < 3; k++) {
          if (state[k] != BfdState.UP) {
            assertThat(up).as("seed %d: a Down instance is never a nexthop", seed).doesNotContain(ips[k]);
          }
        }
      }
    }
  }

  @Test
  void metricsUseTheAgreedNames() {
    io.prometheus.metrics.model.registry.PrometheusRegistry reg = new io.prometheus.metrics.model.registry.PrometheusRegistry();
    EgressCore c = new EgressCore(nb, p -> {}, null, new EgressMetrics(reg), List.of(), () -> 0L);
    c.upsertPod(new Pod("prod", "web-1", new TreeMap<>(Map.of("app", "web")), "n1", false, List.of(),
        List.of("10.0.1.5"), false), 0);
    c.upsertGateway(EgressGateway.of("prod", "egw", spec(true)), 0);
    c.onBfd("172.16.0.11", BfdState.DOWN, BfdState.UP, "", System.nanoTime(), 0);
    c.onBfd("172.16.0.12", BfdState.DOWN, BfdState.UP, "", System.nanoTime(), 0);
    c.onBfd("172.16.0.12", BfdState.UP, BfdState.DOWN, "", System.nanoTime(), 0);
    Map<String, io.prometheus.metrics.model.snapshots.MetricSnapshot> byName = new TreeMap<>();
    reg.scrape().forEach(m -> byName.put(m.getMetadata().getPrometheusName(), m));
    assertThat(byName).containsOnlyKeys("netctl_egress_nexthops", "netctl_egress_instances",
        "netctl_egress_failover_seconds", "netctl_egress_nb_commits");
    var hops = (io.prometheus.metrics.model.snapshots.GaugeSnapshot) byName.get("netctl_egress_nexthops");
    assertThat(hops.getDataPoints().get(0).getValue()).isEqualTo(1.0);
    assertThat(hops.getDataPoints().get(0).getLabels().get("gateway")).isEqualTo("egw");
    var inst = (io.prometheus.metrics.model.snapshots.GaugeSnapshot) byName.get("netctl_egress_instances");
    assertThat(inst.getDataPoints()).anyMatch(d -> "Down".equals(d.getLabels().get("state")) && d.getValue() == 2.0);
    var fo = (io.prometheus.metrics.model.snapshots.HistogramSnapshot) byName.get("netctl_egress_failover_seconds");
    assertThat(fo.getDataPoints()).anyMatch(d -> "withdraw".equals(d.getLabels().get("direction"))
        && d.getCount() == 1);
    var commits = (io.prometheus.metrics.model.snapshots.CounterSnapshot) byName.get("netctl_egress_nb_commits");
    assertThat(commits.getDataPoints()).anyMatch(d -> "fast".equals(d.getLabels().get("path")) && d.getValue() == 3.0);
  }
}
