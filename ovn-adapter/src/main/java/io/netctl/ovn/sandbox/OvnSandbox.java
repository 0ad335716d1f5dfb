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

  public static final String DATAPLANE_HINT = INSTALL_HINT
      + ". The data plane (--dataplane) also needs root (network namespaces) and openvswitch-switch + ovn-host in the"
      + " chroot, which 'scripts/ovn-sandbox build' adds to an existing cache";

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
    return start(dir, false);
  }

  /**
   * Starts a sandbox with the data plane ({@code start --dataplane}): also Open vSwitch with the userspace datapath
   * (in a network namespace of its own) and ovn-controller, so that {@link #addPort} namespaces exchange real packets
   * through OVN's logical flows. Needs root.
   */
  public static OvnSandbox startDataplane(Path dir) throws IOException {
    return start(dir, true);
  }

  private static OvnSandbox start(Path dir, boolean dataplane) throws IOException {
    Path script = findScript();
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>(
        List.of(script.toString(), "start", "--dir", dir.toString(), "--nb-port", "auto", "--sb-port", "auto"));
    if (dataplane) {
      cmd.add("--dataplane");
    }
    Result r = exec(cmd, Map.of(), 120);
    if (r.code != 0) {
      throw new IOException((dataplane ? DATAPLANE_HINT : INSTALL_HINT) + "\n" + script + " start exited " + r.code
          + ": " + r.err.strip());
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

  /**
   * A process builder for an OVN/OVS tool that keeps running (e.g. {@code ovsdb-client monitor}), in the chroot when
   * the sandbox uses one, with {@code OVN_NB_DB}/{@code OVN_SB_DB} set. The caller starts and stops it.
   */
  public ProcessBuilder processBuilder(String... cmd) {
    List<String> c = new ArrayList<>(prefix);
    c.addAll(List.of(cmd));
    ProcessBuilder pb = new ProcessBuilder(c);
    pb.environment().putAll(Map.of("OVN_NB_DB", nbRemote(), "OVN_SB_DB", sbRemote()));
    return pb;
  }

  /**
   * The {@code ovn-nbctl} command line for a shell (each word single-quoted), for callers that must time the command
   * from inside a shell of their own.
   */
  public String nbctlShellCommand(String... args) {
    List<String> c = new ArrayList<>(prefix);
    c.addAll(List.of("ovn-nbctl", "--db=" + nbRemote(), "--timeout=60"));
    c.addAll(List.of(args));
    StringBuilder b = new StringBuilder();
    for (String w : c) {
      b.append(b.length() == 0 ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
    }
    return b.toString();
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

  /** Whether this sandbox runs the data plane (OVS + ovn-controller). */
  public boolean dataplane() {
    return env.containsKey("OVS_DB");
  }

  /** The network namespace ovs-vswitchd runs in (br-int and the OVS ends of the ports live there). */
  public String dataplaneNetns() {
    requireDataplane();
    return env.get("NETCTL_OVN_DP_NETNS");
  }

  /** The chassis name ovn-controller registered. */
  public String chassis() {
    requireDataplane();
    return env.get("NETCTL_OVN_CHASSIS");
  }

  /** {@code ovs-vsctl} on the sandbox's Open_vSwitch database. */
  public String vsctl(String... args) throws IOException {
    requireDataplane();
    List<String> c = new ArrayList<>(List.of("ovs-vsctl", "--db=" + env.get("OVS_DB"), "--timeout=60"));
    c.addAll(List.of(args));
    return run(c.toArray(new String[0]));
  }

  /** Waits until every chassis (ovn-controller) has installed the NB's current contents as OpenFlow flows. */
  public void syncHv() throws IOException {
    nbctl("--wait=hv", "sync");
  }

  /** A "pod": an interface {@code dev} in network namespace {@code netns}, plugged into br-int as {@code ifaceId}. */
  public record Port(String netns, String dev, String ifaceId, String mac, String ip) {}

  /**
   * Creates a port in a namespace of its own (created by the sandbox and deleted by {@link #close()}) and, when
   * {@code logicalSwitch} is not null, its logical switch port with addresses "MAC IP".
   *
   * @param cidr the interface's address, {@code A.B.C.D/N}
   * @param gateway the default route's next hop, or null
   */
  public Port addPort(String ifaceId, String mac, String cidr, String gateway, String logicalSwitch)
      throws IOException {
    return addPort(null, "eth0", ifaceId, mac, cidr, gateway, logicalSwitch);
  }

  /**
   * Like {@link #addPort(String, String, String, String, String)}, in namespace {@code netns} (created unless it
   * exists; only namespaces the sandbox created are deleted by {@link #close()}) with interface name {@code dev}.
   */
  public Port addPort(String netns, String dev, String ifaceId, String mac, String cidr, String gateway,
      String logicalSwitch) throws IOException {
    requireDataplane();
    List<String> cmd = new ArrayList<>(List.of(script.toString(), "port", "--dir", dir.toString(), "--iface-id",
        ifaceId, "--mac", mac, "--ip", cidr, "--dev", dev));
    if (netns != null) {
      cmd.addAll(List.of("--ns", netns));
    }
    if (gateway != null) {
      cmd.addAll(List.of("--gw", gateway));
    }
    if (logicalSwitch != null) {
      cmd.addAll(List.of("--switch", logicalSwitch));
    }
    Result r = exec(cmd, Map.of(), 60);
    if (r.code != 0) {
      throw new IOException(script + " port " + ifaceId + " exited " + r.code + ": " + r.err.strip());
    }
    String ns = r.out.strip();
    return new Port(ns, dev, ifaceId, mac, cidr.substring(0, cidr.indexOf('/')));
  }

  private void requireDataplane() {
    if (!dataplane()) {
      throw new IllegalStateException("this sandbox runs without the data plane: start it with startDataplane()");
    }
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
