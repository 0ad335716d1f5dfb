package io.netctl.anp.diag;

/**
 * What kind of problem a diagnostic reports. The names double as the condition reasons the controller writes into
 * policy status, and each has a section in docs/compiler.md.
 */
public enum Code {
  /** The file is not valid YAML. */
  YAML_SYNTAX("YAMLSyntax"),
  /** A document is not an object netctl reads (unknown kind or apiVersion); it is skipped. */
  UNSUPPORTED_KIND("UnsupportedKind"),
  /** The object breaks a validation rule of its CRD; it is not programmed. */
  INVALID_SPEC("InvalidSpec"),
  /** A field netctl does not know; it is ignored (peers with only unknown fields fail closed). */
  UNKNOWN_FIELD("UnknownField"),
  /** Two policies of one tier share a priority; they are ordered by kind, then name. */
  DUPLICATE_PRIORITY("DuplicatePriority"),
  /** The same object appears twice in the input; the later one wins. */
  DUPLICATE_OBJECT("DuplicateObject"),
  /** The tier's OVN priority range cannot hold every policy's rules; the policy is not programmed. */
  PRIORITY_RANGE_EXHAUSTED("PriorityRangeExhausted");

  private final String reason;

  Code(String reason) {
    this.reason = reason;
  }

  /** The CamelCase reason, as in a Kubernetes condition. */
  public String reason() {
    return reason;
  }
}
