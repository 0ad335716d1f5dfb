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
