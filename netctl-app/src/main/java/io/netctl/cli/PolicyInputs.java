package io.netctl.cli;

import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The input options {@code compile} and {@code apply} share ({@code -f}, {@code --networkpolicy},
 * {@code --lsp-name-format}) and reading and compiling them, with diagnostics on stderr.
 */
final class PolicyInputs {

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "PATH",
      description = "YAML/JSON file or directory of Kubernetes objects; '-' reads stdin. Repeatable.")
  List<String> paths;

  @Option(names = "--networkpolicy", description = "Also compile NetworkPolicy (tier 2).")
  boolean networkPolicy;

  @Option(
      names = "--lsp-name-format",
      defaultValue = "kube-ovn",
      paramLabel = "FORMAT",
      description = "Logical switch port names: kube-ovn (<pod>.<namespace>) or ovn-kubernetes (<namespace>_<pod>).")
  String lspNameFormat;

  /** The compiler options, or a usage error naming the bad value. */
  PolicyCompiler.Options options(CommandLine cl) {
    try {
      return new PolicyCompiler.Options(LspNaming.parse(lspNameFormat), networkPolicy);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
  }

  /**
   * Reads and compiles the inputs, printing every diagnostic to {@code err}; null (after printing why) when a path
   * cannot be read.
   */
  CompileCommand.Compiled compile(CommandLine cl, PrintWriter err) {
    PolicyCompiler.Options options = options(cl);
    List<YamlLoader.Source> sources;
    try {
      sources = Inputs.read(paths, System.in);
    } catch (IOException e) {
      err.println("netctl: " + e.getMessage());
      err.flush();
      return null;
    }
    CompileCommand.Compiled c = CompileCommand.compile(sources, options);
    for (Diagnostic d : c.diagnostics()) {
      err.println(d.format());
    }
    err.flush();
    return c;
  }
}
