package io.netctl.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.MemberChange;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbRow;
import io.netctl.ovn.nb.NbTable;
import io.netctl.ovn.nb.PortGroup;
import io.netctl.ovn.nb.RowRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Folding deltas: applying the merged delta equals applying them one after another. */
class DeltaMergerTest {

  /** A tiny desired state: rows by ref; member changes edit the row's set. */
  static Map<RowRef, NbRow> apply(Map<RowRef, NbRow> state, NbDelta d) {
    Map<RowRef, NbRow> s = new HashMap<>(state);
    for (RowRef r : d.deletes()) {
      s.remove(r);
    }
    for (NbRow r : d.upserts()) {
      s.put(r.ref(), r);
    }
    for (MemberChange m : d.memberChanges()) {
      NbRow row = s.get(m.row());
      if (row instanceof AddressSet as) {
        TreeSet<String> a = new TreeSet<>(as.addresses());
        a.removeAll(m.removed());
        a.addAll(m.added());
        s.put(m.row(), as.withAddresses(a));
      } else if (row instanceof PortGroup pg) {
        TreeSet<String> p = new TreeSet<>(pg.ports());
        p.removeAll(m.removed());
        p.addAll(m.added());
        s.put(m.row(), pg.withPorts(p));
      }
    }
    return s;
  }

  static List<String> some(Random r) {
    List<String> out = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      out.add("10.0.0." + r.nextInt(6));
    }
    return out;
  }

  /** A delta valid against {@code state}: the compiler never sends an element change for a row that does not exist. */
  static NbDelta randomDelta(Random r, Map<RowRef, NbRow> state) {
    List<NbRow> up = new ArrayList<>();
    List<RowRef> del = new ArrayList<>();
    List<MemberChange> mem = new ArrayList<>();
    java.util.Set<RowRef> touched = new java.util.HashSet<>();
    for (int i = r.nextInt(3); i >= 0; i--) {
      String name = "as" + r.nextInt(4);
      RowRef ref = new RowRef(NbTable.ADDRESS_SET, name);
      if (!touched.add(ref)) {
        continue;
      }
      int op = r.nextInt(3);
      if (op == 0 || !state.containsKey(ref)) {
        up.add(AddressSet.of(name, some(r), Map.of("k", "v" + r.nextInt(2))));
      } else if (op == 1) {
        del.add(ref);
      } else {
        List<String> add = some(r);
        List<String> rem = some(r);
        rem.removeAll(add);
        mem.add(MemberChange.of(ref, add, rem));
      }
    }
    return new NbDelta(up, del, mem);
  }

  @Test
  void mergedEqualsSequential() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int run = 0; run < 2_000; run++) {
      Map<RowRef, NbRow> start = new HashMap<>();
      for (int i = 0; i < 4; i++) {
        if (r.nextBoolean()) {
          AddressSet as = AddressSet.of("as" + i, some(r), Map.of("k", "v0"));
          start.put(as.ref(), as);
        }
      }
      Map<RowRef, NbRow> seq = start;
      DeltaMerger m = new DeltaMerger();
      List<NbDelta> ds = new ArrayList<>();
      for (int i = r.nextInt(6); i >= 0; i--) {
        NbDelta d = randomDelta(r, seq);
        ds.add(d);
        seq = apply(seq, d);
        m.add(d);
      }
      assertThat(apply(start, m.build())).as("seed %d, run %d, deltas %s", seed, run, ds).isEqualTo(seq);
    }
  }

  @Test
  void elementChangesAfterAnUpsertFoldIntoTheRow() {
    DeltaMerger m = new DeltaMerger();
    m.add(new NbDelta(List.of(AddressSet.of("a", List.of("10.0.0.1"), Map.of())), List.of(), List.of()));
    m.add(new NbDelta(List.of(), List.of(), List.of(MemberChange.of(new RowRef(NbTable.ADDRESS_SET, "a"),
        List.of("10.0.0.2"), List.of("10.0.0.1")))));
    NbDelta d = m.build();
    assertThat(d.memberChanges()).isEmpty();
    assertThat(((AddressSet) d.upserts().get(0)).addresses()).containsExactly("10.0.0.2");
  }

  @Test
  void opposingElementChangesCancel() {
    DeltaMerger m = new DeltaMerger();
    RowRef pg = new RowRef(NbTable.PORT_GROUP, "pg");
    m.add(new NbDelta(List.of(), List.of(), List.of(MemberChange.of(pg, List.of("p1"), List.of()))));
    m.add(new NbDelta(List.of(), List.of(), List.of(MemberChange.of(pg, List.of(), List.of("p1")))));
    NbDelta d = m.build();
    assertThat(d.memberChanges()).hasSize(1);
    assertThat(d.memberChanges().get(0).added()).isEmpty();
    assertThat(d.memberChanges().get(0).removed()).containsExactly("p1");
  }
}
