package io.netctl.ovn.ovsdb;

import java.util.List;

/**
 * The server rejected a transaction, so nothing in it was committed. Not a connection problem: retrying the same
 * transaction fails the same way.
 */
public final class TransactionFailedException extends OvsdbException {
  private static final long serialVersionUID = 1L;

  private final String error;
  private final String details;
  private final int operationIndex;
  private final transient Operation operation;

  /**
   * @param error the OVSDB error, e.g. {@code constraint violation}
   * @param details the server's details, or null
   * @param operationIndex index of the failing operation in {@code ops}, or -1 when the commit itself failed
   * @param ops the transaction's operations
   */
  public TransactionFailedException(String error, String details, int operationIndex, List<Operation> ops) {
    super(message(error, details, operationIndex, ops));
    this.error = error;
    this.details = details;
    this.operationIndex = operationIndex;
    this.operation = operationIndex >= 0 && operationIndex < ops.size() ? ops.get(operationIndex) : null;
  }

  private static String message(String error, String details, int i, List<Operation> ops) {
    StringBuilder sb = new StringBuilder("transaction of ").append(ops.size()).append(" operations rejected: ");
    sb.append(error);
    if (details != null && !details.isEmpty()) {
      sb.append(": ").append(details);
    }
    if (i >= 0 && i < ops.size()) {
      sb.append(" (operation ").append(i + 1).append(" of ").append(ops.size()).append(": ");
      sb.append(ops.get(i).describe()).append(')');
    } else {
      sb.append(" (at commit, after every operation succeeded)");
    }
    return sb.toString();
  }

  public String error() {
    return error;
  }

  public String details() {
    return details;
  }

  /** Index of the failing operation, or -1 when the commit failed. */
  public int operationIndex() {
    return operationIndex;
  }

  /** The failing operation, or null when the commit failed. */
  public Operation operation() {
    return operation;
  }
}
