package io.netctl.ovn.nb;

import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * An Address_Set row: IP addresses or CIDRs of one family, referred to as {@code $name} in ACL matches.
 *
 * @param name unique name, {@code [a-z0-9_]} and starting with a letter
 * @param addresses addresses and CIDRs in canonical form
 * @param externalIds ownership ids
 */
public record AddressSet(String name, SortedSet<String> addresses, SortedMap<String, String> externalIds)
    implements NbRow {

  public AddressSet {
    Objects.requireNonNull(name, "name");
    addresses = Rows.set(addresses);
    externalIds = Rows.map(externalIds);
  }

  /** From any collection of addresses (sorted and deduplicated here). */
  public static AddressSet of(String name, java.util.Collection<String> addresses, java.util.Map<String, String> externalIds) {
    return new AddressSet(name, Rows.set(addresses), Rows.map(externalIds));
  }

  @Override
  public NbTable table() {
    return NbTable.ADDRESS_SET;
  }

  @Override
  public String key() {
    return name;
  }

  public AddressSet withAddresses(SortedSet<String> a) {
    return new AddressSet(name, a, externalIds);
  }
}
