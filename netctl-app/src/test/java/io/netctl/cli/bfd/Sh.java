package io.netctl.cli.bfd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands for the BFD interop tests; fails (never skips) when a tool is missing. */
final class Sh {
  private Sh() {}

  /** A finished command. */
  record Result(int exit, String out) {}

  static Result run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", cmd));
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs and fails unless the exit status is 0. */
  static String check(String... cmd) {
    Result r = run(cmd);
    if (r.exit() != 0) {
      throw new IllegalStateException("exit " + r.exit() + ": " + String.join(" ", cmd) + "\n" + r.out());
    }
    return r.out();
  }

  static List<String> concat(List<String> a, String... b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(List.of(b));
    return l;
  }

  /**
   * Fails the test with an install hint unless {@code path} is an executable file, and unless we are root (network
   * namespaces need it).
   */
  static void require(String path, String aptPackage) {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new AssertionError("the BFD interop tests create network namespaces and must run as root");
    }
    if (!Files.isExecutable(Path.of(path))) {
      throw new AssertionError(
          path + " is missing: install it with 'apt-get install -y " + aptPackage + "' (Debian 12)");
    }
  }

  static void sendSignal(long pid, String signal) {
    run("kill", "-" + signal, Long.toString(pid));
  }
}
