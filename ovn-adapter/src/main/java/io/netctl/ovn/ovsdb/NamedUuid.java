package io.netctl.ovn.ovsdb;

import java.util.Objects;

/**
 * A reference, inside one transaction, to a row that an earlier {@link Operation.Insert} of the same transaction
 * creates (RFC 7047 {@code named-uuid}).
 */
public record NamedUuid(String name) {
  public NamedUuid {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[_a-zA-Z][_a-zA-Z0-9]*")) {
      throw new IllegalArgumentException("named-uuid: " + name + " (expected: [_a-zA-Z][_a-zA-Z0-9]*)");
    }
  }

  @Override
  public String toString() {
    return "@" + name;
  }
}
