package io.netctl.anp.diag;

import io.netctl.anp.api.ObjectRef;
import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in the input.
 *
 * @param severity error or warning
 * @param code what kind of problem
 * @param location file and line, where known
 * @param object the object, or null when the problem is not inside one object (a YAML syntax error)
 * @param field the field path, e.g. {@code spec.ingress[0].from[1].namespaces}, or empty
 * @param message the reason, phrased as "what: value (expected: X)" where that fits
 */
public record Diagnostic(
    Severity severity, Code code, SourceLocation location, ObjectRef object, String field, String message)
    implements Comparable<Diagnostic> {

  private static final Comparator<Diagnostic> ORDER =
      Comparator.comparing((Diagnostic d) -> d.location.file())
          .thenComparingInt(d -> d.location.line())
          .thenComparing(d -> d.object == null ? "" : d.object.toString())
          .thenComparing(Diagnostic::field)
          .thenComparing(Diagnostic::message);

  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(code, "code");
    location = location == null ? SourceLocation.UNKNOWN : location;
    field = field == null ? "" : field;
    Objects.requireNonNull(message, "message");
  }

  public static Diagnostic error(Code code, SourceLocation at, ObjectRef object, String field, String message) {
    return new Diagnostic(Severity.ERROR, code, at, object, field, message);
  }

  public static Diagnostic warning(Code code, SourceLocation at, ObjectRef object, String field, String message) {
    return new Diagnostic(Severity.WARNING, code, at, object, field, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * {@code file:line: error: AdminNetworkPolicy/deny-all: spec.ingress[0].action: "Reject" (expected: Allow, Deny or
   * Pass) [InvalidSpec]}.
   */
  public String format() {
    StringBuilder sb = new StringBuilder();
    if (location.known()) {
      sb.append(location).append(": ");
    }
    sb.append(severity.label()).append(": ");
    if (object != null) {
      sb.append(object).append(": ");
    }
    if (!field.isEmpty()) {
      sb.append(field).append(": ");
    }
    return sb.append(message).append(" [").append(code.reason()).append(']').toString();
  }

  @Override
  public int compareTo(Diagnostic o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return format();
  }
}
