package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * gRPC inside the shaded jar: {@code serve} on loopback TCP (the client resolves the address through gRPC's name
   * resolvers, which only the merged META-INF/services provide) and on a unix socket (Netty's native epoll), and the
   * jar's own clients against it.
   */
  @Test
  void shadedJarServesAndCallsTheApi(@TempDir Path tmp) throws Exception {
    Path sock = tmp.resolve("api.sock");
    for (String listen : List.of("127.0.0.1:0", "unix:" + sock)) {
      Path err = tmp.resolve("serve.err");
      Process serve = new ProcessBuilder(List.of(java(), "-jar", JAR.toString(), "serve", "-f", "../examples", "--networkpolicy",
              "--listen", listen))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(err.toFile())
          .start();
      try {
        Pattern on = Pattern.compile("API on (\\S+)");
        String[] address = new String[1];
        Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> {
          assertThat(serve.isAlive()).as("serve exited: %s", Files.readString(err)).isTrue();
          Matcher m = on.matcher(Files.readString(err));
          if (m.find()) {
            address[0] = m.group(1);
          }
          return address[0] != null;
        });
        Process status = new ProcessBuilder(List.of(java(), "-jar", JAR.toString(), "status", "--server", address[0],
                "-o", "json"))
            .redirectErrorStream(true)
            .start();
        String out = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(status.exitValue()).as(out).isZero();
        assertThat(out).contains("\"policies\": 8").doesNotContain("WARNING");
      } finally {
        serve.destroy(); // SIGTERM: the shutdown hook stops the server and removes the socket
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(serve.exitValue()).isEqualTo(143);
    }
    assertThat(sock).doesNotExist();
  }
}
