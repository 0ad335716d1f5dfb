package io.netctl.ovn.nb;

import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * A Port_Group row: the logical switch ports of a policy's subject, referred to as {@code @name} in ACL matches.
 *
 * <p>Members are logical switch port <em>names</em>; the adapter resolves them to row UUIDs. The group's {@code acls}
 * column is derived from the ACLs whose {@link Acl#portGroup()} names this group.
 *
 * @param name unique name, {@code [a-z0-9_]} and starting with a letter
 * @param ports logical switch port names
 * @param externalIds ownership ids
 */
public record PortGroup(String name, SortedSet<String> ports, SortedMap<String, String> externalIds)
    implements NbRow {

  public PortGroup {
    Objects.requireNonNull(name, "name");
    ports = Rows.set(ports);
    externalIds = Rows.map(externalIds);
  }

  /** From any collection of port names (sorted and deduplicated here). */
  public static PortGroup of(String name, java.util.Collection<String> ports, java.util.Map<String, String> externalIds) {
    return new PortGroup(name, Rows.set(ports), Rows.map(externalIds));
  }

  @Override
  public NbTable table() {
    return NbTable.PORT_GROUP;
  }

  @Override
  public String key() {
    return name;
  }

  public PortGroup withPorts(SortedSet<String> p) {
    return new PortGroup(name, p, externalIds);
  }
}
