package io.netctl.cli;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.ovn.nb.NbPrinter;
import io.netctl.ovn.nb.NbState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl compile}: prints the desired Northbound rows for a set of Kubernetes objects. */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = {
      "Compile AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy (and, with --networkpolicy,"
          + " NetworkPolicy) into OVN Northbound rows.",
      "Exit status: 0 when everything compiled, 2 when any object has an error (diagnostics on stderr), 1 on an"
          + " unexpected failure."
    })
final class CompileCommand implements Callable<Integer> {

  enum Format {
    json,
    yaml,
    nbctl
  }

  @CommandLine.Mixin PolicyInputs inputs;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "json",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Compiled c = inputs.compile(spec.commandLine(), err);
    if (c == null) {
      return Main.EXIT_INVALID_INPUT;
    }
    out.print(
        switch (output) {
          case json -> NbPrinter.json(c.state());
          case yaml -> NbPrinter.yaml(c.state());
          case nbctl -> NbPrinter.nbctl(c.state());
        });
    out.flush();
    err.flush();
    return c.diagnostics().stream().anyMatch(Diagnostic::isError) ? Main.EXIT_INVALID_INPUT : 0;
  }

  /** Loaded and compiled input with every diagnostic, sorted. */
  record Compiled(List<ClusterObject> objects, NbState state, List<Diagnostic> diagnostics) {}

  static Compiled compile(List<YamlLoader.Source> sources, PolicyCompiler.Options options) {
    YamlLoader.LoadResult loaded = YamlLoader.load(sources);
    PolicyCompiler compiler = new PolicyCompiler(options);
    loaded.locations().forEach(compiler::setLocation);
    compiler.load(loaded.objects());
    List<Diagnostic> diags = new ArrayList<>(loaded.diagnostics());
    diags.addAll(compiler.diagnostics());
    Collections.sort(diags);
    return new Compiled(loaded.objects(), compiler.state(), diags);
  }
}
