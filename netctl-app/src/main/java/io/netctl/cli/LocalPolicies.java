package io.netctl.cli;

import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.api.CompiledBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Files compiled in this process, for the commands that answer API questions without a daemon ({@code explain -f},
 * {@code serve}): the compiler (kept, unlike {@code compile}'s result, so a backend can read it) and the loader's
 * diagnostics.
 */
record LocalPolicies(PolicyCompiler compiler, List<Diagnostic> loaderDiagnostics, boolean hasErrors) {

  /** Reads and compiles; diagnostics go to {@code err}; IOException when a path cannot be read. */
  static LocalPolicies load(List<String> paths, LspNaming naming, boolean networkPolicy, PrintWriter err)
      throws IOException {
    List<YamlLoader.Source> sources = Inputs.read(paths, System.in);
    YamlLoader.LoadResult loaded = YamlLoader.load(sources);
    PolicyCompiler compiler = new PolicyCompiler(new PolicyCompiler.Options(naming, networkPolicy));
    loaded.locations().forEach(compiler::setLocation);
    compiler.load(loaded.objects());
    List<Diagnostic> diags = new ArrayList<>(loaded.diagnostics());
    diags.addAll(compiler.diagnostics());
    java.util.Collections.sort(diags);
    boolean errors = false;
    for (Diagnostic d : diags) {
      err.println(d.format());
      errors |= d.isError();
    }
    err.flush();
    return new LocalPolicies(compiler, loaded.diagnostics(), errors);
  }

  /** A backend on the compiled files, read on the calling thread (nothing else touches the compiler). */
  CompiledBackend.Builder backend() {
    return CompiledBackend.builder(compiler, Runnable::run)
        .mode("local")
        .conditions(CompiledBackend.derivedConditions(compiler, () -> loaderDiagnostics));
  }
}
