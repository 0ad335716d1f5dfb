package io.netctl.ovn.nb;

import java.util.List;

/**
 * A change to netctl's desired Northbound state.
 *
 * @param upserts rows created or replaced whole
 * @param deletes rows that are no longer desired
 * @param memberChanges element deltas on rows that otherwise stay as they are
 */
public record NbDelta(List<NbRow> upserts, List<RowRef> deletes, List<MemberChange> memberChanges) {
  public static final NbDelta EMPTY = new NbDelta(List.of(), List.of(), List.of());

  public NbDelta {
    upserts = List.copyOf(upserts);
    deletes = List.copyOf(deletes);
    memberChanges = List.copyOf(memberChanges);
  }

  public boolean isEmpty() {
    return upserts.isEmpty() && deletes.isEmpty() && memberChanges.isEmpty();
  }

  /** Number of rows this delta touches. */
  public int size() {
    return upserts.size() + deletes.size() + memberChanges.size();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("NbDelta{");
    for (NbRow r : upserts) {
      sb.append("\n  put ").append(r.ref());
    }
    for (RowRef r : deletes) {
      sb.append("\n  del ").append(r);
    }
    for (MemberChange m : memberChanges) {
      sb.append("\n  mut ").append(m.row()).append(" +").append(m.added()).append(" -").append(m.removed());
    }
    return sb.append(isEmpty() ? "}" : "\n}").toString();
  }
}
