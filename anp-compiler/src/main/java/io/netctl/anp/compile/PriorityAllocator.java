package io.netctl.anp.compile;

import io.netctl.anp.api.ObjectRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps policy priorities (0-1000, lower wins) and rule order onto OVN ACL priorities (0-32767, higher wins) inside one
 * tier.
 *
 * <h2>Why not a formula</h2>
 * ovn-kubernetes and Kube-OVN compute {@code 30000 - 100 * priority - ruleIndex}, which only fits priorities 0-99.
 * The API allows 0-1000 with up to 100 rules per direction: 100,100 slots, three times OVN's range. But no real tier
 * holds 1,001 policies of 100 rules, so netctl allocates from the policies that exist.
 *
 * <h2>The scheme</h2>
 * <ul>
 *   <li>Each policy needs a band of {@code width = max(ingress rules, egress rules)} consecutive ACL priorities (at
 *       least 1); rule {@code i} of a direction gets {@code top - i}. Ingress and egress ACLs live in separate OVN
 *       pipelines, so they share the band.
 *   <li>Every API priority {@code p} has an <em>ideal top</em> {@code HIGH - SLOT * p}, with {@code SLOT = 30}: a
 *       fixed grid, so a policy of up to 30 rules sits at the same ACL priorities whatever else exists. Adding,
 *       removing or re-prioritising one policy then rewrites only that policy's ACLs.
 *   <li>Policies are placed in precedence order (priority, then kind, then name). A policy takes its ideal top unless
 *       the previous band reaches below it; then it starts right under that band. So a policy wider than its slot
 *       pushes the next ones down only as far as needed, and the push stops at the first gap.
 *   <li>If the bands do not fit above {@link #LOW}, everything is repacked: bands in order with the spare room spread
 *       evenly between them. Only then do unrelated policies move.
 *   <li>If the rules do not fit at all, the policies that do not fit are reported and not programmed.
 * </ul>
 * The result is a pure function of the tier's policies: a full compile and any sequence of incremental updates agree.
 */
public final class PriorityAllocator {
  /** Highest ACL priority used. 32767 is OVN's maximum; the room above is left for operators' own ACLs. */
  public static final int HIGH = 32000;
  /** Lowest ACL priority used. */
  public static final int LOW = 1;
  /** Ideal distance between consecutive API priorities. */
  public static final int SLOT = 30;
  /** The API priority BANP is placed at: below every ClusterNetworkPolicy of the Baseline tier. */
  public static final int BANP_PRIORITY = 1001;

  private PriorityAllocator() {}

  /**
   * A policy asking for room.
   *
   * @param ref the policy
   * @param priority API priority (0-1000, or {@link #BANP_PRIORITY})
   * @param kindOrder tie-breaker between kinds with the same priority
   * @param width number of ACL priorities needed
   */
  public record Request(ObjectRef ref, int priority, int kindOrder, int width) {}

  /** Where each policy's band starts (its highest ACL priority), and the policies that did not fit. */
  public record Allocation(Map<ObjectRef, Integer> tops, List<ObjectRef> unplaced) {}

  static final Comparator<Request> PRECEDENCE =
      Comparator.comparingInt(Request::priority)
          .thenComparingInt(Request::kindOrder)
          .thenComparing(r -> r.ref().name())
          .thenComparing(r -> r.ref().namespace());

  public static int idealTop(int priority) {
    return HIGH - SLOT * priority;
  }

  public static Allocation allocate(List<Request> requests) {
    List<Request> sorted = new ArrayList<>(requests);
    sorted.sort(PRECEDENCE);
    Map<ObjectRef, Integer> tops = new LinkedHashMap<>();
    int cursor = HIGH;
    boolean fits = true;
    for (Request r : sorted) {
      int top = Math.min(idealTop(r.priority()), cursor);
      int bottom = top - Math.max(1, r.width()) + 1;
      if (bottom < LOW) {
        fits = false;
        break;
      }
      tops.put(r.ref(), top);
      cursor = bottom - 1;
    }
    if (fits) {
      return new Allocation(tops, List.of());
    }
    return repack(sorted);
  }

  /** Bands in order, the spare room spread evenly before each band. */
  private static Allocation repack(List<Request> sorted) {
    long total = 0;
    int placeable = 0;
    for (Request r : sorted) {
      if (total + Math.max(1, r.width()) > HIGH - LOW + 1) {
        break;
      }
      total += Math.max(1, r.width());
      placeable++;
    }
    long spare = (HIGH - LOW + 1) - total;
    long gap = placeable == 0 ? 0 : spare / (placeable + 1);
    Map<ObjectRef, Integer> tops = new LinkedHashMap<>();
    List<ObjectRef> unplaced = new ArrayList<>();
    long cursor = HIGH;
    for (int i = 0; i < sorted.size(); i++) {
      Request r = sorted.get(i);
      if (i >= placeable) {
        unplaced.add(r.ref());
        continue;
      }
      long top = cursor - gap;
      tops.put(r.ref(), (int) top);
      cursor = top - Math.max(1, r.width());
    }
    return new Allocation(tops, unplaced);
  }
}
