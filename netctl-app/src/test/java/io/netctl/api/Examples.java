package io.netctl.api;

import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The repository's {@code examples/} (NetworkPolicy compiled too) and what its policies say about a set of
 * connections: the expectations {@link ExplainExamplesTest} checks through the API and {@link ExplainTraceIT} checks
 * against ovn-trace on a real OVN.
 */
final class Examples {
  static final Path DIR = Path.of("../examples");

  static final String PROMETHEUS = "monitoring/prometheus-0";
  static final String WEB = "frontend/web-5d9c7b6f4-abcde";
  static final String WEB2 = "frontend/web-5d9c7b6f4-fghij";
  static final String API = "backend/api-6f8b9c7d5-klmno";
  static final String POSTGRES = "db/postgres-0";
  static final String SHELL = "sandbox/dev-shell";
  static final String COREDNS = "kube-system/coredns-7db6d8ff4d-x2x9k";

  private Examples() {}

  /**
   * One connection and what the examples' policies decide.
   *
   * @param decidingAcl the name of the ACL that decides, or null when none matches (OVN's default: allow)
   */
  record Probe(String from, String to, String protocol, int port, boolean allowed, String decidingAcl, String why) {
    @Override
    public String toString() {
      return from + " -> " + to + " " + (protocol.isEmpty() ? "ip" : protocol + "/" + port);
    }
  }

  static final List<Probe> PROBES = List.of(
      new Probe(PROMETHEUS, WEB, "tcp", 9100, true, "ANP:allow-monitoring:Ingress:0",
          "monitoring scrapes the named port metrics everywhere"),
      new Probe(PROMETHEUS, POSTGRES, "tcp", 9187, true, "ANP:allow-monitoring:Ingress:0",
          "postgres declares metrics as 9187; priority 10 beats the CNP's deny at 40"),
      new Probe(SHELL, WEB, "tcp", 8080, false, "ANP:isolate-sandbox:Ingress:0", "dev may not reach prod"),
      new Probe(SHELL, COREDNS, "udp", 53, true, "ANP:cluster-dns:Egress:0", "everyone may resolve names"),
      new Probe(WEB, API, "tcp", 9000, true, "NP:backend/api-from-web:Ingress:r0",
          "delegate-prod passes prod-to-prod to the NetworkPolicy, which allows web on port api"),
      new Probe(WEB, API, "tcp", 8080, false, null,
          "passed to the NetworkPolicy, which isolates api: its default deny drops"),
      new Probe(WEB, POSTGRES, "tcp", 5432, false, "CNP:db-only-from-api:Ingress:1", "only api reaches the database"),
      new Probe(API, POSTGRES, "tcp", 5432, true, "CNP:db-only-from-api:Ingress:0", "api reaches postgres by name"),
      new Probe(WEB, WEB2, "tcp", 8080, false, "BANP:default:Ingress:0",
          "passed, no NetworkPolicy selects web, the baseline denies other namespaces... and its own"),
      new Probe(SHELL, "8.8.8.8", "tcp", 443, true, "CNP:sandbox-egress:Egress:0", "the sandbox may browse"),
      new Probe(SHELL, "8.8.8.8", "udp", 53, true, null, "no policy speaks about it: OVN allows"),
      new Probe(WEB, "169.254.169.254", "tcp", 80, false, "ANP:delegate-prod:Egress:0", "no cloud metadata"),
      new Probe(WEB, "172.18.0.2", "tcp", 10250, true, "ANP:delegate-prod:Egress:1", "prod may reach kubelets"),
      new Probe(POSTGRES, WEB, "", 0, false, "BANP:default:Ingress:0", "ICMP too is denied by the baseline"));

  /** The examples loaded and compiled, with NetworkPolicy. */
  static PolicyCompiler compiler() {
    return compiler(List.of());
  }

  /** The examples plus {@code extra} sources; the loader's diagnostics are added to {@code diagnostics}. */
  static PolicyCompiler compiler(List<YamlLoader.Source> extra, List<Diagnostic> diagnostics) {
    List<YamlLoader.Source> sources = new ArrayList<>(sources());
    sources.addAll(extra);
    YamlLoader.LoadResult loaded = YamlLoader.load(sources);
    diagnostics.addAll(loaded.diagnostics());
    PolicyCompiler c = new PolicyCompiler(new PolicyCompiler.Options(LspNaming.KUBE_OVN, true));
    loaded.locations().forEach(c::setLocation);
    c.load(loaded.objects());
    return c;
  }

  static PolicyCompiler compiler(List<YamlLoader.Source> extra) {
    return compiler(extra, new ArrayList<>());
  }

  static List<YamlLoader.Source> sources() {
    try (Stream<Path> s = Files.list(DIR)) {
      List<YamlLoader.Source> out = new ArrayList<>();
      for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        out.add(new YamlLoader.Source(p.toString(), Files.readString(p)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
