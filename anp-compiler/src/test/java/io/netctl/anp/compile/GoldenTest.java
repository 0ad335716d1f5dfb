package io.netctl.anp.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.ovn.nb.NbPrinter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: every case under {@code src/test/resources/golden/<case>/} (input.yaml, optional options) and the
 * repository's {@code examples/} compile to exactly the committed expected.* files. After an intended change,
 * regenerate them with {@code mvn -pl anp-compiler test -Dtest=GoldenTest -Dgolden.update=true} and review the diff.
 */
class GoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");
  static final Path EXAMPLES = Path.of("../examples");
  static final boolean UPDATE = Boolean.getBoolean("golden.update");

  @TestFactory
  Stream<DynamicTest> goldenCases() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(GOLDEN)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        if (dir.getFileName().toString().equals("examples")) {
          continue;
        }
        tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir, List.of(dir.resolve("input.yaml")), false)));
      }
    }
    tests.add(DynamicTest.dynamicTest("examples", () -> check(GOLDEN.resolve("examples"), examples(), true)));
    return tests.stream();
  }

  static List<Path> examples() throws IOException {
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static void check(Path dir, List<Path> inputs, boolean nbctl) throws IOException {
    Properties opts = new Properties();
    Path optFile = dir.resolve("options");
    if (Files.exists(optFile)) {
      try (var r = Files.newBufferedReader(optFile)) {
        opts.load(r);
      }
    }
    boolean np = Boolean.parseBoolean(opts.getProperty("networkpolicy", nbctl ? "true" : "false"));
    LspNaming naming = LspNaming.parse(opts.getProperty("lsp-name-format", "kube-ovn"));
    List<YamlLoader.Source> sources = new ArrayList<>();
    for (Path p : inputs) {
      sources.add(new YamlLoader.Source(p.getFileName().toString(), Files.readString(p)));
    }
    YamlLoader.LoadResult loaded = YamlLoader.load(sources);
    PolicyCompiler c = new PolicyCompiler(new PolicyCompiler.Options(naming, np));
    loaded.locations().forEach(c::setLocation);
    c.load(loaded.objects());
    List<Diagnostic> diags = new ArrayList<>(loaded.diagnostics());
    diags.addAll(c.diagnostics());
    Collections.sort(diags);
    StringBuilder d = new StringBuilder();
    diags.forEach(x -> d.append(x.format()).append('\n'));
    compare(dir.resolve("expected.json"), NbPrinter.json(c.state()));
    compare(dir.resolve("expected.diagnostics.txt"), d.toString());
    if (nbctl) {
      compare(dir.resolve("expected.nbctl.sh"), NbPrinter.nbctl(c.state()));
      compare(dir.resolve("expected.yaml"), NbPrinter.yaml(c.state()));
    }
  }

  private static void compare(Path expected, String actual) throws IOException {
    if (UPDATE) {
      Files.createDirectories(expected.getParent());
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(expected).as("golden file %s (regenerate with -Dgolden.update=true)", expected).exists();
    assertThat(actual).as("output vs %s", expected).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
  }
}
