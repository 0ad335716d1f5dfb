package io.netctl.cli;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.compile.LspNaming;
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

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "PATH",
      description = "YAML/JSON file or directory of Kubernetes objects; '-' reads stdin. Repeatable.")
  List<String> paths;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "json",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format output;

  @Option(names = "--networkpolicy", description = "Also compile NetworkPolicy (tier 2).")
  boolean networkPolicy;

  @Option(
      names = "--lsp-name-format",
      defaultValue = "kube-ovn",
      paramLabel = "FORMAT",
      description = "Logical switch port names: kube-ovn (<pod>.<namespace>) or ovn-kubernetes (<namespace>_<pod>).")
  String lspNameFormat;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LspNaming naming;
    try {
      naming = LspNaming.parse(lspNameFormat);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    List<YamlLoader.Source> sources;
    try {
      sources = Inputs.read(paths, System.in);
    } catch (java.io.IOException e) {
      err.println("netctl: " + e.getMessage());
      err.flush();
      return Main.EXIT_INVALID_INPUT;
    }
    Compiled c = compile(sources, new PolicyCompiler.Options(naming, networkPolicy));
    for (Diagnostic d : c.diagnostics()) {
      err.println(d.format());
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
