package io.netctl.perf.egress;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.netctl.anp.api.Pod;
import io.netctl.bfd.codec.BfdState;
import io.netctl.egress.EgressCore;
import io.netctl.egress.EgressEngine;
import io.netctl.egress.EgressMetrics;
import io.netctl.egress.api.EgressBfd;
import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.EgressGatewaySpec;
import io.netctl.egress.api.EgressInstance;
import io.netctl.egress.api.EgressSelector;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.ReconcileResult;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Egress failover, fault to NB commit: netctl's egress engine (this JVM, BFD from 192.0.2.1) with two gateway
 * instances running FRR's bfdd in namespaces of their own; the fault is {@code kill -9} of gw1's bfdd (it sends
 * nothing more, so netctl must detect it). An <em>independent</em> OVSDB client ({@link RawNbMonitor}: a plain socket
 * and a thread of its own, nothing shared with netctl's OVSDB library) monitors the reroute policy's {@code nexthops}
 * and stamps each update on arrival; the latency is fault → the monitor update that shows gw1's nexthop gone. Also
 * reported: fault → BFD Down (the engine's state change) and Down → commit, and the stages in between from the
 * engine's and the reconciler's own stamps.
 *
 * <p>Each interval runs once per writer ({@code --writers library,direct}, the default runs both, side by side):
 * {@code library} sends the fast path's mutate through the OpenDaylight library as before, {@code direct} through
 * the reconciler's direct channel ({@code Reconciler.directFastPath}, what {@code netctl egress run} uses).
 *
 * <pre>
 *   this namespace ("us"): br0 192.0.2.1, the OVN sandbox (NB on its loopback), this JVM
 *     ├── veth ── namespace -g1: FRR bfdd 192.0.2.11   (faulted)
 *     └── veth ── namespace -g2: FRR bfdd 192.0.2.12   (stays up)
 * </pre>
 *
 * Run through {@code scripts/egress/failover-to-commit [--quick] [--reps N] [--intervals 10,50,100,1000]
 * [--writers library,direct]}, which
 * creates the "us" namespace, runs this class in it and deletes it afterwards. Needs root, iproute2, frr and the OVN
 * sandbox ({@code scripts/ovn-sandbox build}).
 */
public final class FailoverToCommit {
  private static final String US = "192.0.2.1";
  private static final String[] GW = {"192.0.2.11", "192.0.2.12"};
  private static final String BFDD = "/usr/lib/frr/bfdd";
  private static final int MULT = 3;

  private final String ns;
  private final Path script;
  private final Path work;
  private final String[] gwNs = new String[2];
  private final Path[] gwDir = new Path[2];
  private final long[] gwPid = {-1, -1};
  private Path sandbox;
  private final ConcurrentHashMap<String, Long> downAt = new ConcurrentHashMap<>();
  /** The reroute policy's nexthops as the monitor last saw them, and when (nanoTime). */
  private volatile Set<String> seen = Set.of();
  private final List<long[]> seenLog = new ArrayList<>();
  private volatile long lastMutateNs;
  /** The engine's stages of the last fast-path write: event, dequeued, writer called, writer returned. */
  private volatile long[] lastEngineTiming;
  /** The reconciler's stages of the last fast-path write: called, request written, reply read, returned. */
  private volatile long[] lastWriterTiming;
  private Reconciler reconciler;
  /** Pause after each restore, so that ovn-northd and the NB server are idle again before the next fault. */
  private static final long SETTLE_MS = 300;

  private FailoverToCommit(String ns, Path script) throws IOException {
    this.ns = ns;
    this.script = script;
    this.work = Files.createTempDirectory("negw-perf");
  }

  public static void main(String[] args) throws Exception {
    String ns = null;
    int reps = 20;
    int[] intervals = {10, 50, 100, 1000};
    List<String> modes = List.of("library", "direct");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--writers" -> modes = List.of(args[++i].split(","));
        case "--ns" -> ns = args[++i];
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--quick" -> reps = 3;
        case "--intervals" -> intervals = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
            .toArray();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (expected: --ns NS [--reps N | --quick] [--intervals 10,50,100,1000] [--writers library,direct])");
      }
    }
    if (ns == null) {
      throw new IllegalArgumentException("--ns NS is required: run scripts/egress/failover-to-commit");
    }
    Path script = Path.of(System.getProperty("netctl.repo", ".")).toAbsolutePath().resolve("scripts/ovn-sandbox");
    FailoverToCommit f = new FailoverToCommit(ns, script);
    try {
      f.run(reps, intervals, modes);
    } finally {
      f.cleanup();
    }
    System.exit(0); // the OVSDB library's threads are not daemons
  }

  private void run(int reps, int[] intervals, List<String> modes) throws Exception {
    sh("ip", "link", "add", "br0", "type", "bridge");
    sh("ip", "link", "set", "br0", "up");
    sh("ip", "link", "set", "lo", "up");
    sh("ip", "addr", "add", US + "/24", "dev", "br0");
    for (int i = 0; i < 2; i++) {
      gwNs[i] = ns + "-g" + (i + 1);
      sh("ip", "netns", "add", gwNs[i]);
      sh("ip", "link", "add", "e" + (i + 1), "type", "veth", "peer", "name", "eth0", "netns", gwNs[i]);
      sh("ip", "link", "set", "e" + (i + 1), "master", "br0", "up");
      sh("ip", "-n", gwNs[i], "link", "set", "lo", "up");
      sh("ip", "-n", gwNs[i], "link", "set", "eth0", "up");
      sh("ip", "-n", gwNs[i], "addr", "add", GW[i] + "/24", "dev", "eth0");
      gwDir[i] = Files.createTempDirectory("negw-frr"); // directly in /tmp: bfdd runs as frr
    }
    sandbox = work.resolve("ovn");
    String env = sh(script.toString(), "start", "--dir", sandbox.toString(), "--nb-port", "auto", "--sb-port", "auto");
    Matcher m = Pattern.compile("OVN_NB_DB='(tcp:[^']+)'").matcher(env);
    if (!m.find()) {
      throw new IllegalStateException("ovn-sandbox start: " + env);
    }
    String nb = m.group(1);
    sh(script.toString(), "run", "--dir", sandbox.toString(), "--", "ovn-nbctl", "lr-add", "r1");

    OvsdbConnector connector = new OvsdbConnector(Remote.parseList(nb), null, OvsdbConnector.NB_DATABASE,
        Duration.ofSeconds(30), s -> {});
    Matcher hp = Pattern.compile("tcp:([^:]+):(\\d+)").matcher(nb);
    if (!hp.find()) {
      throw new IllegalStateException("NB remote " + nb);
    }
    RawNbMonitor monitor = new RawNbMonitor(hp.group(1), Integer.parseInt(hp.group(2)), this::updates);
    reconciler = Reconciler.on(connector, new Reconciler.Options(5000, Duration.ofSeconds(30),
        Duration.ZERO).withScope(Ownership::isEgress), s -> {});
    EgressEngine engine = new EgressEngine(new Writer(reconciler, t -> lastWriterTiming = t),
        InetAddress.getByName(US), List.of(),
        new EgressCore.Listener() {
          @Override
          public void bfd(String peer, BfdState from, BfdState to, String diag, long tsNs) {
            if (from == BfdState.UP) {
              downAt.put(peer, tsNs);
            }
          }

          @Override
          public void commit(List<String> gateways, String path, EgressCore.Commit c, long elapsedNs) {
            if (path.equals("fast")) {
              lastMutateNs = elapsedNs;
            }
          }

          @Override
          public void fastPathTiming(long eventNs, long dequeuedNs, long writeStartNs, long writeEndNs) {
            lastEngineTiming = new long[] {eventNs, dequeuedNs, writeStartNs, writeEndNs};
          }
        }, EgressMetrics.unregistered());
    engine.upsertPod(new Pod("prod", "web", new TreeMap<>(Map.of("app", "web")), "", false, List.of(),
        List.of("10.0.1.5"), false));

    StringBuilder table = new StringBuilder();
    table.append("| BFD | writer | n | fault → Down p50 / p99 | fault → NB commit p50 / p99 / max | Down → commit p50 /"
        + " p99 | mutate round trip p50 / p99 | target p99 ≤ detection + 10 ms |\n|---|---|---|---|---|---|---|---|\n");
    StringBuilder stages = new StringBuilder();
    stages.append("| BFD | writer | Down → engine p50 / p99 | engine → write call | write call → request on the socket"
        + " | request → monitor sees the commit | write call → reply read | reply → writer returns |"
        + "\n|---|---|---|---|---|---|---|---|\n");
    try {
      for (int interval : intervals) {
        for (String mode : modes) {
          reconciler.directFastPath(mode.equals("direct"));
          for (int i = 0; i < 2; i++) {
            startBfdd(i, interval);
          }
          engine.upsertGateway(gateway(interval));
          awaitSeen(Set.of(GW), 60_000);
          Histogram detect = new Histogram(3);
          Histogram commit = new Histogram(3);
          Histogram reprogram = new Histogram(3);
          Histogram mutate = new Histogram(3);
          Histogram[] stage = new Histogram[6];
          for (int k = 0; k < stage.length; k++) {
            stage[k] = new Histogram(3);
          }
          for (int r = -1; r < reps; r++) { // r == -1: warm-up, not recorded
            awaitSeen(Set.of(GW), 60_000);
            Thread.sleep(SETTLE_MS); // let the restore's northd recompute finish: measure a quiet system's failover
            downAt.remove(GW[0]);
            lastEngineTiming = null;
            long t0 = System.nanoTime();
            ProcessHandle.of(gwPid[0]).ifPresent(ProcessHandle::destroyForcibly);
            long tNb = awaitSeen(Set.of(GW[1]), 30_000L + 10L * interval * MULT);
            Long tDown = downAt.get(GW[0]);
            engine.flush().get(); // the engine's bookkeeping after the commit is done: its stamps are set
            long[] e = lastEngineTiming;
            long[] w = lastWriterTiming;
            if (r >= 0) {
              commit.recordValue(tNb - t0);
              mutate.recordValue(lastMutateNs);
              if (tDown != null) {
                detect.recordValue(Math.max(0, tDown - t0));
                reprogram.recordValue(Math.max(0, tNb - tDown));
              }
              if (e != null && w != null && w[0] >= e[2] && w[3] <= e[3]) {
                stage[0].recordValue(Math.max(0, e[1] - e[0]));
                stage[1].recordValue(Math.max(0, e[2] - e[1]));
                if (w[1] != 0) {
                  stage[2].recordValue(Math.max(0, w[1] - w[0]));
                  stage[3].recordValue(Math.max(0, tNb - w[1]));
                }
                if (w[2] != 0) {
                  stage[5].recordValue(Math.max(0, w[3] - w[2]));
                }
                stage[4].recordValue(Math.max(0, (w[2] != 0 ? w[2] : w[3]) - w[0]));
              }
            }
            System.err.printf(Locale.ROOT, "%dx%d %s rep %d: fault -> NB %.1f ms%n", interval, MULT, mode, r,
                (tNb - t0) / 1e6);
            startBfdd(0, interval);
          }
          double detection = interval * MULT;
          table.append(String.format(Locale.ROOT,
              "| %d×%d | %s | %d | %s / %s ms | %s / %s / %s ms | %s / %s ms | %s / %s ms | %s |%n",
              interval, MULT, mode, commit.getTotalCount(), ms(detect, 50), ms(detect, 99), ms(commit, 50),
              ms(commit, 99), ms(commit, 100), ms(reprogram, 50), ms(reprogram, 99), ms(mutate, 50), ms(mutate, 99),
              commit.getValueAtPercentile(99) / 1e6 <= detection + 10 ? "met (" + (int) detection + " + 10 ms)"
                  : "**not met** (" + (int) detection + " + 10 ms)"));
          stages.append(String.format(Locale.ROOT, "| %d×%d | %s | %s / %s ms | %s / %s ms | %s / %s ms | %s / %s ms"
              + " | %s / %s ms | %s / %s ms |%n", interval, MULT, mode, ms(stage[0], 50), ms(stage[0], 99),
              ms(stage[1], 50), ms(stage[1], 99), ms(stage[2], 50), ms(stage[2], 99), ms(stage[3], 50),
              ms(stage[3], 99), ms(stage[4], 50), ms(stage[4], 99), ms(stage[5], 50), ms(stage[5], 99)));
        }
      }
    } finally {
      engine.close();
      reconciler.close();
      monitor.close();
    }
    System.out.println(table);
    System.out.println("Stages (p50 / p99) of the same faults, from the engine's and the reconciler's nanoTime stamps;"
        + " \"request on the socket\" and \"reply read\" only for the direct writer:\n");
    System.out.println(stages);
  }

  private static String ms(Histogram h, double p) {
    if (h.getTotalCount() == 0) {
      return "-";
    }
    long v = p >= 100 ? h.getMaxValue() : h.getValueAtPercentile(p);
    return String.format(Locale.ROOT, "%.1f", v / 1e6);
  }

  private static EgressGateway gateway(int interval) {
    EgressGatewaySpec s = new EgressGatewaySpec();
    s.setRouter("r1");
    s.setInstances(List.of(new EgressInstance("gw1", "", GW[0]), new EgressInstance("gw2", "", GW[1])));
    LabelSelector web = new LabelSelector();
    web.setMatchLabels(Map.of("app", "web"));
    s.setSelectors(List.of(new EgressSelector(null, web)));
    s.setBfd(new EgressBfd(true, interval, interval, MULT));
    s.setHoldDownMillis(0);
    return EgressGateway.of("prod", "egw", s);
  }

  /** Monitor thread: the reroute policy's nexthops in each update, stamped on arrival. */
  private void updates(long now, Map<Long, Set<String>> rows) {
    Set<String> s = rows.get(29100L);
    if (s == null) {
      return;
    }
    synchronized (seenLog) {
      seen = Set.copyOf(s);
      seenLog.add(new long[] {now});
      seenLog.notifyAll();
    }
  }

  /** Waits until the monitor has seen exactly {@code want}; returns when (nanoTime of that update). */
  private long awaitSeen(Set<String> want, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    synchronized (seenLog) {
      while (!seen.equals(want)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("nexthops " + seen + " after " + timeoutMs + " ms (expected: " + want + ")");
        }
        seenLog.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      return seenLog.get(seenLog.size() - 1)[0];
    }
  }

  private void startBfdd(int i, int interval) throws Exception {
    if (gwPid[i] > 0) {
      ProcessHandle.of(gwPid[i]).ifPresent(ProcessHandle::destroyForcibly);
      ProcessHandle.of(gwPid[i]).ifPresent(p -> p.onExit().join());
    }
    Path d = gwDir[i];
    Files.writeString(d.resolve("bfdd.conf"), "bfd\n peer " + US + " local-address " + GW[i] + "\n  receive-interval "
        + interval + "\n  transmit-interval " + interval + "\n  detect-multiplier " + MULT + "\n !\n!\n");
    sh("chown", "-R", "frr:frr", d.toString());
    Path pid = d.resolve("bfdd.pid");
    Files.deleteIfExists(pid);
    sh("ip", "netns", "exec", gwNs[i], BFDD, "-d", "-f", d.resolve("bfdd.conf").toString(), "-i", pid.toString(),
        "--vty_socket", d.toString(), "--bfdctl", d.resolve("bfdd.sock").toString(), "-z",
        d.resolve("zserv.api").toString(), "-P", "0");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!Files.exists(pid) || Files.readString(pid).isBlank()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("bfdd in " + gwNs[i] + " wrote no pid file");
      }
      Thread.sleep(5); // waiting for a daemon's pid file, not for protocol timing
    }
    gwPid[i] = Long.parseLong(Files.readString(pid).strip());
  }

  private void cleanup() {
    for (long p : gwPid) {
      if (p > 0) {
        ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    if (sandbox != null) {
      quiet(script.toString(), "stop", "--dir", sandbox.toString());
    }
    for (String g : gwNs) {
      if (g != null) {
        quiet("ip", "netns", "del", g);
      }
    }
    quiet("ip", "link", "del", "br0");
    for (Path d : gwDir) {
      if (d != null) {
        quiet("rm", "-rf", d.toString());
      }
    }
    quiet("rm", "-rf", work.toString());
  }

  private static String sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  private static void quiet(String... cmd) {
    try {
      sh(cmd);
    } catch (IOException | InterruptedException e) {
      System.err.println("cleanup: " + e.getMessage());
    }
  }

  /** The egress engine's writer on an egress-scoped reconciler (what netctl-app's EgressNbWriter does). */
  private record Writer(Reconciler r, java.util.function.Consumer<long[]> timing) implements EgressCore.NbWriter {
    @Override
    public EgressCore.Commit reconcile(NbState state) throws Exception {
      return commit(r.reconcile(state));
    }

    @Override
    public EgressCore.Commit mutateNexthops(List<EgressCore.NexthopChange> changes) throws Exception {
      List<Reconciler.NexthopChange> c = new ArrayList<>();
      changes.forEach(x -> c.add(new Reconciler.NexthopChange(x.policy(), x.added(), x.removed())));
      ReconcileResult x = r.mutateNexthops(c);
      timing.accept(r.lastFastPathTiming());
      return commit(x);
    }

    private static EgressCore.Commit commit(ReconcileResult x) {
      return new EgressCore.Commit(x.transactions(), x.operations(), x.counts().toString(), x.errors());
    }
  }
}
