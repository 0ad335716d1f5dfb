package io.netctl.anp.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Kubernetes label selector ({@code metav1.LabelSelector}): {@code matchLabels} and {@code matchExpressions}, ANDed.
 * An empty selector selects everything. Records compare by value, so equal selectors share one cached selection.
 */
public record LabelSelector(SortedMap<String, String> matchLabels, List<Requirement> matchExpressions) {
  public static final LabelSelector ALL = new LabelSelector(new TreeMap<>(), List.of());

  public LabelSelector {
    matchLabels = Collections.unmodifiableSortedMap(new TreeMap<>(matchLabels));
    List<Requirement> sorted = new ArrayList<>(matchExpressions);
    sorted.sort(null);
    matchExpressions = List.copyOf(sorted);
  }

  public static LabelSelector of(Map<String, String> matchLabels) {
    return new LabelSelector(new TreeMap<>(matchLabels), List.of());
  }

  public boolean isEmpty() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** The operators of {@code matchExpressions}. */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String k8s;

    Operator(String k8s) {
      this.k8s = k8s;
    }

    public String k8s() {
      return k8s;
    }

    public static Operator parse(String s) {
      for (Operator o : values()) {
        if (o.k8s.equals(s)) {
          return o;
        }
      }
      return null;
    }
  }

  /** One {@code matchExpressions} entry. */
  public record Requirement(String key, Operator operator, SortedSet<String> values) implements Comparable<Requirement> {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = Collections.unmodifiableSortedSet(new TreeSet<>(values));
    }

    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }

    @Override
    public int compareTo(Requirement o) {
      int c = key.compareTo(o.key);
      if (c != 0) {
        return c;
      }
      c = operator.compareTo(o.operator);
      return c != 0 ? c : values.toString().compareTo(o.values.toString());
    }
  }

  @Override
  public String toString() {
    if (isEmpty()) {
      return "{}";
    }
    StringBuilder sb = new StringBuilder("{");
    matchLabels.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append('=').append(v));
    for (Requirement r : matchExpressions) {
      sb.append(sb.length() > 1 ? "," : "").append(r.key).append(' ').append(r.operator.k8s()).append(' ')
          .append(r.values);
    }
    return sb.append('}').toString();
  }
}
