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
      NbCache c = new NbCache(true);
      List<RowUpdate> rows = s.monitor(NbCache.monitoredColumns(true), u -> {});
      c.apply(rows);
      for (RowUpdate u : rows) {
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
}
