package io.netctl.anp.api;

/** An object the compiler reads. */
public sealed interface ClusterObject permits Namespace, Pod, Node, Policy {
  ObjectRef ref();
}
