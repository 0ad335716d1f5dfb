package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netctl compile} end to end: formats, exit codes, diagnostics on stderr, byte-identical output. */
class CompileCommandTest {
  static final Path EXAMPLES = Path.of("../examples");
  static final Path GOLDEN = Path.of("../anp-compiler/src/test/resources/golden/examples");

  static Cli.Run run(String... args) {
    return Cli.run(args);
  }

  @Test
  void examplesCompileToTheGoldenFilesInEveryFormat() throws Exception {
    Cli.Run json = run("compile", "-f", EXAMPLES.toString(), "--networkpolicy");
    assertThat(json.exit()).isZero();
    assertThat(json.err()).isEmpty();
    assertThat(json.out()).isEqualTo(Files.readString(GOLDEN.resolve("expected.json")));
    Cli.Run nbctl = run("compile", "-f", EXAMPLES.toString(), "--networkpolicy", "-o", "nbctl");
    assertThat(nbctl.out()).isEqualTo(Files.readString(GOLDEN.resolve("expected.nbctl.sh")));
    Cli.Run yaml = run("compile", "-f", EXAMPLES.toString(), "--networkpolicy", "-o", "yaml");
    assertThat(yaml.out()).isEqualTo(Files.readString(GOLDEN.resolve("expected.yaml")));
  }

  @Test
  void outputIsByteIdenticalWhateverTheFileOrder() throws Exception {
    String a = run("compile", "-f", EXAMPLES.toString()).out();
    String[] args = {"compile"};
    java.util.List<String> files = new java.util.ArrayList<>();
    try (var s = Files.list(EXAMPLES)) {
      s.filter(p -> p.toString().endsWith(".yaml")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        files.add("-f");
        files.add(p.toString());
      });
    }
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
    all.addAll(files);
    assertThat(run(all.toArray(String[]::new)).out()).isEqualTo(a);
  }

  @Test
  void networkPolicyIsOnlyCompiledWhenAskedFor() {
    assertThat(run("compile", "-f", EXAMPLES.toString()).out()).doesNotContain(": \"NetworkPolicy\"");
    assertThat(run("compile", "-f", EXAMPLES.toString(), "--networkpolicy").out()).contains(": \"NetworkPolicy\"");
  }

  @Test
  void invalidObjectsExitTwoWithDiagnosticsOnStderrAndTheRestStillCompiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: ok}
        spec:
          priority: 1
          subject: {namespaces: {}}
          ingress: [{action: Deny, from: [{namespaces: {}}]}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: broken}
        spec:
          priority: 1
          subject: {namespaces: {}}
          ingress: [{action: Reject, from: [{namespaces: {}}]}]
        """);
    Cli.Run r = run("compile", "-f", dir.toString());
    assertThat(r.exit()).isEqualTo(Main.EXIT_INVALID_INPUT);
    assertThat(r.err()).contains(dir.resolve("p.yaml") + ":15: error: AdminNetworkPolicy/broken: spec.ingress[0].action: "
        + "\"Reject\" (expected: Allow, Deny or Pass) [InvalidSpec]");
    assertThat(r.out()).contains("\"netctl.io/owner-name\": \"ok\"").doesNotContain("broken");
  }

  @Test
  void yamlSyntaxErrorsNameFileAndLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), "kind: Namespace\nmetadata: {name: [\n");
    Cli.Run r = run("compile", "-f", dir.resolve("bad.yaml").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith(dir.resolve("bad.yaml") + ":").contains("[YAMLSyntax]");
  }

  @Test
  void missingFilesAndBadOptionsAreUsageErrors() {
    Cli.Run missing = run("compile", "-f", "no/such/file.yaml");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("no/such/file.yaml");
    Cli.Run badFormat = run("compile", "-f", EXAMPLES.toString(), "-o", "xml");
    assertThat(badFormat.exit()).isEqualTo(2);
    assertThat(badFormat.err()).contains("xml");
    Cli.Run badNaming = run("compile", "-f", EXAMPLES.toString(), "--lsp-name-format", "calico");
    assertThat(badNaming.exit()).isEqualTo(2);
    assertThat(badNaming.err()).contains("kube-ovn or ovn-kubernetes");
  }

  @Test
  void readsStdin() throws Exception {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(Files.readAllBytes(EXAMPLES.resolve("30-adminnetworkpolicies.yaml"))));
      Cli.Run r = run("compile", "-f", "-", "-o", "yaml");
      assertThat(r.exit()).isZero();
      assertThat(r.out()).contains("ANP:cluster-dns:Egress:0");
    } finally {
      System.setIn(saved);
    }
    assertThat(StandardCharsets.UTF_8).isNotNull();
  }
}
