package io.netctl.ovn.ovsdb;

import java.util.List;

/**
 * What one reconcile did.
 *
 * @param counts rows created, updated and deleted per table (committed transactions only; planned ones on a dry run)
 * @param transactions transactions committed (planned, on a dry run)
 * @param operations operations in them
 * @param elapsedMillis wall time, connecting included
 * @param warnings things worth knowing that did not stop anything (ports that do not exist yet)
 * @param errors rows that were not programmed, or the transaction the server rejected
 * @param planned on a dry run, each planned operation described; empty otherwise
 * @param reconnects how often the connection was re-established during this reconcile
 */
public record ReconcileResult(
    ChangeCounts counts,
    int transactions,
    int operations,
    long elapsedMillis,
    List<String> warnings,
    List<String> errors,
    List<String> planned,
    int reconnects) {
  public ReconcileResult {
    warnings = List.copyOf(warnings);
    errors = List.copyOf(errors);
    planned = List.copyOf(planned);
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
