package io.netctl.controller;

import java.util.List;
import java.util.Objects;

/**
 * The status conditions netctl reports on one policy: one set per object (never one per node), compared with what was
 * last written so that an unchanged set is not written again.
 *
 * @param conditions in a fixed order: Programmed first, then the problem conditions that are True
 */
public record Conditions(List<Condition> conditions) {
  public static final String PROGRAMMED = "Programmed";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String DUPLICATE_PRIORITY = "DuplicatePriority";
  public static final String UNSUPPORTED = "UnsupportedByOVN";

  public Conditions {
    conditions = List.copyOf(conditions);
  }

  /** One Kubernetes condition, without the transition time (kept by the writer when the status does not change). */
  public record Condition(String type, boolean status, String reason, String message) {
    public Condition {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(reason, "reason");
      message = message == null ? "" : message;
    }

    public String statusString() {
      return status ? "True" : "False";
    }
  }

  public Condition get(String type) {
    for (Condition c : conditions) {
      if (c.type().equals(type)) {
        return c;
      }
    }
    return null;
  }

  public boolean isTrue(String type) {
    Condition c = get(type);
    return c != null && c.status();
  }

  /** {@code Programmed=True (12 ACLs); DuplicatePriority=True: ...}, one line. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Condition c : conditions) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(c.type()).append('=').append(c.statusString()).append(' ').append(c.reason());
      if (!c.message().isEmpty()) {
        sb.append(": ").append(c.message());
      }
    }
    return sb.toString();
  }
}
