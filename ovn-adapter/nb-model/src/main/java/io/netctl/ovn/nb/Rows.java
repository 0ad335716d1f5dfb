package io.netctl.ovn.nb;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/** Defensive copies for the row records. */
final class Rows {
  private Rows() {}

  static SortedMap<String, String> map(Map<String, String> m) {
    if (m instanceof SortedMap<String, String> s && isUnmodifiable(s)) {
      return s;
    }
    return Collections.unmodifiableSortedMap(new TreeMap<>(m));
  }

  static SortedSet<String> set(Collection<String> c) {
    if (c instanceof SortedArraySet s) {
      return s;
    }
    return SortedArraySet.of(c);
  }

  private static final Class<?> UNMODIFIABLE_MAP = Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();
  private static boolean isUnmodifiable(Object o) {
    return o.getClass() == UNMODIFIABLE_MAP;
  }
}
