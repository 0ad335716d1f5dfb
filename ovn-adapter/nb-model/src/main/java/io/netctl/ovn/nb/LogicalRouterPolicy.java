package io.netctl.ovn.nb;

import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * A Logical_Router_Policy row, held by the {@code policies} column of the Logical_Router {@link #router()}.
 *
 * <p>The row is not a root row: the adapter inserts it in the same transaction as the router's {@code policies}
 * mutation that refers to it, and removes it by deleting it from that set (the server collects it). netctl never
 * writes the router's other columns or other policies.
 *
 * @param router name of the Logical_Router whose {@code policies} column holds this policy
 * @param priority 0-32767, higher is evaluated first
 * @param match the OVN match expression
 * @param action {@code reroute}, {@code drop} or {@code allow}
 * @param nexthops the reroute nexthops (ECMP when more than one); empty for other actions. A reroute policy with no
 *     nexthop produces no logical flow (ovn-northd skips it), so packets fall through to lower priorities.
 * @param options the {@code options} column (e.g. {@code pkt_mark})
 * @param externalIds ownership ids; {@link Ownership#ID} is the key
 */
public record LogicalRouterPolicy(
    String router,
    int priority,
    String match,
    Action action,
    SortedSet<String> nexthops,
    SortedMap<String, String> options,
    SortedMap<String, String> externalIds)
    implements NbRow {

  public static final int MAX_PRIORITY = 32767;

  /** The policy actions netctl writes. */
  public enum Action {
    ALLOW("allow"),
    DROP("drop"),
    REROUTE("reroute");

    private final String wireName;

    Action(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Action fromWire(String s) {
      for (Action a : values()) {
        if (a.wireName.equals(s)) {
          return a;
        }
      }
      throw new IllegalArgumentException("Logical_Router_Policy action: \"" + s + "\" (expected: allow, drop or reroute)");
    }
  }

  public LogicalRouterPolicy {
    Objects.requireNonNull(router, "router");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(action, "action");
    if (priority < 0 || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException(
          "Logical_Router_Policy priority: " + priority + " (expected: 0-" + MAX_PRIORITY + ")");
    }
    nexthops = Rows.set(nexthops);
    if (action != Action.REROUTE && !nexthops.isEmpty()) {
      throw new IllegalArgumentException("Logical_Router_Policy nexthops: " + nexthops + " on a " + action.wireName()
          + " policy (expected: none)");
    }
    options = Rows.map(options);
    externalIds = Rows.map(externalIds);
    if (!externalIds.containsKey(Ownership.ID)) {
      throw new IllegalArgumentException("Logical_Router_Policy external_ids: no " + Ownership.ID);
    }
  }

  /** From any collections (sorted and deduplicated here). */
  public static LogicalRouterPolicy of(
      String router,
      int priority,
      String match,
      Action action,
      java.util.Collection<String> nexthops,
      java.util.Map<String, String> externalIds) {
    return new LogicalRouterPolicy(
        router, priority, match, action, Rows.set(nexthops), Rows.map(java.util.Map.of()), Rows.map(externalIds));
  }

  @Override
  public NbTable table() {
    return NbTable.LOGICAL_ROUTER_POLICY;
  }

  @Override
  public String key() {
    return externalIds.get(Ownership.ID);
  }

  public LogicalRouterPolicy withNexthops(java.util.Collection<String> n) {
    return new LogicalRouterPolicy(router, priority, match, action, Rows.set(n), options, externalIds);
  }
}
