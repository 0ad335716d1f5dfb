package io.netctl.ovn.nb;

import java.util.Objects;
import java.util.SortedMap;

/**
 * An ACL row, applied through the Port_Group {@link #portGroup()} (the group's {@code acls} column refers to it).
 *
 * @param portGroup name of the Port_Group whose {@code acls} column holds this ACL
 * @param direction {@code from-lport} (egress) or {@code to-lport} (ingress)
 * @param tier ACL tier, 0-3 (OVN 23.09+); netctl uses 1 for admin policies, 2 for NetworkPolicy, 3 for baseline
 * @param priority 0-32767, higher is evaluated first within a tier
 * @param match the OVN match expression
 * @param action the action
 * @param name a readable name (at most 63 characters, OVN's limit)
 * @param log whether matching packets are logged
 * @param severity log severity ({@code alert}, {@code warning}, {@code notice}, {@code info}, {@code debug}) or null
 * @param meter the Meter that rate-limits logging, or null
 * @param options the {@code options} column (netctl sets {@code apply-after-lb=true} on egress ACLs)
 * @param externalIds ownership ids; {@link Ownership#ID} is the key
 */
public record Acl(
    String portGroup,
    AclDirection direction,
    int tier,
    int priority,
    String match,
    AclAction action,
    String name,
    boolean log,
    String severity,
    String meter,
    SortedMap<String, String> options,
    SortedMap<String, String> externalIds)
    implements NbRow {

  public static final int MAX_PRIORITY = 32767;
  public static final int MAX_NAME_LENGTH = 63;

  public Acl {
    Objects.requireNonNull(portGroup, "portGroup");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(action, "action");
    if (priority < 0 || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException("ACL priority: " + priority + " (expected: 0-" + MAX_PRIORITY + ")");
    }
    if (tier < 0 || tier > 3) {
      throw new IllegalArgumentException("ACL tier: " + tier + " (expected: 0-3)");
    }
    if (name != null && name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("ACL name: " + name.length() + " characters (expected: <= 63)");
    }
    options = Rows.map(options);
    externalIds = Rows.map(externalIds);
    if (!externalIds.containsKey(Ownership.ID)) {
      throw new IllegalArgumentException("ACL external_ids: no " + Ownership.ID);
    }
  }

  @Override
  public NbTable table() {
    return NbTable.ACL;
  }

  @Override
  public String key() {
    return externalIds.get(Ownership.ID);
  }
}
