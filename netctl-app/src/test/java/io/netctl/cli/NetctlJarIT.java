package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar the {@code ./netctl} launcher runs: it starts, and compiles the examples like the golden file. */
class NetctlJarIT {
  static final Path JAR = Path.of("target/netctl.jar");

  @Test
  void shadedJarCompilesTheExamples() throws Exception {
    assertThat(JAR).as("the shaded jar is built in the package phase").exists();
    Path out = Files.createTempFile("netctl", ".json");
    Path err = Files.createTempFile("netctl", ".err");
    try {
      Process p = new ProcessBuilder(List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-jar", JAR.toString(), "compile", "-f", "../examples", "--networkpolicy"))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(err)).isZero();
      assertThat(Files.readString(out, StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(Path.of("../anp-compiler/src/test/resources/golden/examples/expected.json")));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
