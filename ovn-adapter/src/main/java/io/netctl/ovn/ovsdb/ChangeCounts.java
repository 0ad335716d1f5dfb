package io.netctl.ovn.ovsdb;

import java.util.Map;
import java.util.TreeMap;

/** Rows created, updated and deleted, per table. */
public final class ChangeCounts {
  /** What happened to a row. */
  public enum Kind {
    CREATED,
    UPDATED,
    DELETED
  }

  private final Map<String, int[]> byTable = new TreeMap<>();

  public void add(String table, Kind kind) {
    add(table, kind, 1);
  }

  public void add(String table, Kind kind, int n) {
    byTable.computeIfAbsent(table, k -> new int[3])[kind.ordinal()] += n;
  }

  public void addAll(ChangeCounts o) {
    for (Map.Entry<String, int[]> e : o.byTable.entrySet()) {
      for (Kind k : Kind.values()) {
        add(e.getKey(), k, e.getValue()[k.ordinal()]);
      }
    }
  }

  public int get(String table, Kind kind) {
    int[] c = byTable.get(table);
    return c == null ? 0 : c[kind.ordinal()];
  }

  public int total() {
    int n = 0;
    for (int[] c : byTable.values()) {
      n += c[0] + c[1] + c[2];
    }
    return n;
  }

  public boolean isEmpty() {
    return total() == 0;
  }

  /** E.g. {@code ACL +3 ~1 -0, Port_Group +1 ~0 -0}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, int[]> e : byTable.entrySet()) {
      int[] c = e.getValue();
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(e.getKey()).append(" +").append(c[0]).append(" ~").append(c[1]).append(" -").append(c[2]);
    }
    return sb.length() == 0 ? "no changes" : sb.toString();
  }
}
