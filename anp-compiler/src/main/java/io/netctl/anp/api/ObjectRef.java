package io.netctl.anp.api;

import java.util.Comparator;
import java.util.Objects;

/**
 * Identifies one Kubernetes object.
 *
 * @param kind the kind
 * @param namespace the namespace of a namespaced object, otherwise the empty string
 * @param name the name
 */
public record ObjectRef(Kind kind, String namespace, String name) implements Comparable<ObjectRef> {
  private static final Comparator<ObjectRef> ORDER =
      Comparator.comparing(ObjectRef::kind).thenComparing(ObjectRef::namespace).thenComparing(ObjectRef::name);

  public ObjectRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    namespace = namespace == null ? "" : namespace;
  }

  public static ObjectRef cluster(Kind kind, String name) {
    return new ObjectRef(kind, "", name);
  }

  /** {@code namespace/name}, or {@code name} for cluster-scoped objects. */
  public String qualifiedName() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** Spreads the hash: names such as {@code pod-1005} in {@code ns-5} make the default record hash collide. */
  @Override
  public int hashCode() {
    int h = (namespace.hashCode() * 0x9E3779B1 + name.hashCode()) * 0x85EBCA6B + kind.ordinal();
    return h ^ (h >>> 15);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectRef r && kind == r.kind && name.equals(r.name) && namespace.equals(r.namespace);
  }

  @Override
  public int compareTo(ObjectRef o) {
    return ORDER.compare(this, o);
  }

  /** {@code Kind/namespace/name}, as kubectl prints it. */
  @Override
  public String toString() {
    return kind.kindName() + "/" + qualifiedName();
  }
}
