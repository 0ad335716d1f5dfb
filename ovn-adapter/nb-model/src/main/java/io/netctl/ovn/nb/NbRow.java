package io.netctl.ovn.nb;

import java.util.SortedMap;

/** A Northbound row netctl owns. */
public sealed interface NbRow permits Acl, AddressSet, PortGroup, LogicalRouterPolicy {

  NbTable table();

  /** The row's key in netctl's desired state: its name, or its {@link Ownership#ID} for tables without names. */
  String key();

  /** The row's {@code external_ids}, always carrying the {@link Ownership} keys. */
  SortedMap<String, String> externalIds();

  default RowRef ref() {
    return new RowRef(table(), key());
  }
}
