package io.netctl.api;

import java.util.Objects;

/** A request the backend cannot answer, with a reason the server turns into a gRPC status code. */
public final class ApiException extends RuntimeException {

  /** Why; each maps to one gRPC status code. */
  public enum Reason {
    /** The request is malformed (a bad address, protocol or port): INVALID_ARGUMENT. */
    INVALID_ARGUMENT,
    /** It names something that does not exist (a pod): NOT_FOUND. */
    NOT_FOUND,
    /** What it needs is not configured or not reachable (no Northbound, no BFD): UNAVAILABLE. */
    UNAVAILABLE,
    /** The backend failed or timed out: INTERNAL. */
    INTERNAL
  }

  private final Reason reason;

  public ApiException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public ApiException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
