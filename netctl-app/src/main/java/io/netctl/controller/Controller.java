package io.netctl.controller;

import io.netctl.anp.api.Action;
import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.Kind;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.api.Peer;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.PolicyKind;
import io.netctl.anp.api.Rule;
import io.netctl.anp.api.Tier;
import io.netctl.anp.compile.ClusterEvent;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.diag.Code;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.ovsdb.OvsdbException;
import io.netctl.ovn.ovsdb.ReconcileResult;
import io.netctl.ovn.ovsdb.Reconciler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The controller's engine: source events → incremental compiler → coalesced deltas → the OVSDB reconciler, and the
 * policies' status conditions.
 *
 * <p>Threads. The compiler and everything it holds live on one thread ({@code netctl-compiler}); {@link #read} runs a
 * function there for consistent reads of the compiled state. Sources put events into a bounded, coalescing
 * {@link WorkQueue} (one entry per object; producers block when it is full). The compiler drains it in batches and
 * folds each batch's deltas into the pending delta ({@link DeltaMerger}). One writer thread ({@code netctl-nb-writer})
 * sends the pending delta to the reconciler, one call (and so one transaction batch) in flight at a time; whatever is
 * compiled meanwhile is folded into the next one. If the pending delta grows beyond {@code maxPendingRows} rows (the
 * NB is slow or away), it is dropped and replaced by one full reconcile of the compiler's state, so memory stays
 * bounded by the cluster's size.
 *
 * <p>Start-up: events are only collected until the source says it is synced; then the whole input is compiled at once
 * ({@link PolicyCompiler#load}) and reconciled in full ({@link Reconciler#reconcile}), which deletes owned orphans.
 * After a failed NB call the next one is again a full reconcile.
 *
 * <p>Leadership: every instance compiles (a standby is warm), only the leader writes the NB and status. Gaining
 * leadership starts with a full reconcile.
 */
public final class Controller implements ClusterSource.Sink, AutoCloseable {

  /**
   * @param compiler compiler options
   * @param queueCapacity objects that may wait in the work queue before sources block
   * @param maxPendingRows rows the pending delta may touch before it is replaced by a full reconcile
   * @param retryBackoff wait after a failed NB call before the next (full) reconcile
   */
  public record Options(PolicyCompiler.Options compiler, int queueCapacity, int maxPendingRows, Duration retryBackoff) {
    public static final Options DEFAULT =
        new Options(PolicyCompiler.Options.DEFAULT, 10_000, 50_000, Duration.ofSeconds(1));

    public Options {
      Objects.requireNonNull(compiler, "compiler");
      Objects.requireNonNull(retryBackoff, "retryBackoff");
    }

    public Options withCompiler(PolicyCompiler.Options c) {
      return new Options(c, queueCapacity, maxPendingRows, retryBackoff);
    }
  }

  /** A consistent view of the compiled state, valid only inside {@link #read}. */
  public interface View {
    PolicyCompiler compiler();

    /** The conditions of every policy netctl reports on (ANP, BANP, CNP), as last computed. */
    Map<ObjectRef, Conditions> conditions();

    /** Policies that are not programmed because they are invalid, with why. */
    Map<ObjectRef, List<Diagnostic>> invalid();
  }

  private final Options options;
  private final Reconciler reconciler;
  private final StatusSink status;
  private final ControllerMetrics metrics;
  private final Consumer<String> log;

  // ---- compiler thread -------------------------------------------------------------------------------------------
  private final ExecutorService compilerThread;
  private final PolicyCompiler compiler;
  private final WorkQueue<Object, SourceEvent> queue;
  private final Map<ObjectRef, ClusterObject> current = new HashMap<>();
  private final Map<ObjectRef, List<Diagnostic>> invalid = new TreeMap<>();
  private final Map<String, List<String>> resolved = new HashMap<>();
  private Map<ObjectRef, Conditions> conditions = Map.of();
  private volatile long generation;
  private boolean synced;
  private Set<String> domains = Set.of();
  private Consumer<Set<String>> domainListener = d -> {};

  // ---- shared with the writer (guarded by lock) ------------------------------------------------------------------
  private final Object lock = new Object();
  private final Thread writer;
  private final DeltaMerger pending = new DeltaMerger();
  private final List<Long> pendingReceived = new ArrayList<>();
  private NbState full;
  private boolean needFull = true;
  private boolean fullRequested;
  private boolean leader;
  private boolean ready; // synced and compiled
  private boolean inFlight;
  private String nbError;
  private volatile boolean closed;
  private volatile Boolean aclTiers;

  // ---- status thread ---------------------------------------------------------------------------------------------
  private final ExecutorService statusThread;
  private final Map<ObjectRef, Conditions> written = new ConcurrentHashMap<>();

  private final List<Consumer<Boolean>> leadershipListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicLong commits = new AtomicLong();
  private volatile java.util.function.LongConsumer commitListener = t -> {};
  private final CompletableFuture<Void> firstConvergence = new CompletableFuture<>();

  public Controller(
      Options options, Reconciler reconciler, StatusSink status, ControllerMetrics metrics, Consumer<String> log) {
    this.options = Objects.requireNonNull(options, "options");
    this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
    this.status = status == null ? StatusSink.NONE : status;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.log = log == null ? s -> {} : log;
    this.compiler = new PolicyCompiler(options.compiler());
    this.compilerThread = Executors.newSingleThreadExecutor(daemon("netctl-compiler"));
    this.statusThread = Executors.newSingleThreadExecutor(daemon("netctl-status"));
    this.queue =
        new WorkQueue<>(
            options.queueCapacity(),
            () -> compilerThread.execute(this::drainBatch),
            metrics.workqueueDepth::set,
            metrics.workqueueCoalesced::inc);
    this.writer = daemon("netctl-nb-writer").newThread(this::writeLoop);
    writer.start();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ==== input =====================================================================================================

  @Override
  public void event(SourceEvent e, String type) {
    String kind = kindLabel(e);
    metrics.informerEvents.labelValues(kind, type).inc();
    try {
      queue.put(e.key(), e, System.nanoTime());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  private static String kindLabel(SourceEvent e) {
    if (e instanceof SourceEvent.Upsert u) {
      return u.object().ref().kind().kindName();
    } else if (e instanceof SourceEvent.Invalid i) {
      return i.ref().kind().kindName();
    } else if (e instanceof SourceEvent.Deleted d) {
      return d.ref().kind().kindName();
    }
    return "DomainName";
  }

  @Override
  public void synced() {
    compilerThread.execute(this::initialCompile);
  }

  /** Leadership changed (from the elector; a controller without election is made leader once). */
  public void setLeader(boolean isLeader) {
    metrics.leader.set(isLeader ? 1 : 0);
    synchronized (lock) {
      if (leader == isLeader) {
        return;
      }
      leader = isLeader;
      needFull = true; // a new leader starts from a full reconcile; a standby drops its deltas
      pending.clear();
      pendingReceived.clear();
      full = null;
      lock.notifyAll();
    }
    log.accept(isLeader ? "leader: writing the Northbound and status" : "standby: not writing");
    for (Consumer<Boolean> l : leadershipListeners) {
      l.accept(isLeader);
    }
    if (isLeader) {
      written.clear(); // a new leader does not know what the API holds; the sink compares before writing
      compilerThread.execute(this::refreshStatus);
    }
  }

  /**
   * Called with every leadership change, on the thread that changed it (the elector's), after the controller itself
   * has switched. The egress side starts and stops its engine this way. Must not block.
   */
  public void onLeadership(Consumer<Boolean> listener) {
    leadershipListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public boolean isLeader() {
    synchronized (lock) {
      return leader;
    }
  }

  /** Called on the compiler thread with the set of domain names the policies use, whenever it changes. */
  public void onDomains(Consumer<Set<String>> listener) {
    compilerThread.execute(
        () -> {
          domainListener = listener;
          listener.accept(domains);
        });
  }

  /** Runs {@code f} on the compiler thread, with a consistent view of the compiled state. */
  public <T> CompletableFuture<T> read(Function<View, T> f) {
    View v = view();
    return CompletableFuture.supplyAsync(() -> f.apply(v), compilerThread);
  }

  /**
   * The view {@link #read} passes; use it only on the compiler thread ({@link #compilerExecutor()}), e.g. from a
   * backend that schedules its own reads there (the gRPC API's {@code CompiledBackend}).
   */
  public View view() {
    return new View() {
      @Override
      public PolicyCompiler compiler() {
        return compiler;
      }

      @Override
      public Map<ObjectRef, Conditions> conditions() {
        return conditions;
      }

      @Override
      public Map<ObjectRef, List<Diagnostic>> invalid() {
        return java.util.Collections.unmodifiableMap(invalid);
      }
    };
  }

  /** Runs tasks on the compiler thread, after the events queued before them. */
  public java.util.concurrent.Executor compilerExecutor() {
    return compilerThread::execute;
  }

  /** Changes whenever the compiled state may have changed (read on the compiler thread): the API caches by it. */
  public long generation() {
    return generation;
  }

  /** Completes when the first full reconcile has committed. */
  public CompletableFuture<Void> firstConvergence() {
    return firstConvergence;
  }

  /** Called on the writer thread with {@code System.nanoTime()} after each successful NB call (perf harnesses). */
  public void onCommit(java.util.function.LongConsumer listener) {
    this.commitListener = listener == null ? t -> {} : listener;
  }

  /** Successful NB calls so far (full reconciles and delta applies). */
  public long commits() {
    return commits.get();
  }

  /** True when nothing waits: queue empty, nothing pending or in flight (tests and the demo wait for it). */
  public boolean idle() {
    if (queue.size() > 0) {
      return false;
    }
    synchronized (lock) {
      return ready && !inFlight && full == null && pending.isEmpty() && (!leader || !needFull);
    }
  }

  // ==== compiler thread ===========================================================================================

  private void initialCompile() {
    if (synced) {
      return;
    }
    for (WorkQueue.Entry<Object, SourceEvent> e : queue.drain()) {
      collect(e.value());
    }
    long t0 = System.nanoTime();
    compiler.load(current.values());
    generation++;
    metrics.compileDuration.labelValues("full").observe(ControllerMetrics.seconds(System.nanoTime() - t0));
    synced = true;
    log.accept(
        "synced: " + current.size() + " objects, " + invalid.size() + " invalid, compiled in "
            + (System.nanoTime() - t0) / 1_000_000 + " ms");
    synchronized (lock) {
      ready = true;
      needFull = true;
      lock.notifyAll();
    }
    domainsChanged();
    refreshStatus();
  }

  /** Before the initial sync: only remember the latest version of everything. */
  private void collect(SourceEvent e) {
    if (e instanceof SourceEvent.Upsert u) {
      ObjectRef ref = u.object().ref();
      current.put(ref, u.object());
      invalid.remove(ref);
      if (u.at().known()) {
        compiler.setLocation(ref, u.at());
      }
    } else if (e instanceof SourceEvent.Invalid i) {
      current.remove(i.ref());
      invalid.put(i.ref(), i.diagnostics());
    } else if (e instanceof SourceEvent.Deleted d) {
      current.remove(d.ref());
      invalid.remove(d.ref());
    } else if (e instanceof SourceEvent.Resolved r) {
      resolved.put(r.domain(), r.addresses());
    }
  }

  private void drainBatch() {
    if (!synced) {
      return; // initialCompile drains what arrived before the sync
    }
    List<WorkQueue.Entry<Object, SourceEvent>> batch = queue.drain();
    if (batch.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    DeltaMerger merged = new DeltaMerger();
    List<Long> received = new ArrayList<>();
    boolean policiesChanged = false;
    for (WorkQueue.Entry<Object, SourceEvent> e : batch) {
      SourceEvent ev = e.value();
      NbDelta d = compile(ev);
      if (d == null) {
        continue; // nothing changed
      }
      generation++;
      ObjectRef ref = refOf(ev);
      policiesChanged |= ref != null && ref.kind().isPolicy();
      metrics.informerLag.labelValues(kindLabel(ev)).observe(ControllerMetrics.seconds(System.nanoTime() - e.receivedNanos()));
      if (!d.isEmpty()) {
        merged.add(d);
        received.add(e.receivedNanos());
      }
    }
    metrics.compileDuration.labelValues("incremental").observe(ControllerMetrics.seconds(System.nanoTime() - t0));
    if (!merged.isEmpty()) {
      synchronized (lock) {
        // a standby, or a leader waiting for a full state snapshot, drops deltas: the snapshot will contain them
        if (leader && !needFull) {
          pending.add(merged.build());
          if (pendingReceived.size() < 100_000) {
            pendingReceived.addAll(received);
          }
          if (pending.size() > options.maxPendingRows()) {
            log.accept("pending delta exceeds " + options.maxPendingRows() + " rows: replaced by a full reconcile");
            pending.clear();
            full = null;
            needFull = true;
          }
        }
        lock.notifyAll();
      }
    }
    if (policiesChanged) {
      domainsChanged();
    }
    refreshStatus();
  }

  private static ObjectRef refOf(SourceEvent ev) {
    if (ev instanceof SourceEvent.Upsert u) {
      return u.object().ref();
    } else if (ev instanceof SourceEvent.Invalid i) {
      return i.ref();
    } else if (ev instanceof SourceEvent.Deleted d) {
      return d.ref();
    }
    return null;
  }

  /** Applies one event to the compiler; null when it changes nothing netctl has seen. */
  private NbDelta compile(SourceEvent e) {
    if (e instanceof SourceEvent.Upsert u) {
      ObjectRef ref = u.object().ref();
      invalid.remove(ref);
      if (u.object().equals(current.get(ref))) {
        return null; // a resync, or a status-only update (netctl's own status writes come back this way)
      }
      current.put(ref, u.object());
      if (u.at().known()) {
        compiler.setLocation(ref, u.at());
      }
      return compiler.apply(new ClusterEvent.Upsert(u.object()));
    } else if (e instanceof SourceEvent.Invalid i) {
      invalid.put(i.ref(), i.diagnostics());
      if (current.remove(i.ref()) == null) {
        return NbDelta.EMPTY;
      }
      return compiler.apply(new ClusterEvent.Delete(i.ref()));
    } else if (e instanceof SourceEvent.Deleted d) {
      boolean wasInvalid = invalid.remove(d.ref()) != null;
      if (current.remove(d.ref()) == null) {
        return wasInvalid ? NbDelta.EMPTY : null;
      }
      return compiler.apply(new ClusterEvent.Delete(d.ref()));
    } else if (e instanceof SourceEvent.Resolved r) {
      if (r.addresses().equals(resolved.get(r.domain()))) {
        return null;
      }
      resolved.put(r.domain(), r.addresses());
      return compiler.apply(new ClusterEvent.DomainResolved(r.domain(), r.addresses()));
    }
    throw new IllegalArgumentException("unknown event " + e);
  }

  private void domainsChanged() {
    Set<String> d = new TreeSet<>();
    for (Policy p : compiler.policies()) {
      for (List<Rule> rules : List.of(p.ingress(), p.egress())) {
        for (Rule r : rules) {
          for (Peer peer : r.peers()) {
            if (peer instanceof Peer.DomainNames dn) {
              d.addAll(dn.names());
            }
          }
        }
      }
    }
    if (!d.equals(domains)) {
      domains = Set.copyOf(d);
      // names no longer used: forget their last answer, so that a re-added name is compiled again
      resolved.keySet().retainAll(domains);
      domainListener.accept(domains);
    }
  }

  /** Computes every policy's conditions; the leader writes those that changed once the NB has caught up. */
  private void refreshStatus() {
    if (!synced) {
      return;
    }
    boolean idle;
    boolean isLeader;
    String err;
    synchronized (lock) {
      idle = !inFlight && full == null && pending.isEmpty() && !needFull;
      isLeader = leader;
      err = nbError;
    }
    Map<ObjectRef, List<Diagnostic>> byObject = new HashMap<>();
    for (Diagnostic d : compiler.diagnostics()) {
      if (d.object() != null) {
        byObject.computeIfAbsent(d.object(), k -> new ArrayList<>()).add(d);
      }
    }
    Map<ObjectRef, Conditions> next = new TreeMap<>();
    int acls = 0;
    for (Policy p : compiler.policies()) {
      if (p.kind() == PolicyKind.NETWORK_POLICY) {
        continue; // netctl does not own NetworkPolicy status
      }
      Conditions c = conditionsOf(p, byObject.getOrDefault(p.ref(), List.of()), err);
      next.put(p.ref(), c);
      if (c.isTrue(Conditions.PROGRAMMED)) {
        acls += Math.max(0, compiler.aclCount(p.ref()));
      }
    }
    for (Map.Entry<ObjectRef, List<Diagnostic>> e : invalid.entrySet()) {
      if (e.getKey().kind().isPolicy() && e.getKey().kind() != Kind.NETWORK_POLICY) {
        next.put(e.getKey(), invalidConditions(e.getValue()));
      }
    }
    conditions = java.util.Collections.unmodifiableMap(next);
    updateGauges(next, acls);
    if (!isLeader || (!idle && err == null)) {
      return; // Programmed is only claimed once the NB has committed
    }
    for (Map.Entry<ObjectRef, Conditions> e : next.entrySet()) {
      ObjectRef ref = e.getKey();
      Conditions c = e.getValue();
      if (c.equals(written.get(ref))) {
        continue;
      }
      written.put(ref, c);
      statusThread.execute(
          () -> {
            boolean ok;
            try {
              ok = status.write(ref, c);
            } catch (RuntimeException ex) {
              log.accept("status of " + ref + ": " + ex.getMessage());
              ok = false;
            }
            if (!ok) {
              written.remove(ref, c); // tried again on the next refresh
            }
          });
    }
    for (ObjectRef ref : new ArrayList<>(written.keySet())) {
      if (!next.containsKey(ref)) {
        written.remove(ref);
        statusThread.execute(() -> status.forget(ref));
      }
    }
  }

  private void updateGauges(Map<ObjectRef, Conditions> next, int acls) {
    Map<String, int[]> counts = new HashMap<>();
    for (Kind k : List.of(Kind.ADMIN_NETWORK_POLICY, Kind.BASELINE_ADMIN_NETWORK_POLICY, Kind.CLUSTER_NETWORK_POLICY)) {
      counts.put(k.kindName(), new int[ControllerMetrics.CONDITIONS.size()]);
    }
    for (Map.Entry<ObjectRef, Conditions> e : next.entrySet()) {
      int[] c = counts.get(e.getKey().kind().kindName());
      for (int i = 0; i < ControllerMetrics.CONDITIONS.size(); i++) {
        if (e.getValue().isTrue(ControllerMetrics.CONDITIONS.get(i))) {
          c[i]++;
        }
      }
    }
    counts.forEach(
        (kind, c) -> {
          for (int i = 0; i < c.length; i++) {
            metrics.policies.labelValues(kind, ControllerMetrics.CONDITIONS.get(i)).set(c[i]);
          }
        });
    metrics.aclsProgrammed.set(acls);
  }

  static Conditions invalidConditions(List<Diagnostic> ds) {
    String msg = ds.isEmpty() ? "invalid" : message(ds.get(0));
    return new Conditions(
        List.of(
            new Conditions.Condition(Conditions.PROGRAMMED, false, "InvalidSpec", "not programmed: " + msg),
            new Conditions.Condition(Conditions.INVALID_SPEC, true, Code.INVALID_SPEC.reason(), msg)));
  }

  private Conditions conditionsOf(Policy p, List<Diagnostic> ds, String nbErr) {
    List<Conditions.Condition> problems = new ArrayList<>();
    String notProgrammed = null;
    String notProgrammedReason = null;
    for (Diagnostic d : ds) {
      if (d.code() == Code.DUPLICATE_PRIORITY) {
        problems.add(new Conditions.Condition(Conditions.DUPLICATE_PRIORITY, true, d.code().reason(), message(d)));
      } else if (d.isError()) {
        notProgrammed = message(d);
        notProgrammedReason = d.code().reason();
      }
    }
    if (Boolean.FALSE.equals(aclTiers) && needsTiers(p)) {
      String m = "needs ACL tiers and the pass action (OVN >= 23.09); this Northbound has none";
      problems.add(new Conditions.Condition(Conditions.UNSUPPORTED, true, Conditions.UNSUPPORTED, m));
      notProgrammed = m;
      notProgrammedReason = Conditions.UNSUPPORTED;
    }
    if (notProgrammed == null && nbErr != null) {
      notProgrammed = nbErr;
      notProgrammedReason = "NorthboundError";
    }
    int acls = compiler.aclCount(p.ref());
    if (notProgrammed == null && acls < 0) {
      notProgrammed = "not compiled";
      notProgrammedReason = "NotCompiled";
    }
    List<Conditions.Condition> all = new ArrayList<>();
    all.add(
        notProgrammed == null
            ? new Conditions.Condition(Conditions.PROGRAMMED, true, "Programmed", acls + (acls == 1 ? " ACL" : " ACLs"))
            : new Conditions.Condition(Conditions.PROGRAMMED, false, notProgrammedReason, notProgrammed));
    all.addAll(problems);
    return new Conditions(all);
  }

  /** Whether a policy needs tiers: baseline-tier kinds and any Pass rule. */
  static boolean needsTiers(Policy p) {
    if (p.kind().tier() == Tier.BASELINE) {
      return true;
    }
    for (List<Rule> rules : List.of(p.ingress(), p.egress())) {
      for (Rule r : rules) {
        if (r.action() == Action.PASS) {
          return true;
        }
      }
    }
    return false;
  }

  private static String message(Diagnostic d) {
    return (d.field().isEmpty() ? "" : d.field() + ": ") + d.message();
  }

  // ==== writer thread =============================================================================================

  private void writeLoop() {
    while (!closed) {
      NbState fullState;
      NbDelta delta;
      List<Long> received;
      synchronized (lock) {
        try {
          while (!closed && !(leader && ready && (needFull || full != null || !pending.isEmpty()))) {
            lock.wait();
          }
          if (closed) {
            return;
          }
          if (full == null && needFull) {
            if (!fullRequested) {
              fullRequested = true;
              compilerThread.execute(this::snapshotFull);
            }
            lock.wait();
            continue;
          }
        } catch (InterruptedException e) {
          return;
        }
        fullState = full;
        full = null;
        delta = pending.build();
        pending.clear();
        received = new ArrayList<>(pendingReceived);
        pendingReceived.clear();
        inFlight = true;
      }
      boolean ok = write(fullState, delta, received);
      synchronized (lock) {
        inFlight = false;
        if (!ok) {
          needFull = true;
          try {
            lock.wait(options.retryBackoff().toMillis()); // woken early by close or a leadership change
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      if (!closed) {
        compilerThread.execute(this::refreshStatus);
      }
    }
  }

  /** Compiler thread: the whole state for the writer; the deltas pending so far are part of it. */
  private void snapshotFull() {
    NbState s = compiler.state();
    synchronized (lock) {
      fullRequested = false;
      if (!leader) {
        return;
      }
      full = s;
      needFull = false;
      pending.clear();
      lock.notifyAll();
    }
  }

  private boolean write(NbState fullState, NbDelta delta, List<Long> received) {
    try {
      if (fullState != null) {
        long t0 = System.nanoTime();
        ReconcileResult r = reconciler.reconcile(fullState);
        metrics.reconcileDuration.labelValues("full").observe(ControllerMetrics.seconds(System.nanoTime() - t0));
        account(r);
        log.accept(
            "full reconcile: " + r.counts() + " in " + r.transactions() + " transaction(s), " + r.elapsedMillis()
                + " ms");
        if (aclTiers == null) {
          aclTiers = reconciler.aclTiers();
        }
        if (!r.ok()) {
          nbError(String.join("; ", r.errors()));
          return true; // rejected rows are not retried: the next change or the periodic resync tries again
        }
      }
      if (!delta.isEmpty()) {
        long t0 = System.nanoTime();
        ReconcileResult r = reconciler.apply(delta);
        metrics.reconcileDuration.labelValues("delta").observe(ControllerMetrics.seconds(System.nanoTime() - t0));
        account(r);
        if (!r.counts().isEmpty()) {
          log.accept("applied " + received.size() + " change(s): " + r.counts() + " in " + r.transactions()
              + " transaction(s), " + r.elapsedMillis() + " ms");
        }
        if (!r.ok()) {
          nbError(String.join("; ", r.errors()));
          return true;
        }
      }
      long now = System.nanoTime();
      for (long t : received) {
        metrics.eventToCommit.observe(ControllerMetrics.seconds(now - t));
      }
      metrics.nbConnected.set(1);
      nbError(null);
      commits.incrementAndGet();
      commitListener.accept(now);
      if (fullState != null) {
        firstConvergence.complete(null);
      }
      return true;
    } catch (OvsdbException | RuntimeException e) {
      metrics.nbConnected.set(0);
      metrics.nbTransactions.labelValues("error").inc();
      log.accept("Northbound: " + e.getMessage() + "; next: a full reconcile");
      nbError("Northbound unavailable: " + e.getMessage());
      return false;
    }
  }

  private void account(ReconcileResult r) {
    metrics.nbTransactions.labelValues("ok").inc(r.transactions());
    if (!r.ok()) {
      metrics.nbTransactions.labelValues("error").inc();
      for (String e : r.errors()) {
        log.accept("Northbound: " + e);
      }
    }
    metrics.rowsChanged(r.counts());
  }

  private void nbError(String e) {
    synchronized (lock) {
      nbError = e;
    }
  }

  @Override
  public void close() {
    closed = true;
    queue.close();
    synchronized (lock) {
      lock.notifyAll();
    }
    writer.interrupt();
    compilerThread.shutdownNow();
    statusThread.shutdown();
    try {
      writer.join(5_000);
      statusThread.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** For tests: the objects netctl currently compiles. */
  Collection<ObjectRef> objects() {
    return new HashSet<>(current.keySet());
  }
}
