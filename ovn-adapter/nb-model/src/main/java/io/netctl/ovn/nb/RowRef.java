package io.netctl.ovn.nb;

import java.util.Objects;

/** Names one row of netctl's desired state. */
public record RowRef(NbTable table, String key) implements Comparable<RowRef> {
  public RowRef {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
  }

  @Override
  public int compareTo(RowRef o) {
    int c = table.compareTo(o.table);
    return c != 0 ? c : key.compareTo(o.key);
  }

  @Override
  public String toString() {
    return table.wireName() + "/" + key;
  }
}
