package io.netctl.ovn.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code scripts/ovn-sandbox}: NB and SB ovsdb-server and ovn-northd on loopback ports chosen by the kernel,
 * in a directory of its own, plus helpers to run the OVN tools in it ({@code ovn-nbctl}, {@code ovn-trace}) and to
 * kill and restart the NB server for fault tests.
 *
 * <p>The script is found from the system property {@code netctl.repo}, else by walking up from the working directory.
 * It needs root when it runs OVN from its chroot cache (the usual case on Debian 12).
 */
public final class OvnSandbox implements AutoCloseable {
  public static final String INSTALL_HINT =
      "the OVN sandbox could not start. It needs OVN >= 23.09: as root, run 'scripts/ovn-sandbox build' once (it"
          + " builds a Debian trixie chroot with ovn-central into ~/.cache/netctl, about a minute, needs the Debian"
          + " mirror of /etc/apt/sources*), or install ovn-central >= 23.09 on the host; see"
          + " docs/notes/ovn-sandbox-findings.md";

  private static final String CHROOT_PATH = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";

  private final Path script;
  private final Path dir;
  private final Map<String, String> env;
  private final List<String> prefix;
  private final int nbPort;

  private OvnSandbox(Path script, Path dir, Map<String, String> env) {
    this.script = script;
    this.dir = dir;
    this.env = env;
    String run = env.getOrDefault("NETCTL_OVN_RUN", "").trim();
    List<String> p = new ArrayList<>();
    if (!run.isEmpty()) {
      p.addAll(List.of(run.split("\\s+")));
      p.add("/usr/bin/env");
      p.add(CHROOT_PATH);
    }
    this.prefix = List.copyOf(p);
    String nb = env.get("OVN_NB_DB");
    this.nbPort = Integer.parseInt(nb.substring(nb.lastIndexOf(':') + 1));
  }

  /** Starts a sandbox in {@code dir} (created if needed) on free ports. */
  public static OvnSandbox start(Path dir) throws IOException {
    Path script = findScript();
    Files.createDirectories(dir);
    Result r = exec(List.of(script.toString(), "start", "--dir", dir.toString(), "--nb-port", "auto", "--sb-port", "auto"),
        Map.of(), 120);
    if (r.code != 0) {
      throw new IOException(INSTALL_HINT + "\n" + script + " start exited " + r.code + ": " + r.err.strip());
    }
    Map<String, String> env = new HashMap<>();
    for (String line : r.out.split("\n")) {
      line = line.strip();
      if (line.startsWith("export ")) {
        String kv = line.substring(7);
        int eq = kv.indexOf('=');
        String v = kv.substring(eq + 1);
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
          v = v.substring(1, v.length() - 1);
        }
        env.put(kv.substring(0, eq), v);
      }
    }
    if (!env.containsKey("OVN_NB_DB") || !env.containsKey("OVN_SB_DB")) {
      throw new IOException(INSTALL_HINT + "\nunexpected output of " + script + " start: " + r.out);
    }
    return new OvnSandbox(script, dir, env);
  }

  static Path findScript() throws IOException {
    String repo = System.getProperty("netctl.repo");
    if (repo != null) {
      Path p = Path.of(repo, "scripts", "ovn-sandbox");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("scripts").resolve("ovn-sandbox");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new IOException(INSTALL_HINT + "\nscripts/ovn-sandbox not found above " + Path.of("").toAbsolutePath()
        + " (set -Dnetctl.repo=REPO)");
  }

  /** {@code tcp:127.0.0.1:PORT} of the NB. */
  public String nbRemote() {
    return env.get("OVN_NB_DB");
  }

  public String sbRemote() {
    return env.get("OVN_SB_DB");
  }

  public int nbPort() {
    return nbPort;
  }

  public Path dir() {
    return dir;
  }

  /** Runs an OVN tool (in the chroot when the sandbox uses one); returns stdout; fails on a non-zero exit. */
  public String run(String... cmd) throws IOException {
    Result r = runResult(cmd);
    if (r.code != 0) {
      throw new IOException(String.join(" ", cmd) + " exited " + r.code + ": " + r.err.strip()
          + (r.out.isBlank() ? "" : " (stdout: " + r.out.strip() + ")"));
    }
    return r.out;
  }

  /** Runs an OVN tool and returns its exit code and output, whatever the exit code. */
  public Result runResult(String... cmd) throws IOException {
    List<String> c = new ArrayList<>(prefix);
    c.addAll(List.of(cmd));
    return exec(c, Map.of("OVN_NB_DB", nbRemote(), "OVN_SB_DB", sbRemote()), 120);
  }

  /** {@code ovn-nbctl} on the NB. */
  public String nbctl(String... args) throws IOException {
    List<String> c = new ArrayList<>(List.of("ovn-nbctl", "--db=" + nbRemote(), "--timeout=60"));
    c.addAll(List.of(args));
    return run(c.toArray(new String[0]));
  }

  /** Waits until ovn-northd has turned the NB's current contents into the SB's logical flows. */
  public void syncSb() throws IOException {
    nbctl("--wait=sb", "sync");
  }

  /**
   * {@code ovn-trace --minimal} of a new connection on a logical switch: the raw output. A packet reached port X iff
   * the output contains {@code output("X")}.
   */
  public String trace(String logicalSwitch, String microflow) throws IOException {
    return run("ovn-trace", "--db=" + sbRemote(), "--minimal", "--ct=new", "--ct=new", logicalSwitch, microflow);
  }

  /** The NB ovsdb-server's pid. */
  public long nbPid() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("ovsdb-nb.pid")).strip());
  }

  /** {@code kill -9} of the NB ovsdb-server; returns once it is gone. */
  public void killNb() throws IOException {
    long pid = nbPid();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new IOException("NB ovsdb-server " + pid + " survived kill -9");
      }
      Thread.onSpinWait();
    }
  }

  /** Starts the NB ovsdb-server again on the same database file and port. */
  public void restartNb() throws IOException {
    String d = dir.toString();
    run("ovsdb-server", "--detach", "--no-chdir", "-vconsole:off",
        "--pidfile=" + d + "/ovsdb-nb.pid", "--log-file=" + d + "/ovsdb-nb.log", "--unixctl=" + d + "/ovsdb-nb.ctl",
        "--remote=punix:" + d + "/nb.sock", "--remote=ptcp:" + nbPort + ":127.0.0.1", d + "/nb.db");
  }

  /** Stops every daemon of the sandbox. */
  @Override
  public void close() throws IOException {
    Result r = exec(List.of(script.toString(), "stop", "--dir", dir.toString()), Map.of(), 60);
    if (r.code != 0) {
      throw new IOException(script + " stop exited " + r.code + ": " + r.err.strip());
    }
  }

  /** A finished process. */
  public record Result(int code, String out, String err) {}

  private static Result exec(List<String> cmd, Map<String, String> extraEnv, int timeoutSeconds) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(extraEnv);
    Path errFile = Files.createTempFile("ovn-sandbox", ".err");
    pb.redirectError(errFile.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": no exit within " + timeoutSeconds + " s");
      }
      return new Result(p.exitValue(), out, Files.readString(errFile));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(errFile);
    }
  }
}
