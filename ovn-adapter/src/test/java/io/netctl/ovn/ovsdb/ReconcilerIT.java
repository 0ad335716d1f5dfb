package io.netctl.ovn.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.AclDirection;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.nb.PortGroup;
import io.netctl.ovn.sandbox.OvnSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconciler against a real OVN NB: faults, foreign rows, late ports. */
class ReconcilerIT {
  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static final int PODS = 40;

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.INSTALL_HINT + ": " + e.getMessage(), e);
    }
    List<String> args = new ArrayList<>(List.of("ls-add", "ls1"));
    for (int i = 0; i < PODS; i++) {
      args.addAll(List.of("--", "lsp-add", "ls1", "pod" + i + ".ns"));
    }
    sandbox.nbctl(args.toArray(new String[0]));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @BeforeEach
  void clean() throws Exception {
    try (Reconciler r = reconciler(5000)) {
      r.reconcile(NbState.EMPTY);
    }
  }

  static Reconciler reconciler(int maxOps) {
    OvsdbConnector c =
        new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null, OvsdbConnector.NB_DATABASE,
            Duration.ofSeconds(30), s -> {});
    return Reconciler.on(c, new Reconciler.Options(maxOps, Duration.ofSeconds(60)), s -> {});
  }

  /** netctl's rows as a fresh connection reads them, and the ids of every owned ACL row (duplicates kept). */
  static NbState owned(List<String> aclIds) throws Exception {
    OvsdbSession s =
        new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null, OvsdbConnector.NB_DATABASE,
            Duration.ofSeconds(30), m -> {}).connect();
    try {
      NbCache c = NbCache.load(s);
      for (RowUpdate u : s.select(NbCache.ACL, java.util.Set.of("external_ids"))) {
        if (u.table().equals(NbCache.ACL)) {
          Object id = ((java.util.Map<?, ?>) u.row().get("external_ids")).get(Ownership.ID);
          if (id != null) {
            aclIds.add(id.toString());
          }
        }
      }
      return c.ownedState();
    } finally {
      s.close();
    }
  }

  static NbState big(int groups, int aclsPerGroup, int variant) {
    NbState.Builder b = new NbState.Builder();
    for (int g = 0; g < groups; g++) {
      String pg = "nc_big" + g;
      TreeSet<String> ports = new TreeSet<>();
      for (int i = 0; i < PODS; i++) {
        if ((i + g + variant) % 3 == 0) {
          ports.add("pod" + i + ".ns");
        }
      }
      b.put(new PortGroup(pg, ports, Ownership.ids("AdminNetworkPolicy", "big" + g, pg)));
      for (int a = 0; a < aclsPerGroup; a++) {
        String id = pg + "_" + a;
        b.put(new Acl(pg, AclDirection.TO_LPORT, 1, 1000 + a + variant, "outport == @" + pg + " && tcp.dst == "
            + (1000 + a), a % 2 == 0 ? AclAction.ALLOW_RELATED : AclAction.DROP, "r" + a, false, null, null,
            new TreeMap<>(), Ownership.ids("AdminNetworkPolicy", "big" + g, id)));
      }
    }
    return b.build();
  }

  static io.netctl.ovn.nb.LogicalRouterPolicy egressPolicy(String... hops) {
    return io.netctl.ovn.nb.LogicalRouterPolicy.of("r_direct", 29100, "ip4.src == 10.0.0.5",
        io.netctl.ovn.nb.LogicalRouterPolicy.Action.REROUTE, List.of(hops),
        Ownership.ids(Ownership.EGRESS_GATEWAY, "prod/egw", "egw:prod/egw:reroute:ip4"));
  }

  /** The egress policy's nexthops as a fresh connection reads them. */
  static java.util.Set<String> nexthops() throws Exception {
    try (OvsdbSession s = new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null,
        OvsdbConnector.NB_DATABASE, Duration.ofSeconds(30), m -> {}).connect()) {
      return NbCache.load(s, Ownership::isEgress).ownedState().routerPolicies().get("egw:prod/egw:reroute:ip4")
          .nexthops();
    }
  }

  @Test
  void theDirectFastPathMutatesAndSurvivesAnNbRestart() throws Exception {
    sandbox.nbctl("--may-exist", "lr-add", "r_direct");
    OvsdbConnector c = new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null, OvsdbConnector.NB_DATABASE,
        Duration.ofSeconds(30), m -> {});
    try (Reconciler r = Reconciler.on(c, new Reconciler.Options(5000, Duration.ofSeconds(60))
        .withScope(Ownership::isEgress), m -> {}).directFastPath(true)) {
      r.reconcile(NbState.of(List.of(egressPolicy("192.0.2.11", "192.0.2.12"))));
      ReconcileResult down = r.mutateNexthops(egressPolicy("192.0.2.12"), java.util.Set.of(),
          java.util.Set.of("192.0.2.11"));
      assertThat(down.ok()).isTrue();
      assertThat(down.operations()).isEqualTo(1);
      long[] t = r.lastFastPathTiming();
      assertThat(t[1]).as("the request went out on the direct channel").isNotZero();
      assertThat(nexthops()).containsExactly("192.0.2.12");

      sandbox.killNb();
      sandbox.restartNb();
      // the direct channel is gone with the old server: the call plans instead, on a new connection
      ReconcileResult up = r.mutateNexthops(egressPolicy("192.0.2.11", "192.0.2.12"),
          java.util.Set.of("192.0.2.11"), java.util.Set.of());
      assertThat(up.ok()).as("%s", up.errors()).isTrue();
      assertThat(nexthops()).containsExactly("192.0.2.11", "192.0.2.12");
      // and the next one is direct again
      ReconcileResult again = r.mutateNexthops(egressPolicy("192.0.2.11"), java.util.Set.of(),
          java.util.Set.of("192.0.2.12"));
      assertThat(again.ok()).isTrue();
      assertThat(r.lastFastPathTiming()[1]).isGreaterThan(t[1]);
      assertThat(nexthops()).containsExactly("192.0.2.11");
      assertThat(r.reconcile(NbState.of(List.of(egressPolicy("192.0.2.11")))).transactions()).isZero();
      r.reconcile(NbState.EMPTY); // leave no egress rows for the other tests
    }
  }

  @Test
  void killNineMidReconcileConvergesWithoutDuplicatesOrOrphans() throws Exception {
    try (Reconciler r = reconciler(20)) {
      r.reconcile(big(20, 10, 0)); // something to update and delete
      NbState desired = big(60, 25, 1); // 60 + 1,500 rows in transactions of <= 40 operations
      int before = r.transactionsTotal();
      CompletableFuture<ReconcileResult> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return r.reconcile(desired);
                } catch (OvsdbException e) {
                  throw new Reconciler.UncheckedOvsdbException(e);
                }
              });
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
          .until(() -> r.transactionsTotal() >= before + 3 || run.isDone());
      assertThat(run).as("reconcile finished before the kill: make it bigger").isNotDone();
      sandbox.killNb();
      sandbox.restartNb();
      ReconcileResult res = run.get();
      assertThat(res.ok()).as("%s", res.errors()).isTrue();
      assertThat(res.reconnects()).isGreaterThanOrEqualTo(1);
      List<String> ids = new ArrayList<>();
      assertThat(owned(ids)).isEqualTo(desired);
      assertThat(ids).doesNotHaveDuplicates().hasSize(desired.acls().size());
      assertThat(r.reconcile(desired).transactions()).isZero();
    }
  }

  @Test
  void rejectedOperationLeavesTheNbUnchanged() throws Exception {
    try (Reconciler r = reconciler(5000)) {
      NbState good = big(3, 3, 0);
      r.reconcile(good);
      String before = sandbox.nbctl("--format=csv", "--columns=_uuid,priority,match,external_ids", "list", "ACL")
          + sandbox.nbctl("--format=csv", "--columns=_uuid,name,ports,acls", "list", "Port_Group");
      NbState bad =
          new NbState.Builder(big(3, 3, 1))
              .put(new Acl("nc_big0", AclDirection.TO_LPORT, 1, 5, "outport == @nc_big0", AclAction.DROP, "loud",
                  true, "loud", null, new TreeMap<>(), Ownership.ids("AdminNetworkPolicy", "x", "loud")))
              .build();
      ReconcileResult res = r.reconcile(bad);
      assertThat(res.ok()).isFalse();
      assertThat(res.errors()).singleElement().asString()
          .contains("constraint violation")
          .contains("loud")
          .contains("insert ACL");
      String after = sandbox.nbctl("--format=csv", "--columns=_uuid,priority,match,external_ids", "list", "ACL")
          + sandbox.nbctl("--format=csv", "--columns=_uuid,name,ports,acls", "list", "Port_Group");
      assertThat(after).isEqualTo(before);
    }
  }

  @Test
  void rowsWithoutOwnershipSurviveEveryApply() throws Exception {
    sandbox.nbctl("pg-add", "theirs", "pod1.ns", "--", "acl-add", "theirs", "to-lport", "1000",
        "outport == @theirs && tcp.dst == 22", "drop", "--", "create", "Address_Set", "name=theirs_as",
        "addresses=10.9.9.9");
    // an ACL of theirs on netctl's Port_Group is not netctl's either
    try (Reconciler r = reconciler(5000)) {
      r.reconcile(big(2, 2, 0));
      sandbox.nbctl("acl-add", "nc_big0", "to-lport", "900", "outport == @nc_big0 && udp", "drop");
      r.reconcile(big(2, 2, 1));
      r.reconcile(NbState.EMPTY);
    }
    assertThat(sandbox.nbctl("--bare", "--columns=name", "list", "Port_Group")).contains("theirs");
    assertThat(sandbox.nbctl("--bare", "--columns=name", "list", "Address_Set")).contains("theirs_as");
    assertThat(sandbox.nbctl("acl-list", "theirs")).contains("tcp.dst == 22");
    sandbox.nbctl("pg-del", "theirs", "--", "destroy", "Address_Set", "theirs_as");
  }

  @Test
  void aPodWhosePortAppearsLaterIsAdded() throws Exception {
    try (Reconciler r = reconciler(5000)) {
      NbState s =
          NbState.of(List.of(new PortGroup("nc_late", new TreeSet<>(List.of("pod1.ns", "late.ns")),
              Ownership.ids("AdminNetworkPolicy", "late", "nc_late"))));
      ReconcileResult res = r.reconcile(s);
      assertThat(res.warnings()).singleElement().asString().contains("late.ns");
      sandbox.nbctl("lsp-add", "ls1", "late.ns");
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(owned(new ArrayList<>())).isEqualTo(s));
      sandbox.nbctl("lsp-del", "late.ns");
    }
  }

  static Reconciler reconciler(int maxOps, Duration resyncEvery, List<String> log) {
    OvsdbConnector c =
        new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null, OvsdbConnector.NB_DATABASE,
            Duration.ofSeconds(30), s -> {});
    return Reconciler.on(c, new Reconciler.Options(maxOps, Duration.ofSeconds(60), resyncEvery), log::add);
  }

  /** netctl's member columns as a fresh connection reads them, by table and name (raw UUIDs). */
  static java.util.Map<String, java.util.Set<String>> members() throws Exception {
    try (OvsdbSession s =
        new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null, OvsdbConnector.NB_DATABASE,
            Duration.ofSeconds(30), m -> {}).connect()) {
      return ReconcilerTest.members(NbCache.load(s));
    }
  }

  static NbState withAddressSets(NbState s, int variant) {
    NbState.Builder b = new NbState.Builder(s);
    for (int g = 0; g < 5; g++) {
      TreeSet<String> addrs = new TreeSet<>();
      for (int i = 0; i < PODS; i++) {
        if ((i + g + variant) % 4 == 0) {
          addrs.add("10.1." + g + "." + i);
        }
      }
      String n = "nc_as" + g;
      b.put(new io.netctl.ovn.nb.AddressSet(n, addrs, Ownership.ids("AdminNetworkPolicy", "as" + g, n)));
    }
    return b.build();
  }

  @Test
  void ownIncrementalUpdatesKeepTheReplicasMembersExact() throws Exception {
    try (Reconciler r = reconciler(5000)) {
      NbState prev = withAddressSets(big(6, 2, 0), 0);
      r.reconcile(prev);
      for (int v = 1; v <= 6; v++) {
        NbState next = withAddressSets(big(6, 2, v), v);
        r.apply(NbState.diff(prev, next));
        assertThat(ReconcilerTest.members(r.cache())).as("variant %d", v).isEqualTo(members()).isNotEmpty();
        prev = next;
      }
      // ovsdb-server drops a deleted port from Port_Group.ports (weak reference) without a monitor update for the
      // unmonitored column: the replica does the same when the monitor reports the port's deletion
      String gone = prev.portGroups().get("nc_big0").ports().first();
      java.util.Map<String, java.util.Set<String>> before = ReconcilerTest.members(r.cache());
      sandbox.nbctl("lsp-del", gone);
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(ReconcilerTest.members(r.cache())).isNotEqualTo(before).isEqualTo(members()));
      sandbox.nbctl("lsp-add", "ls1", gone);
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(owned(new ArrayList<>())).isEqualTo(r.cache().ownedState()));
    }
  }

  @Test
  void anExternalEditOfOwnedMembersIsSeenAtTheResyncAndRepaired() throws Exception {
    try (Reconciler r = reconciler(5000)) {
      NbState s = withAddressSets(big(2, 1, 0), 0);
      r.reconcile(s);
      java.util.Map<String, java.util.Set<String>> ours = ReconcilerTest.members(r.cache());
      sandbox.nbctl("pg-set-ports", "nc_big0", "pod1.ns", "--", "add", "Address_Set", "nc_as0", "addresses",
          "\"10.9.9.9\"", "--", "create", "Address_Set", "name=marker_as");
      // the members are not monitored; the marker row is, and arrives after the edits: once the replica has it,
      // the member edits would have arrived too, were they monitored
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        NbCache c = r.cache();
        synchronized (c) {
          return c.addressSet("marker_as") != null;
        }
      });
      assertThat(ReconcilerTest.members(r.cache())).isEqualTo(ours).isNotEqualTo(members());
      ReconcileResult res = r.resync();
      assertThat(res.ok()).isTrue();
      assertThat(res.counts().isEmpty()).isFalse();
      assertThat(owned(new ArrayList<>())).isEqualTo(s);
      assertThat(ReconcilerTest.members(r.cache())).isEqualTo(members());
      sandbox.nbctl("destroy", "Address_Set", "marker_as");
    }
  }

  @Test
  void thePeriodicResyncRepairsExternalMemberEdits() throws Exception {
    List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Reconciler r = reconciler(5000, Duration.ofMillis(200), log)) {
      NbState s = withAddressSets(big(2, 1, 0), 0);
      r.reconcile(s);
      sandbox.nbctl("clear", "Port_Group", "nc_big1", "ports", "--", "clear", "Address_Set", "nc_as1", "addresses");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(owned(new ArrayList<>())).isEqualTo(s));
      assertThat(log).anyMatch(l -> l.startsWith("periodic resync"));
    }
  }
}
