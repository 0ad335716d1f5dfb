package io.netctl.perf.ovn;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.Pod;
import io.netctl.anp.compile.ClusterEvent;
import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbPrinter;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.ovsdb.NamedUuid;
import io.netctl.ovn.ovsdb.NbCache;
import io.netctl.ovn.ovsdb.Operation;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.OvsdbSession;
import io.netctl.ovn.ovsdb.ReconcileResult;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import io.netctl.perf.compiler.SyntheticCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The OVSDB reconciler at scale, on the real OVN sandbox (run as root):
 *
 * <ol>
 *   <li>Reconcile N pods and M ANPs into an empty NB (the pods' logical switch ports exist), side by side with
 *       {@code ovn-nbctl} running the script of {@code netctl compile -o nbctl} for the same rows into a second,
 *       identical sandbox: elapsed time and transactions of each.
 *   <li>One pod label change at a time: compile the event incrementally ({@code PolicyCompiler.apply}), reconcile the
 *       delta ({@code Reconciler.apply}) and record the time until the NB committed it, with HdrHistogram.
 *   <li>The replica's memory: heap before and after a second connection fills an {@link NbCache}.
 * </ol>
 *
 * <pre>java -cp perf/target/benchmarks.jar io.netctl.perf.ovn.ReconcileBench [pods] [anps] [rulesPerAnp] [changes]</pre>
 *
 * <p>System properties: {@code -Dbench.nbctl=false} skips the {@code ovn-nbctl} baseline (and its second sandbox);
 * {@code -Dbench.writers=library,direct} (default both, interleaved change by change) which connection the
 * member-only deltas go out on ({@code Reconciler.directFastPath});
 * {@code -Dbench.northd=on|off|both} (default both) measures the label changes with ovn-northd running, without it
 * (stopped after the first pass), or both in that order; {@code -Dbench.monitorMembers=true} also monitors
 * {@code Port_Group.ports} and {@code Address_Set.addresses}, as netctl did before they were taken out of the
 * monitor (the before/after comparison).
 */
public final class ReconcileBench {
  private ReconcileBench() {}

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int anps = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int rules = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int changes = args.length > 3 ? Integer.parseInt(args[3]) : 500;
    int namespaces = Math.max(1, pods / 50);
    SyntheticCluster cluster = SyntheticCluster.generate(namespaces, pods, anps, rules, 42);
    LspNaming naming = LspNaming.KUBE_OVN;
    PolicyCompiler.Options opts = new PolicyCompiler.Options(naming, false);

    long c0 = System.nanoTime();
    PolicyCompiler compiler = new PolicyCompiler(opts);
    compiler.load(cluster.objects());
    NbState state = compiler.state();
    long compileMs = (System.nanoTime() - c0) / 1_000_000;
    int ports = state.portGroups().values().stream().mapToInt(p -> p.ports().size()).sum();
    int addrs = state.addressSets().values().stream().mapToInt(a -> a.addresses().size()).sum();
    System.out.printf("cluster: %d pods, %d namespaces, %d ANPs x %d rules + 1 BANP; compiled in %d ms%n", pods,
        namespaces, anps, rules, compileMs);
    System.out.printf("rows: %d Port_Groups (%d members), %d Address_Sets (%d addresses), %d ACLs%n",
        state.portGroups().size(), ports, state.addressSets().size(), addrs, state.acls().size());

    boolean withNbctl = Boolean.parseBoolean(System.getProperty("bench.nbctl", "true"));
    String northd = System.getProperty("bench.northd", "both");
    TimedSession.monitorMembers = Boolean.getBoolean("bench.monitorMembers");
    System.out.printf("monitor of the member columns: %s; ovn-northd: %s%n",
        TimedSession.monitorMembers ? "on (as before)" : "off (select + own operations)", northd);
    Path tmp = Files.createTempDirectory("netctl-bench");
    try (OvnSandbox a = OvnSandbox.start(tmp.resolve("netctl"));
        OvnSandbox b = withNbctl ? OvnSandbox.start(tmp.resolve("nbctl")) : null) {
      createPorts(a, cluster, naming);
      if (b != null) {
        createPorts(b, cluster, naming);
      }

      // ---- 1. netctl into an empty NB ----
      OvsdbConnector conn = connector(a);
      Reconciler rec = new Reconciler(() -> {
        try {
          return new TimedSession(conn.connect());
        } catch (io.netctl.ovn.ovsdb.OvsdbException e) {
          throw new Reconciler.UncheckedOvsdbException(e);
        }
      }, new Reconciler.Options(5_000, Duration.ofSeconds(120)), System.err::println);
      long t0 = System.nanoTime();
      rec.aclTiers(); // connect, read the schema, monitor (cold JVM: class loading included)
      long connectMs = (System.nanoTime() - t0) / 1_000_000;
      long t1 = System.nanoTime();
      ReconcileResult r = rec.reconcile(state);
      long netctlMs = (System.nanoTime() - t1) / 1_000_000;
      if (!r.ok()) {
        throw new IllegalStateException("reconcile failed: " + r.errors());
      }

      // ---- 1b. ovn-nbctl running the compile -o nbctl script ----
      System.out.println();
      System.out.println("| into an empty NB | elapsed | transactions |");
      System.out.println("|---|---|---|");
      System.out.printf("| netctl reconciler: plan + commit (connect + monitor before: %d ms) | %d ms | %d (%d operations) |%n",
          connectMs, netctlMs, r.transactions(), r.operations());
      if (b != null) {
      String script = rebatch(NbPrinter.nbctl(state));
      Path file = b.dir().resolve("rows.sh");
      Files.writeString(file, script);
      long invocations = script.lines().filter(l -> l.startsWith("$NBCTL")).count();
      long n0 = System.nanoTime();
      OvnSandbox.Result nr =
          b.runResult("sh", "-c", "NBCTL='ovn-nbctl --db=" + b.nbRemote() + " --timeout=600' sh " + file);
      long nbctlMs = (System.nanoTime() - n0) / 1_000_000;
      if (nr.code() != 0) {
        String[] lines = nr.err().strip().split("\n");
        System.out.printf("ovn-nbctl FAILED after %d ms: %s%n", nbctlMs, lines[lines.length - 1]);
      }
      String nbctlAcls = b.nbctl("--bare", "--columns=_uuid", "find", "ACL", "external_ids:\"netctl.io/owner-controller\"=netctl");
      long nbctlAclRows = nbctlAcls.lines().filter(l -> !l.isBlank()).count();

      System.out.printf("| ovn-nbctl running `netctl compile -o nbctl` | %d ms | %d ovn-nbctl calls |%n", nbctlMs,
          invocations);
      System.out.printf("(ovn-nbctl wrote %d owned ACLs, netctl %d)%n", nbctlAclRows, state.acls().size());
      }

      // idempotence at scale
      long i0 = System.nanoTime();
      ReconcileResult again = rec.reconcile(state);
      System.out.printf("second reconcile of the same state: %d transactions, %d ms%n", again.transactions(),
          (System.nanoTime() - i0) / 1_000_000);

      // ---- 2. one pod label change -> NB committed ----
      List<Pod> podList = new ArrayList<>(cluster.pods);
      Random rnd = new Random(7);
      List<String> writers = List.of(System.getProperty("bench.writers", "library,direct").split(","));
      if (!northd.equals("off")) {
        changes(rec, compiler, podList, rnd, changes, "with ovn-northd running", writers);
      }
      if (!northd.equals("on")) {
        a.runResult("sh", "-c", "kill $(cat '" + a.dir().resolve("ovn-northd.pid") + "')");
        changes(rec, compiler, podList, rnd, changes, "without ovn-northd", writers);
      }
      rec.directFastPath(writers.contains("direct"));
      NbState check = compiler.state();
      ReconcileResult verify = rec.reconcile(check);
      System.out.printf("full reconcile after the changes: %d transactions (0 = the deltas were exact)%n",
          verify.transactions());
      long r0 = System.nanoTime();
      ReconcileResult rs = rec.resync();
      System.out.printf("periodic resync (select of every member + whole-state plan in chunks of %d rows): %d ms, %d"
          + " transactions%n", Reconciler.RESYNC_CHUNK_ROWS, (System.nanoTime() - r0) / 1_000_000, rs.transactions());
      // a label change that arrives during a periodic resync waits for at most one chunk (the select of the members
      // runs without the reconciler's lock; the whole-state plan releases it after each chunk)
      List<Pod> pl = new ArrayList<>(cluster.pods);
      Random rr = new Random(11);
      Histogram during = new Histogram(60_000_000L, 3);
      long resyncMs = 0;
      for (int i = 0; i < 3; i++) {
        java.util.concurrent.CompletableFuture<Long> bg = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          long b0 = System.nanoTime();
          try {
            rec.resync();
          } catch (io.netctl.ovn.ovsdb.OvsdbException e) {
            throw new Reconciler.UncheckedOvsdbException(e);
          }
          return (System.nanoTime() - b0) / 1_000_000;
        });
        int n = 0;
        while (!bg.isDone()) { // label changes back to back for as long as the resync runs
          int k = rr.nextInt(pl.size());
          Pod p = pl.get(k);
          TreeMap<String, String> labels = new TreeMap<>(p.labels());
          labels.put("app", "b" + (n++ % 20));
          Pod q = p.withLabels(labels);
          pl.set(k, q);
          NbDelta d = compiler.apply(new ClusterEvent.Upsert(q));
          long a0 = System.nanoTime();
          rec.apply(d);
          during.recordValue((System.nanoTime() - a0) / 1_000);
        }
        resyncMs = Math.max(resyncMs, bg.get());
      }
      System.out.printf("label changes during 3 periodic resyncs (each up to %d ms): delta -> NB committed n=%d, p50"
          + " %.2f ms, p99 %.2f ms, max %.2f ms%n", resyncMs, during.getTotalCount(),
          during.getValueAtPercentile(50) / 1000.0, during.getValueAtPercentile(99) / 1000.0,
          during.getMaxValue() / 1000.0);

      // ---- 3. the replica's memory ----
      rec.close();
      Runtime rt = Runtime.getRuntime();
      gc();
      long before = rt.totalMemory() - rt.freeMemory();
      OvsdbSession s = connector(a).connect();
      NbCache cache = NbCache.load(s);
      gc();
      long after = rt.totalMemory() - rt.freeMemory();
      Map<String, int[]> counts = cache.counts();
      System.out.println();
      System.out.printf("replica memory: %.1f MB for %s%n", (after - before) / 1e6, describe(counts));
      s.close();
    }
  }


  /**
   * {@code changes} pod label changes per writer, one at a time, after a warm-up: compile the event, apply the delta.
   * With two writers the changes alternate between them (the library's connection, the direct channel), so both see
   * the same machine at the same time.
   */
  static void changes(Reconciler rec, PolicyCompiler compiler, List<Pod> podList, Random rnd, int changes, String label,
      List<String> writers) throws Exception {
    int w = writers.size();
    Histogram[] commit = new Histogram[w];
    Histogram[] endToEnd = new Histogram[w];
    Histogram[] transact = new Histogram[w];
    for (int j = 0; j < w; j++) {
      commit[j] = new Histogram(60_000_000L, 3);
      endToEnd[j] = new Histogram(60_000_000L, 3);
      transact[j] = new Histogram(60_000_000L, 3);
    }
    long rows = 0;
    int warmup = Math.min(100, changes / 3) * w;
    for (int i = 0; i < (changes * w) + warmup; i++) {
      int j = i % w;
      rec.directFastPath(writers.get(j).equals("direct"));
      int k = rnd.nextInt(podList.size());
      Pod p = podList.get(k);
      TreeMap<String, String> labels = new TreeMap<>(p.labels());
      labels.put("app", "a" + rnd.nextInt(20));
      Pod q = p.withLabels(labels);
      podList.set(k, q);
      TimedSession.TRANSACT.reset();
      long e0 = System.nanoTime();
      NbDelta d = compiler.apply(new ClusterEvent.Upsert(q));
      long e1 = System.nanoTime();
      ReconcileResult dr = rec.apply(d);
      long e2 = System.nanoTime();
      if (!dr.ok()) {
        throw new IllegalStateException("apply failed: " + dr.errors());
      }
      if (i == warmup) {
        TimedSession.UPDATES.reset();
        TimedSession.ARRIVAL.reset();
        TimedSession.ELEMENTS.reset();
      }
      if (i >= warmup) {
        commit[j].recordValue((e2 - e1) / 1_000);
        endToEnd[j].recordValue((e2 - e0) / 1_000);
        transact[j].add(TimedSession.TRANSACT);
        rows += d.size();
      }
    }
    System.out.println();
    System.out.printf("one pod label change, %s (%d changes per writer after %d warm-up, interleaved; %.1f rows per"
        + " delta on average):%n", label, changes, warmup, rows / (double) (changes * w));
    System.out.println("| writer | | p50 | p90 | p99 | max |");
    System.out.println("|---|---|---|---|---|---|");
    for (int j = 0; j < w; j++) {
      String wr = writers.get(j).equals("direct") ? "direct channel" : "OVSDB library";
      row(wr, "delta -> NB committed (Reconciler.apply)", commit[j]);
      row(wr, "event -> NB committed (compile + apply)", endToEnd[j]);
      row(wr, "of which: transact round trip", transact[j]);
    }
    row("both", "library: transact sent -> first monitor update decoded", TimedSession.ARRIVAL);
    row("both", "monitor update -> replica (NbCache.apply, per update)", TimedSession.UPDATES);
    Histogram el = TimedSession.ELEMENTS;
    System.out.printf("| both | set elements per monitor update (count, not ms) | %d | %d | %d | %d |%n",
        el.getValueAtPercentile(50), el.getValueAtPercentile(90), el.getValueAtPercentile(99), el.getMaxValue());
  }

  /**
   * {@code NbPrinter.nbctl} puts every Port_Group command into one ovn-nbctl call; with 10,000 pods that command line
   * exceeds ARG_MAX ("Argument list too long"). Split it into calls of at most ~512 KB, never between an ACL's
   * {@code create} and the {@code add Port_Group ... acls @id} that refers to it.
   */
  static String rebatch(String script) {
    StringBuilder out = new StringBuilder();
    List<String> cmds = new ArrayList<>();
    for (String line : script.split("\n")) {
      String l = line.endsWith(" \\") ? line.substring(0, line.length() - 2) : line;
      if (l.startsWith("  -- ")) {
        cmds.add(l.substring(5));
      } else if (l.equals("$NBCTL")) {
        flushCalls(out, cmds); // ids like @acl0 restart with each original call: never merge two
      } else {
        out.append(line).append('\n');
      }
    }
    flushCalls(out, cmds);
    return out.toString();
  }

  private static void flushCalls(StringBuilder out, List<String> cmds) {
    StringBuilder call = new StringBuilder();
    for (int i = 0; i < cmds.size(); i++) {
      call.append(" \\\n  -- ").append(cmds.get(i));
      boolean next = i + 1 < cmds.size() && cmds.get(i + 1).startsWith("add Port_Group");
      if ((call.length() > 512 * 1024 && !next) || i + 1 == cmds.size()) {
        out.append("$NBCTL").append(call).append('\n');
        call.setLength(0);
      }
    }
    cmds.clear();
  }

  /** Times transact round trips and monitor update handling. */
  static final class TimedSession implements OvsdbSession {
    static final Histogram TRANSACT = new Histogram(60_000_000L, 3);
    static final Histogram UPDATES = new Histogram(60_000_000L, 3);
    static final Histogram ARRIVAL = new Histogram(60_000_000L, 3);
    static final Histogram ELEMENTS = new Histogram(100_000_000L, 3);
    /** Also monitor the member columns (the behaviour before they were taken out of the monitor). */
    static volatile boolean monitorMembers;
    private final OvsdbSession s;
    private volatile long txStart;

    TimedSession(OvsdbSession s) {
      this.s = s;
    }

    @Override
    public String database() {
      return s.database();
    }

    @Override
    public String remote() {
      return s.remote();
    }

    @Override
    public String schemaVersion() {
      return s.schemaVersion();
    }

    @Override
    public Map<String, Set<String>> tables() {
      return s.tables();
    }

    @Override
    public List<io.netctl.ovn.ovsdb.RowUpdate> monitor(Map<String, Set<String>> columns,
        java.util.function.Consumer<List<io.netctl.ovn.ovsdb.RowUpdate>> listener)
        throws io.netctl.ovn.ovsdb.OvsdbException {
      Map<String, Set<String>> cols = columns;
      if (monitorMembers) {
        cols = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> e : columns.entrySet()) {
          Set<String> c = new java.util.TreeSet<>(e.getValue());
          String m = NbCache.MEMBER_COLUMNS.get(e.getKey());
          if (m != null) {
            c.add(m);
          }
          cols.put(e.getKey(), c);
        }
      }
      return s.monitor(cols, u -> {
        long t = System.nanoTime();
        long st = txStart;
        if (st != 0) {
          ARRIVAL.recordValue((t - st) / 1_000);
          txStart = 0;
        }
        long n = 0;
        for (io.netctl.ovn.ovsdb.RowUpdate r : u) {
          if (r.row() != null) {
            for (Object v : r.row().values()) {
              n += v instanceof java.util.Collection<?> c ? c.size() : v instanceof Map<?, ?> m ? m.size() : 1;
            }
          }
        }
        ELEMENTS.recordValue(n);
        listener.accept(u);
        UPDATES.recordValue((System.nanoTime() - t) / 1_000);
      });
    }

    @Override
    public List<Object> transact(List<Operation> ops) throws io.netctl.ovn.ovsdb.OvsdbException {
      return timed(false, ops);
    }

    /** One transaction on the library's connection or the direct channel, its round trip into {@link #TRANSACT}. */
    private List<Object> timed(boolean direct, List<Operation> ops) throws io.netctl.ovn.ovsdb.OvsdbException {
      long t = System.nanoTime();
      txStart = t;
      try {
        return direct ? s.transactDirect(ops) : s.transact(ops);
      } finally {
        TRANSACT.recordValue((System.nanoTime() - t) / 1_000);
      }
    }

    @Override
    public void openDirect() throws io.netctl.ovn.ovsdb.OvsdbException {
      s.openDirect();
    }

    @Override
    public List<Object> transactDirect(List<Operation> ops) throws io.netctl.ovn.ovsdb.OvsdbException {
      return timed(true, ops);
    }

    @Override
    public long[] lastDirectTiming() {
      return s.lastDirectTiming();
    }

    @Override
    public List<io.netctl.ovn.ovsdb.RowUpdate> select(String table, Set<String> columns)
        throws io.netctl.ovn.ovsdb.OvsdbException {
      return s.select(table, columns);
    }

    @Override
    public boolean isConnected() {
      return s.isConnected();
    }

    @Override
    public void onDisconnect(Runnable r) {
      s.onDisconnect(r);
    }

    @Override
    public void close() {
      s.close();
    }
  }

  private static String describe(Map<String, int[]> counts) {
    StringBuilder sb = new StringBuilder();
    counts.forEach((t, c) -> sb.append(sb.length() == 0 ? "" : ", ").append(c[1]).append(' ').append(t));
    return sb.toString();
  }

  private static void row(String writer, String what, Histogram h) {
    System.out.printf("| %s | %s (n=%d) | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", writer, what, h.getTotalCount(),
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
        h.getMaxValue() / 1e3);
  }

  private static void gc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }

  static OvsdbConnector connector(OvnSandbox s) {
    return new OvsdbConnector(Remote.parseList(s.nbRemote()), null, OvsdbConnector.NB_DATABASE,
        Duration.ofSeconds(120), System.err::println);
  }

  /** One logical switch with a port per pod, in one transaction. */
  public static void createPorts(OvnSandbox s, SyntheticCluster c, LspNaming naming) throws Exception {
    try (OvsdbSession session = connector(s).connect()) {
      List<Operation> ops = new ArrayList<>();
      Set<Object> refs = new java.util.LinkedHashSet<>();
      int i = 0;
      for (ClusterObject o : c.pods) {
        Pod p = (Pod) o;
        NamedUuid n = new NamedUuid("lsp" + i);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", naming.lspName(p));
        row.put("addresses", Set.of(String.format("0a:58:%02x:%02x:%02x:%02x", (i >> 24) & 255, (i >> 16) & 255,
            (i >> 8) & 255, i & 255) + " " + p.ips().get(0)));
        ops.add(new Operation.Insert(NbCache.LSP, n, row));
        refs.add(n);
        i++;
      }
      Map<String, Object> ls = new LinkedHashMap<>();
      ls.put("name", "pods");
      ls.put("ports", refs);
      ops.add(new Operation.Insert("Logical_Switch", new NamedUuid("ls"), ls));
      session.transact(ops);
    }
  }
}
