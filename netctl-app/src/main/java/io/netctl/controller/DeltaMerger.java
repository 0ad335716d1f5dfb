package io.netctl.controller;

import io.netctl.ovn.nb.AddressSet;
import io.netctl.ovn.nb.MemberChange;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbRow;
import io.netctl.ovn.nb.PortGroup;
import io.netctl.ovn.nb.RowRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Folds a sequence of {@link NbDelta}s into one with the same effect, so that the deltas compiled while a transaction
 * was in flight go out as one transaction: per row, the last whole-row change wins, and element changes after it are
 * folded into it (into the upserted row's members, or into one net element change).
 */
final class DeltaMerger {
  private sealed interface Change {}

  private record Put(NbRow row) implements Change {}

  private record Del() implements Change {}

  private record Members(SortedSet<String> added, SortedSet<String> removed) implements Change {}

  private final Map<RowRef, Change> changes = new LinkedHashMap<>();

  void add(NbDelta d) {
    for (RowRef r : d.deletes()) {
      changes.put(r, new Del());
    }
    for (NbRow r : d.upserts()) {
      changes.put(r.ref(), new Put(r));
    }
    for (MemberChange m : d.memberChanges()) {
      Change c = changes.get(m.row());
      if (c instanceof Put p) {
        changes.put(m.row(), new Put(withMembers(p.row(), m)));
      } else if (c instanceof Members old) {
        TreeSet<String> added = new TreeSet<>(old.added());
        TreeSet<String> removed = new TreeSet<>(old.removed());
        added.removeAll(m.removed());
        removed.removeAll(m.added());
        added.addAll(m.added());
        removed.addAll(m.removed());
        changes.put(m.row(), new Members(added, removed));
      } else {
        // no change yet, or a delete (an element change after a delete does not happen: the compiler re-creates the
        // row with an upsert first); keep the element change
        changes.put(m.row(), new Members(new TreeSet<>(m.added()), new TreeSet<>(m.removed())));
      }
    }
  }

  private static NbRow withMembers(NbRow row, MemberChange m) {
    if (row instanceof AddressSet as) {
      TreeSet<String> a = new TreeSet<>(as.addresses());
      a.removeAll(m.removed());
      a.addAll(m.added());
      return as.withAddresses(a);
    }
    if (row instanceof PortGroup pg) {
      TreeSet<String> p = new TreeSet<>(pg.ports());
      p.removeAll(m.removed());
      p.addAll(m.added());
      return pg.withPorts(p);
    }
    return row;
  }

  boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Rows touched so far. */
  int size() {
    return changes.size();
  }

  void clear() {
    changes.clear();
  }

  NbDelta build() {
    List<NbRow> upserts = new ArrayList<>();
    List<RowRef> deletes = new ArrayList<>();
    List<MemberChange> members = new ArrayList<>();
    for (Map.Entry<RowRef, Change> e : changes.entrySet()) {
      Change c = e.getValue();
      if (c instanceof Put p) {
        upserts.add(p.row());
      } else if (c instanceof Del) {
        deletes.add(e.getKey());
      } else if (c instanceof Members m && !(m.added().isEmpty() && m.removed().isEmpty())) {
        members.add(new MemberChange(e.getKey(), m.added(), m.removed()));
      }
    }
    return new NbDelta(upserts, deletes, members);
  }
}
