package io.netctl.egress;

/**
 * Logical_Router_Policy priorities of egress gateways.
 *
 * <p>The values are Kube-OVN's VpcEgressGateway's, so that netctl ranks the same way against the other policies a
 * Kube-OVN or ovn-kubernetes router carries: their node and subnet policies (ovn-kubernetes 101-1004, Kube-OVN's
 * 31000 "to the node/subnet" allow policies) keep their order relative to egress, so traffic to the cluster's own
 * networks is never rerouted, and an operator who knows one reads the other. The gaps leave room for policies in
 * between. One gateway's policies never share a priority with overlapping matches:
 *
 * <pre>
 *   29150  LOCAL    reroute, per node: sources on node N to the Up instances on N (trafficPolicy Local)
 *   29100  REROUTE  reroute: sources to every Up instance (ECMP)
 *   29090  DROP     drop: the same match; reached only when the reroute policy has no nexthop (failMode Drop)
 * </pre>
 *
 * A reroute policy whose {@code nexthops} is empty produces no logical flow (ovn-northd skips it; checked with
 * {@code ovn-trace} in the sandbox), so packets fall through to the next priority: from LOCAL to REROUTE when no
 * instance on the node is Up, from REROUTE to DROP (or to normal routing with failMode Route) when none is Up at all.
 * That is why the drop policy can stay in place and every failover is one {@code mutate} of one policy's nexthops.
 */
public final class EgressPriorities {
  public static final int LOCAL = 29150;
  public static final int REROUTE = 29100;
  public static final int DROP = 29090;

  private EgressPriorities() {}
}
