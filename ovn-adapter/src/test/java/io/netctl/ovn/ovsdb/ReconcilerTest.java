package io.netctl.ovn.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import io.netctl.ovn.nb.AclDirection;
import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.nb.PortGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reconciler against {@link FakeOvsdb}: no server needed. */
class ReconcilerTest {
  private final List<Reconciler> open = new ArrayList<>();
  private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() {
    open.forEach(Reconciler::close);
  }

  private FakeOvsdb db(boolean tier) {
    FakeOvsdb db = new FakeOvsdb(tier);
    for (int i = 0; i < RandomStates.LSPS; i++) {
      db.addLsp(RandomStates.lsp(i));
    }
    return db;
  }

  private Reconciler reconciler(FakeOvsdb db, int maxOps) {
    Reconciler r = new Reconciler(db::connect, new Reconciler.Options(maxOps, Duration.ofSeconds(10)), log::add);
    open.add(r);
    return r;
  }

  /** What the NB holds of netctl's rows, read by a fresh replica. */
  static NbState owned(FakeOvsdb db) throws OvsdbException {
    OvsdbSession s = db.connect();
    NbCache c = NbCache.load(s);
    s.close();
    return c.ownedState();
  }

  static PortGroup pg(String name, String... ports) {
    return new PortGroup(name, new TreeSet<>(List.of(ports)), Ownership.ids("AdminNetworkPolicy", "a", name));
  }

  static AddressSet as(String name, String... addrs) {
    return new AddressSet(name, new TreeSet<>(List.of(addrs)), Ownership.ids("AdminNetworkPolicy", "a", name));
  }

  static Acl acl(String id, String pg, int tier, int prio, AclAction action, String severity) {
    return new Acl(pg, AclDirection.TO_LPORT, tier, prio, "outport == @" + pg + " && tcp.dst == 80", action, id,
        false, severity, null, new TreeMap<>(), Ownership.ids("AdminNetworkPolicy", "a", id));
  }

  @Test
  void createsThenChangesNothing() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState s = RandomStates.state(42);
    ReconcileResult first = r.reconcile(s);
    assertThat(first.ok()).isTrue();
    assertThat(first.transactions()).isEqualTo(1);
    assertThat(owned(db)).isEqualTo(s);
    ReconcileResult second = r.reconcile(s);
    assertThat(second.transactions()).isZero();
    assertThat(second.counts().isEmpty()).isTrue();
    // a new process (fresh replica) agrees
    assertThat(reconciler(db, 5000).reconcile(s).transactions()).isZero();
  }

  @Test
  void memberChangesAreMutationsOfTheDifference() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    r.reconcile(NbState.of(List.of(pg("nc_p", "pod1.ns", "pod2.ns"), as("nc_a", "10.0.0.1", "10.0.0.2"))));
    NbState next = NbState.of(List.of(pg("nc_p", "pod2.ns", "pod3.ns"), as("nc_a", "10.0.0.2", "10.0.0.3")));
    ReconcileResult res = r.dryRun(next);
    assertThat(res.planned())
        .containsExactlyInAnyOrder(
            "Address_Set nc_a: addresses -= [10.0.0.1]",
            "Address_Set nc_a: addresses += [10.0.0.3]",
            "Port_Group nc_p: ports -= [pod1.ns]",
            "Port_Group nc_p: ports += [pod3.ns]");
    r.reconcile(next);
    assertThat(owned(db)).isEqualTo(next);
  }

  @Test
  void updatesOnlyChangedAclColumns() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    r.reconcile(NbState.of(List.of(pg("nc_p", "pod1.ns"), acl("x", "nc_p", 1, 100, AclAction.DROP, null))));
    NbState next = NbState.of(List.of(pg("nc_p", "pod1.ns"), acl("x", "nc_p", 1, 200, AclAction.DROP, null)));
    assertThat(r.dryRun(next).planned()).containsExactly("update ACL x: {priority=200}");
    r.reconcile(next);
    assertThat(owned(db)).isEqualTo(next);
  }

  @Test
  void foreignRowsSurviveAndTheirNamesAreNotTakenOver() throws Exception {
    FakeOvsdb db = db(true);
    Uuid foreignAs =
        db.insertRaw(NbCache.ADDRESS_SET, Map.of("name", "nc_a", "addresses", Set.of("1.2.3.4"), "external_ids",
            Map.of("owner", "someone")));
    db.insertRaw(NbCache.PORT_GROUP, Map.of("name", "theirs", "ports", Set.of(), "acls", Set.of(), "external_ids",
        Map.of()));
    Reconciler r = reconciler(db, 5000);
    ReconcileResult res = r.reconcile(NbState.of(List.of(as("nc_a", "10.0.0.1"), pg("nc_p", "pod1.ns"))));
    assertThat(res.errors()).singleElement().asString().contains("Address_Set nc_a exists and is not netctl's");
    r.reconcile(NbState.EMPTY);
    Map<Uuid, Map<String, Object>> sets = db.snapshot().get(NbCache.ADDRESS_SET);
    assertThat(sets).containsOnlyKeys(foreignAs);
    assertThat(sets.get(foreignAs).get("addresses")).isEqualTo(Set.of("1.2.3.4"));
    assertThat(db.snapshot().get(NbCache.PORT_GROUP).values()).extracting(m -> m.get("name")).containsExactly("theirs");
  }

  @Test
  void rejectedTransactionChangesNothingAndNamesTheOperation() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState good = RandomStates.state(7);
    r.reconcile(good);
    var before = db.snapshot();
    NbState bad =
        new NbState.Builder(good).put(pg("nc_bad", "pod1.ns"))
            .put(acl("loud", "nc_bad", 1, 10, AclAction.DROP, "loud")).build();
    ReconcileResult res = r.reconcile(bad);
    assertThat(res.ok()).isFalse();
    assertThat(res.errors()).singleElement().asString()
        .contains("constraint violation")
        .contains("loud is not one of the allowed values")
        .contains("insert ACL");
    assertThat(db.snapshot()).isEqualTo(before);
  }

  @Test
  void missingPortsAreAddedWhenTheyAppear() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState s = NbState.of(List.of(pg("nc_p", "pod1.ns", "late.ns")));
    ReconcileResult res = r.reconcile(s);
    assertThat(res.warnings()).singleElement().asString().contains("late.ns");
    assertThat(r.missingPorts()).containsOnlyKeys("late.ns");
    db.addLsp("late.ns");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(owned(db)).isEqualTo(s));
  }

  @Test
  void smallTransactionsReachTheSameState() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 3);
    NbState s = RandomStates.state(3);
    ReconcileResult res = r.reconcile(s);
    assertThat(res.transactions()).isGreaterThan(1);
    assertThat(owned(db)).isEqualTo(s);
    r.reconcile(RandomStates.state(4));
    assertThat(owned(db)).isEqualTo(RandomStates.state(4));
  }

  @Test
  void connectionLostBeforeOrAfterCommitConverges() throws Exception {
    for (boolean afterCommit : new boolean[] {false, true}) {
      FakeOvsdb db = db(true);
      Reconciler r = reconciler(db, 4);
      r.reconcile(RandomStates.state(10));
      db.breakNext = afterCommit;
      NbState s = RandomStates.state(11);
      ReconcileResult res = r.reconcile(s);
      assertThat(res.reconnects()).isEqualTo(1);
      assertThat(owned(db)).isEqualTo(s);
      assertNoDuplicates(db);
      assertThat(r.reconcile(s).transactions()).isZero();
    }
  }

  static void assertNoDuplicates(FakeOvsdb db) {
    List<String> ids = new ArrayList<>();
    for (Map<String, Object> row : db.snapshot().get(NbCache.ACL).values()) {
      ids.add(String.valueOf(((Map<?, ?>) row.get("external_ids")).get(Ownership.ID)));
    }
    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void incrementalDeltasMatchFullReconciles() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState prev = RandomStates.state(100);
    r.reconcile(prev);
    for (long seed = 101; seed < 120; seed++) {
      NbState next = RandomStates.state(seed);
      r.apply(NbState.diff(prev, next));
      assertThat(owned(db)).as("seed %d", seed).isEqualTo(next);
      prev = next;
    }
  }

  @Test
  void withoutAclTiersOnlyTheAdminTierIsProgrammed() throws Exception {
    FakeOvsdb db = db(false);
    Reconciler r = reconciler(db, 5000);
    NbState s =
        NbState.of(
            List.of(
                pg("nc_p", "pod1.ns"),
                acl("allow", "nc_p", 1, 300, AclAction.ALLOW_RELATED, null),
                acl("deny", "nc_p", 1, 200, AclAction.DROP, null),
                acl("pass", "nc_p", 1, 100, AclAction.PASS, null),
                acl("banp", "nc_p", 3, 100, AclAction.DROP, null)));
    assertThat(r.aclTiers()).isFalse();
    ReconcileResult res = r.reconcile(s);
    assertThat(res.errors()).singleElement().asString()
        .contains("2 ACL(s) not programmed")
        .contains("OVN 23.09 or newer")
        .contains("schema 7.0.0");
    assertThat(owned(db).acls().keySet()).containsExactlyInAnyOrder("allow", "deny");
  }

  @Test
  void aclMovingToAnotherPortGroupIsReinserted() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    r.reconcile(NbState.of(List.of(pg("nc_p"), pg("nc_q"), acl("x", "nc_p", 1, 1, AclAction.DROP, null))));
    NbState next = NbState.of(List.of(pg("nc_p"), pg("nc_q"), acl("x", "nc_q", 1, 1, AclAction.DROP, null)));
    r.reconcile(next);
    assertThat(owned(db)).isEqualTo(next);
    assertNoDuplicates(db);
  }

  /** The member columns of netctl's rows in a replica, by table and name (raw UUIDs: stale ones show). */
  static Map<String, Set<String>> members(NbCache c) {
    Map<String, Set<String>> m = new TreeMap<>();
    synchronized (c) {
      for (String n : c.ownedPortGroupNames()) {
        Set<String> ports = new TreeSet<>();
        c.portGroup(n).ports().forEach(u -> ports.add(u.value()));
        m.put("Port_Group " + n, ports);
      }
      for (String n : c.ownedAddressSetNames()) {
        m.put("Address_Set " + n, new TreeSet<>(c.addressSet(n).addresses()));
      }
    }
    return m;
  }

  static Map<String, Set<String>> members(FakeOvsdb db) throws OvsdbException {
    OvsdbSession s = db.connect();
    try {
      return members(NbCache.load(s));
    } finally {
      s.close();
    }
  }

  @Test
  void ownIncrementalUpdatesKeepTheReplicasMembersExact() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState prev = RandomStates.state(200);
    r.reconcile(prev);
    for (long seed = 201; seed < 230; seed++) {
      NbState next = RandomStates.state(seed);
      r.apply(NbState.diff(prev, next));
      assertThat(members(r.cache())).as("seed %d", seed).isEqualTo(members(db)).isNotEmpty();
      prev = next;
    }
    // the server clears a deleted port from Port_Group.ports (a weak reference); the replica does the same
    String member = r.cache().ownedState().portGroups().values().stream()
        .filter(p -> !p.ports().isEmpty()).findFirst().orElseThrow().ports().first();
    db.deleteLsp(member);
    assertThat(members(r.cache())).isEqualTo(members(db));
  }

  @Test
  void anExternalEditOfOwnedMembersIsRepairedByTheResync() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState s = NbState.of(List.of(pg("nc_p", "pod1.ns", "pod2.ns"), as("nc_a", "10.0.0.1", "10.0.0.2")));
    r.reconcile(s);
    Uuid pod3 = r.cache().lsp("pod3.ns");
    db.setColumn(NbCache.PORT_GROUP, "nc_p", "ports", Set.of(pod3));
    db.setColumn(NbCache.ADDRESS_SET, "nc_a", "addresses", Set.of("10.0.0.1", "10.9.9.9"));
    // the members are not monitored: the replica still has netctl's own view, and a plain reconcile sees no change
    assertThat(r.cache().portGroup("nc_p").ports()).doesNotContain(pod3).hasSize(2);
    assertThat(r.reconcile(s).transactions()).isZero();
    assertThat(owned(db)).isNotEqualTo(s);
    ReconcileResult res = r.resync();
    assertThat(res.counts().isEmpty()).isFalse();
    assertThat(owned(db)).isEqualTo(s);
    assertThat(members(r.cache())).isEqualTo(members(db));
  }

  /** Address sets nc_a000… with two addresses each, and a Port_Group with an ACL per tenth of them. */
  private static NbState manyRows(int n) {
    List<io.netctl.ovn.nb.NbRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(as(String.format("nc_a%03d", i), "10.1." + (i / 250) + "." + (i % 250 + 1), "10.9.9.9"));
      if (i % 10 == 0) {
        String pg = String.format("nc_p%03d", i);
        rows.add(pg(pg, "pod" + (i % RandomStates.LSPS) + ".ns"));
        rows.add(acl(String.format("nc_acl%03d", i), pg, 1, 1000 + i, AclAction.ALLOW_RELATED, "info"));
      }
    }
    return NbState.of(rows);
  }

  @Test
  void aResyncOfManyChunksRepairsEditsAndDeletesOrphansLikeAWholePlan() throws Exception {
    int n = Reconciler.RESYNC_CHUNK_ROWS * 4 + 7;
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState s = manyRows(n);
    r.reconcile(s);
    // external edits of owned members in every chunk, and owned orphans another netctl left behind
    for (int i = 0; i < n; i += 17) {
      db.setColumn(NbCache.ADDRESS_SET, String.format("nc_a%03d", i), "addresses", Set.of("10.6.6.6"));
    }
    db.setColumn(NbCache.PORT_GROUP, "nc_p000", "ports", Set.of());
    Reconciler other = reconciler(db, 5000);
    other.reconcile(NbState.of(List.of(as("nc_zz_orphan", "10.7.7.7"), pg("nc_zz_pg", "pod1.ns"),
        acl("nc_zz_acl", "nc_zz_pg", 1, 99, AclAction.DROP, "info"))));
    other.close();
    assertThat(owned(db)).isNotEqualTo(s);

    ReconcileResult res = r.resync();
    assertThat(res.ok()).as("errors %s", res.errors()).isTrue();
    assertThat(owned(db)).isEqualTo(s);
    assertThat(members(r.cache())).isEqualTo(members(db));
    assertThat(res.counts().toString()).contains("Address_Set");
    // and a whole-state reconcile afterwards finds nothing left to do
    assertThat(r.reconcile(s).transactions()).isZero();
  }

  @Test
  void aDeltaDuringAResyncGoesBetweenTwoChunksNotAfterTheWholeState() throws Exception {
    int n = Reconciler.RESYNC_CHUNK_ROWS * 4;
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState s = manyRows(n);
    r.reconcile(s);
    for (int i = 0; i < n; i++) { // every chunk of Address_Sets has something to repair: one transaction each
      db.setColumn(NbCache.ADDRESS_SET, String.format("nc_a%03d", i), "addresses", Set.of("10.6.6.6"));
    }
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CompletableFuture<Thread> delta = new java.util.concurrent.CompletableFuture<>();
    NbDelta d = new NbDelta(List.of(as("nc_new", "10.3.3.3")), List.of(), List.of());
    db.beforeTransact = ops -> {
      boolean mine = ops.stream().anyMatch(o -> o instanceof Operation.Insert);
      order.add(mine ? "delta" : "resync");
      if (!mine && !delta.isDone()) {
        // the first resync chunk is committing (under the reconciler's lock): a pod event arrives now
        Thread t = new Thread(() -> {
          try {
            r.apply(d);
          } catch (OvsdbException e) {
            throw new IllegalStateException(e);
          }
        });
        t.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.BLOCKED);
        delta.complete(t);
      }
    };
    ReconcileResult res = r.resync();
    delta.get().join();
    assertThat(res.ok()).isTrue();
    assertThat(order).startsWith("resync", "delta").contains("resync", org.assertj.core.api.Assertions.atIndex(2));
    assertThat(owned(db).addressSets()).containsKey("nc_new");
  }

  @Test
  void withTheDirectChannelOnlyMemberOnlyTransactionsGoDirect() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000).directFastPath(true);
    r.reconcile(NbState.of(List.of(pg("nc_p", "pod1.ns"), as("nc_a", "10.0.0.1"))));
    int before = db.directTransactions.get(); // the first reconcile inserts rows: the library's connection
    assertThat(before).isZero();
    // a pod relabelled: members only
    r.apply(new NbDelta(List.of(pg("nc_p", "pod1.ns", "pod2.ns"), as("nc_a", "10.0.0.1", "10.0.0.2")), List.of(),
        List.of()));
    assertThat(db.directTransactions.get()).isEqualTo(1);
    // a new ACL: monitored columns change, so the library's connection (its update precedes its reply)
    r.apply(new NbDelta(List.of(acl("nc_acl", "nc_p", 1, 1000, AclAction.DROP, "info")), List.of(), List.of()));
    assertThat(db.directTransactions.get()).isEqualTo(1);
    assertThat(owned(db).portGroups().get("nc_p").ports()).containsExactly("pod1.ns", "pod2.ns");
    assertThat(owned(db).acls()).containsKey("nc_acl");
  }

  @Test
  void memberChangesCommittedWhileTheResyncSelectsAreKeptNotRepairedAgain() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    r.reconcile(NbState.of(List.of(pg("nc_p", "pod1.ns", "pod2.ns"), as("nc_a", "10.0.0.1", "10.0.0.2"))));
    // the select's snapshot is taken, then (without the reconciler's lock) a pod moves: its reply comes after
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    db.afterSelectSnapshot = table -> {
      if (table.equals(NbCache.ADDRESS_SET) && once.compareAndSet(false, true)) {
        try {
          r.apply(new NbDelta(List.of(pg("nc_p", "pod1.ns", "pod3.ns"), as("nc_a", "10.0.0.1", "10.0.0.3")),
              List.of(), List.of()));
        } catch (OvsdbException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    ReconcileResult res = r.resync();
    assertThat(once).isTrue();
    // the replica replayed the delta over the older snapshot: nothing looked out of date, nothing was re-sent
    assertThat(res.transactions()).isZero();
    assertThat(members(r.cache())).isEqualTo(members(db));
    assertThat(r.cache().addressSet("nc_a").addresses()).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.3");
  }

  @Test
  void thePeriodicResyncRepairsExternalMemberEdits() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r =
        new Reconciler(db::connect, new Reconciler.Options(5000, Duration.ofSeconds(10), Duration.ofMillis(50)),
            log::add);
    open.add(r);
    NbState s = NbState.of(List.of(pg("nc_p", "pod1.ns", "pod2.ns"), as("nc_a", "10.0.0.1")));
    r.reconcile(s);
    db.setColumn(NbCache.PORT_GROUP, "nc_p", "ports", Set.of());
    db.setColumn(NbCache.ADDRESS_SET, "nc_a", "addresses", Set.of("10.6.6.6"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(owned(db)).isEqualTo(s));
    assertThat(log).anyMatch(l -> l.startsWith("periodic resync"));
  }

  @Test
  void aMonitorUpdateOfAnotherColumnKeepsTheMembers() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState s = NbState.of(List.of(pg("nc_p", "pod1.ns", "pod2.ns"), as("nc_a", "10.0.0.1")));
    r.reconcile(s);
    db.setColumn(NbCache.PORT_GROUP, "nc_p", "external_ids", Map.of("x", "y"));
    db.setColumn(NbCache.ADDRESS_SET, "nc_a", "external_ids", Map.of("x", "y"));
    NbCache c = r.cache();
    synchronized (c) {
      assertThat(c.portGroup("nc_p").externalIds()).containsEntry("x", "y");
      assertThat(c.portGroup("nc_p").ports()).hasSize(2);
      assertThat(c.addressSet("nc_a").addresses()).containsExactly("10.0.0.1");
    }
  }

  @Test
  void theLiveDesiredStateAppliesDeltasLikeNbState() {
    NbState prev = RandomStates.state(300);
    Planner.Desired live = Planner.Desired.copyOf(prev);
    for (long seed = 301; seed < 340; seed++) {
      NbState next = RandomStates.state(seed);
      io.netctl.ovn.nb.NbDelta d = NbState.diff(prev, next);
      live.apply(d);
      assertThat(live.toState()).as("seed %d", seed).isEqualTo(prev.apply(d)).isEqualTo(next);
      prev = next;
    }
    // a member change on a missing row is refused and changes nothing, as NbState.apply refuses it
    io.netctl.ovn.nb.NbDelta bad =
        new io.netctl.ovn.nb.NbDelta(List.of(as("nc_new", "10.0.0.1")), List.of(),
            List.of(new io.netctl.ovn.nb.MemberChange(pg("nc_nope").ref(), new TreeSet<>(Set.of("pod1.ns")),
                new TreeSet<>())));
    NbState before = live.toState();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> live.apply(bad)).isInstanceOf(IllegalStateException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> before.apply(bad))
        .isInstanceOf(IllegalStateException.class);
    assertThat(live.toState()).isEqualTo(before);
  }

  @Test
  void aMissingPortIsStillAddedAfterADeltaOnAnotherPortGroup() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState s = NbState.of(List.of(pg("nc_p", "pod1.ns", "late.ns"), pg("nc_q", "pod2.ns")));
    r.reconcile(s);
    NbState next = NbState.of(List.of(pg("nc_p", "pod1.ns", "late.ns"), pg("nc_q", "pod2.ns", "pod3.ns")));
    r.apply(NbState.diff(s, next));
    assertThat(r.missingPorts()).containsOnlyKeys("late.ns");
    db.addLsp("late.ns");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(owned(db)).isEqualTo(next));
  }

  @Test
  void aMemberOnlyDeltaComparesOnlyTheNamedMembers() throws Exception {
    FakeOvsdb db = db(true);
    Reconciler r = reconciler(db, 5000);
    NbState s = NbState.of(List.of(pg("nc_p", "pod1.ns", "pod2.ns"), as("nc_a", "10.0.0.1", "10.0.0.2")));
    r.reconcile(s);
    NbState next = NbState.of(List.of(pg("nc_p", "pod2.ns", "pod3.ns"), as("nc_a", "10.0.0.2", "10.0.0.3")));
    io.netctl.ovn.nb.NbDelta d = NbState.diff(s, next);
    assertThat(d.memberChanges()).hasSize(2);
    assertThat(Planner.Scope.of(d).members()).hasSize(2);
    ReconcileResult res = r.apply(d);
    assertThat(res.operations()).isEqualTo(4); // one insert and one delete mutation per row
    assertThat(owned(db)).isEqualTo(next);
    assertThat(members(r.cache())).isEqualTo(members(db));
  }
}
