package io.netctl.egress.api;

/** Which instances a source uses. */
public enum TrafficPolicy {
  /** Every instance that is Up, whatever node the source runs on. */
  Cluster,
  /** The Up instances on the source's own node first; the others when none is Up there. */
  Local
}
