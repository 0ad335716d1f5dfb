package io.netctl.anp.api;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Namespace: its name and labels. The API server adds {@code kubernetes.io/metadata.name}; so does this record, so
 * that selectors on that label work the same on files as on a cluster.
 */
public record Namespace(String name, SortedMap<String, String> labels) implements ClusterObject {
  public static final String NAME_LABEL = "kubernetes.io/metadata.name";

  public Namespace {
    Objects.requireNonNull(name, "name");
    TreeMap<String, String> l = new TreeMap<>(labels);
    l.put(NAME_LABEL, name);
    labels = java.util.Collections.unmodifiableSortedMap(l);
  }

  public Namespace(String name, Map<String, String> labels) {
    this(name, new TreeMap<>(labels));
  }

  @Override
  public ObjectRef ref() {
    return ObjectRef.cluster(Kind.NAMESPACE, name);
  }
}
