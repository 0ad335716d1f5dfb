package io.netctl.anp.compile;

import io.netctl.anp.diag.Diagnostic;
import io.netctl.ovn.nb.NbState;
import java.util.List;

/** The rows a compile produced and what it found wrong. */
public record CompileResult(NbState state, List<Diagnostic> diagnostics) {
  public CompileResult {
    diagnostics = List.copyOf(diagnostics);
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }
}
