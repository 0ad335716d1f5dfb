package io.netctl.cli;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.api.Protocol;
import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.explain.AclEvaluator;
import io.netctl.anp.explain.Packet;
import io.netctl.anp.explain.Verdict;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.controller.Conditions;
import io.netctl.controller.Controller;
import io.netctl.controller.ControllerRuntime;
import io.netctl.controller.SandboxTopology;
import io.netctl.controller.SandboxTopology.Port;
import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netctl demo}: the OVN sandbox, the example cluster's logical switch ports, the controller in watch-dir mode
 * on a copy of {@code examples/}, the programmed ACLs and a few {@code ovn-trace} verdicts; then it follows edits.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start a real OVN (scripts/ovn-sandbox), create logical switch ports for the pods in examples/, run the"
          + " controller on a copy of examples/ (--watch-dir mode), print the programmed ACLs and ovn-trace verdicts,"
          + " then follow edits of the copy until Ctrl-C.",
      "Needs root the first time (the sandbox's OVN 25.03 chroot is built once by 'scripts/ovn-sandbox build')."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--examples", paramLabel = "DIR", description = "The cluster to copy (default: examples/ of the repository).")
  Path examples;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where to put the copy and the sandbox (default: a new directory under the temp dir).")
  Path dir;

  @Option(names = "--once", description = "Exit after the first output (tests, CI).")
  boolean once;

  @Option(names = "--keep", description = "Leave the sandbox running on exit (its directory is printed).")
  boolean keep;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The connections the demo traces: from, to, protocol, port and what to expect. */
  record Probe(String what, String from, String to, Protocol protocol, int port) {}

  static final List<Probe> PROBES =
      List.of(
          new Probe("api -> postgres:5432 (CNP db-only-from-api accepts)", "api-6f8b9c7d5-klmno.backend",
              "postgres-0.db", Protocol.TCP, 5432),
          new Probe("dev-shell -> web:8080 (ANP isolate-sandbox denies)", "dev-shell.sandbox",
              "web-5d9c7b6f4-abcde.frontend", Protocol.TCP, 8080),
          new Probe("web -> api:8080 (ANP delegate-prod passes; BANP default decides)",
              "web-5d9c7b6f4-abcde.frontend", "api-6f8b9c7d5-klmno.backend", Protocol.TCP, 8080),
          new Probe("prometheus -> coredns:9153 metrics (ANP allow-monitoring)", "prometheus-0.monitoring",
              "coredns-7db6d8ff4d-x2x9k.kube-system", Protocol.TCP, 9153));

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    Path src = examples != null ? examples : findExamples();
    Path work = dir != null ? dir : Files.createTempDirectory("netctl-demo-");
    Path cluster = work.resolve("cluster");
    copy(src, cluster);
    out.println("netctl demo: cluster files copied to " + cluster);
    out.println("starting the OVN sandbox in " + work.resolve("ovn") + " ...");
    out.flush();
    OvnSandbox sandbox;
    try {
      sandbox = OvnSandbox.start(work.resolve("ovn"));
    } catch (IOException e) {
      err.println("netctl demo: " + e.getMessage());
      err.flush();
      return Main.EXIT_FAILURE;
    }
    CountDownLatch stop = new CountDownLatch(1);
    ControllerRuntime.Running running = null;
    Thread hook = null;
    try {
      YamlLoader.LoadResult loaded = YamlLoader.load(Inputs.read(List.of(cluster.toString()), System.in));
      List<Port> ports = SandboxTopology.ports(loaded.objects(), LspNaming.KUBE_OVN);
      sandbox.nbctl(SandboxTopology.nbctlArgs(ports).toArray(new String[0]));
      out.println("OVN Northbound at " + sandbox.nbRemote() + ": logical switch '" + SandboxTopology.SWITCH + "' with "
          + ports.size() + " pod ports");
      out.flush();

      List<String> changes = new ArrayList<>();
      boolean[] first = {true};
      java.util.function.Consumer<String> log = m -> {
        synchronized (changes) {
          if (first[0]) {
            changes.add(m);
          } else {
            ControllerCommand.logger(out).accept(m);
          }
        }
      };
      ControllerRuntime rt = new ControllerRuntime(Remote.parseList(sandbox.nbRemote()), null, Duration.ofSeconds(30),
          cluster, null, new PolicyCompiler.Options(LspNaming.KUBE_OVN, false), null, null, null, null, null);
      running = rt.start(new PrometheusRegistry(), log);
      Controller c = running.controller();
      c.firstConvergence().get(120, TimeUnit.SECONDS);
      waitIdle(c);
      sandbox.syncSb();

      printPolicies(out, c);
      printAcls(out, sandbox);
      printTraces(out, sandbox, c, ports);
      out.printf("first output after %.1f s%n", (System.nanoTime() - t0) / 1e9);
      synchronized (changes) {
        first[0] = false;
      }
      if (once) {
        return 0;
      }
      out.println();
      out.println("Now edit a policy in " + cluster + " (for example change 'action: Deny' to 'action: Allow' in");
      out.println("30-adminnetworkpolicies.yaml, or relabel a pod in 10-pods.yaml): the changes are printed here, and");
      out.println("the status of each policy is in " + cluster.resolve("status") + ". The NB is " + sandbox.nbRemote()
          + " (ovn-nbctl --db=" + sandbox.nbRemote() + " ...). Ctrl-C stops everything.");
      out.flush();
      ControllerRuntime.Running r = running;
      hook = new Thread(() -> {
        r.close();
        closeQuietly(sandbox);
        stop.countDown();
      }, "netctl-demo-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      stop.await();
      return 0;
    } finally {
      if (hook == null) {
        if (running != null) {
          running.close();
        }
        if (!keep) {
          closeQuietly(sandbox);
        } else {
          out.println("sandbox left running in " + work.resolve("ovn") + " (scripts/ovn-sandbox stop --dir ...)");
        }
        out.flush();
      }
    }
  }

  private static void closeQuietly(OvnSandbox s) {
    try {
      s.close();
    } catch (IOException e) {
      // stopping
    }
  }

  static void waitIdle(Controller c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!c.idle() && System.nanoTime() < deadline) {
      Thread.sleep(20); // a CLI waiting for a daemon thread, not a test
    }
  }

  private static void printPolicies(PrintWriter out, Controller c) throws Exception {
    Map<ObjectRef, Conditions> cs = c.read(Controller.View::conditions).get();
    out.println();
    out.println("== policies and their status");
    for (Map.Entry<ObjectRef, Conditions> e : cs.entrySet()) {
      out.printf("  %-45s %s%n", e.getKey(), e.getValue());
    }
  }

  private static void printAcls(PrintWriter out, OvnSandbox sandbox) throws IOException {
    out.println();
    out.println("== ACLs netctl programmed (ovn-nbctl list ACL: tier, priority, direction, action, match)");
    String rows = sandbox.nbctl("--bare", "--format=csv", "--no-headings", "--columns=tier,priority,direction,action,name,match",
        "find", "ACL", "external_ids:\"netctl.io/owner-controller\"=netctl");
    List<String[]> acls = new ArrayList<>();
    for (String line : rows.split("\n")) {
      if (!line.isBlank()) {
        acls.add(line.split(",", 6));
      }
    }
    acls.sort(Comparator.<String[]>comparingInt(a -> Integer.parseInt(a[0]))
        .thenComparing(a -> -Integer.parseInt(a[1])));
    for (String[] a : acls) {
      String match = a.length > 5 ? a[5].replace("\"\"", "\"") : "";
      if (match.startsWith("\"") && match.endsWith("\"")) {
        match = match.substring(1, match.length() - 1);
      }
      out.printf("  tier %s %5s %-10s %-13s %s%n      %s%n", a[0], a[1], a[2], a[3], a[4],
          match.length() > 150 ? match.substring(0, 147) + "..." : match);
    }
  }

  private static void printTraces(PrintWriter out, OvnSandbox sandbox, Controller c, List<Port> ports)
      throws Exception {
    out.println();
    out.println("== ovn-trace verdicts (new connections) and netctl's explanation");
    NbState state = c.read(v -> v.compiler().state()).get();
    AclEvaluator ev = new AclEvaluator(state);
    for (Probe p : PROBES) {
      Port from = find(ports, p.from());
      Port to = find(ports, p.to());
      if (from == null || to == null) {
        continue; // the examples were edited
      }
      String flow = p.protocol() == Protocol.UDP ? SandboxTopology.udpFlow(from, to, p.port())
          : SandboxTopology.tcpFlow(from, to, p.port());
      String trace = sandbox.trace(SandboxTopology.SWITCH, flow);
      boolean delivered = trace.contains("output(\"" + to.lsp() + "\")");
      Verdict v = ev.evaluate(new Packet(from.lsp(), to.lsp(), from.ip(), to.ip(), p.protocol(), p.port()));
      out.printf("  %-9s %s%n", delivered ? "ALLOWED" : "DENIED", p.what());
      StringBuilder why = new StringBuilder();
      for (Acl a : v.passed()) {
        why.append("passed by ").append(a.name()).append(", ");
      }
      Acl d = v.deciding();
      why.append(d == null ? "no ACL matched" : (v.allowed() ? "allowed by " : "dropped by ") + d.name());
      out.println("            " + why);
    }
    out.flush();
  }

  private static Port find(List<Port> ports, String lsp) {
    return ports.stream().filter(p -> p.lsp().equals(lsp)).findFirst().orElse(null);
  }

  static Path findExamples() throws IOException {
    String repo = System.getProperty("netctl.repo");
    if (repo != null && Files.isDirectory(Path.of(repo, "examples"))) {
      return Path.of(repo, "examples");
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("examples")) && Files.exists(d.resolve("scripts/ovn-sandbox"))) {
        return d.resolve("examples");
      }
    }
    throw new IOException("examples/ not found above " + Path.of("").toAbsolutePath() + " (use --examples DIR)");
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        Path t = to.resolve(f.getFileName().toString());
        if (!Files.exists(t)) {
          Files.copy(f, t);
        }
      }
    }
  }
}
