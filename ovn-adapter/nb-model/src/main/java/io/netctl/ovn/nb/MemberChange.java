package io.netctl.ovn.nb;

import java.util.Objects;
import java.util.SortedSet;

/**
 * Elements added to and removed from the set column of an existing row: {@code addresses} of an Address_Set,
 * {@code ports} of a Port_Group. The adapter turns it into one OVSDB {@code mutate}, so that a pod joining a group of
 * 10,000 sends one element, not 10,000 (the full rewrite is what floods ovn-controller, ovn-kubernetes #6679).
 */
public record MemberChange(RowRef row, SortedSet<String> added, SortedSet<String> removed) {
  public MemberChange {
    Objects.requireNonNull(row, "row");
    if (row.table() != NbTable.ADDRESS_SET && row.table() != NbTable.PORT_GROUP) {
      throw new IllegalArgumentException("member change on " + row + " (expected: Address_Set or Port_Group)");
    }
    added = Rows.set(added);
    removed = Rows.set(removed);
  }

  /** From any collections (sorted and deduplicated here). */
  public static MemberChange of(RowRef row, java.util.Collection<String> added, java.util.Collection<String> removed) {
    return new MemberChange(row, Rows.set(added), Rows.set(removed));
  }

  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty();
  }
}
