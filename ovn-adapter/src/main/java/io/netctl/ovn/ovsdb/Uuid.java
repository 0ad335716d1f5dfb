package io.netctl.ovn.ovsdb;

import java.util.Objects;

/** A row's {@code _uuid}, as the server assigned it. */
public record Uuid(String value) implements Comparable<Uuid> {
  public Uuid {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public int compareTo(Uuid o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
