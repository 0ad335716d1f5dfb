package io.netctl.anp.api;

import java.util.Objects;

/**
 * A set of pods: the pods matching {@code pods} in the namespaces matching {@code namespaces}, or, when
 * {@code namespace} is not empty, in that namespace only (NetworkPolicy's own namespace).
 */
public record PodSelection(String namespace, LabelSelector namespaces, LabelSelector pods) {
  public PodSelection {
    namespace = namespace == null ? "" : namespace;
    Objects.requireNonNull(namespaces, "namespaces");
    Objects.requireNonNull(pods, "pods");
  }

  public static PodSelection of(LabelSelector namespaces, LabelSelector pods) {
    return new PodSelection("", namespaces, pods);
  }

  public static PodSelection inNamespace(String namespace, LabelSelector pods) {
    return new PodSelection(namespace, LabelSelector.ALL, pods);
  }

  public boolean fixedNamespace() {
    return !namespace.isEmpty();
  }

  public boolean matchesNamespace(Namespace ns) {
    return fixedNamespace() ? namespace.equals(ns.name()) : namespaces.matches(ns.labels());
  }
}
