package io.netctl.ovn.ovsdb;

import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps netctl's rows in the Northbound equal to a desired state.
 *
 * <p>Two ways in: {@link #reconcile(NbState)} takes a whole desired state (what {@code netctl apply} does; the first
 * call of a controller, which also deletes owned orphans), {@link #apply(NbDelta)} a change to the last one (what
 * {@code PolicyCompiler.apply} returns per cluster event): it plans only the rows the delta touches. Both block until
 * the transactions are committed, and both are serialized.
 *
 * <p>The connection: a session to the leader of the given remotes, a monitor of the tables netctl reads (the
 * {@link NbCache}), and the schema's capabilities. When the connection breaks, the call in progress reconnects with
 * exponential backoff (100 ms doubling to 2 s) until {@code retryFor} runs out, then plans the <em>whole</em> desired
 * state against the fresh replica: a transaction in flight at the break may or may not have committed, and the new
 * replica says which. Without a call in progress, a background thread reconnects and resyncs the same way.
 *
 * <p>A rejected transaction is not retried (it would fail the same way): the result carries the server's error and
 * the failing operation; transactions after it are not sent.
 */
public final class Reconciler implements AutoCloseable {

  /**
   * @param maxOpsPerTransaction the transaction size bound
   * @param retryFor how long one call keeps reconnecting before it gives up
   * @param resyncEvery how often the background thread reloads the unmonitored member columns
   *     ({@link NbCache#MEMBER_COLUMNS}) and reconciles the whole last desired state ({@link #resync()}), which
   *     repairs external edits of owned rows' members; zero or negative: never
   */
  public record Options(
      int maxOpsPerTransaction,
      Duration retryFor,
      Duration resyncEvery,
      java.util.function.Predicate<Map<String, String>> scope) {
    /** The default period of the full resync. */
    public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(5);

    public static final Options DEFAULT = new Options(Planner.Options.DEFAULT_MAX_OPS, Duration.ofSeconds(30));

    public Options {
      Objects.requireNonNull(retryFor, "retryFor");
      Objects.requireNonNull(resyncEvery, "resyncEvery");
      Objects.requireNonNull(scope, "scope");
    }

    /**
     * For the policy compiler's rows ({@link io.netctl.ovn.nb.Ownership#isPolicy}): owned rows of egress gateways are
     * left to the egress reconciler.
     */
    public Options(int maxOpsPerTransaction, Duration retryFor, Duration resyncEvery) {
      this(maxOpsPerTransaction, retryFor, resyncEvery, io.netctl.ovn.nb.Ownership::isPolicy);
    }

    /** The same options for the owned rows {@code scope} accepts (e.g. {@link io.netctl.ovn.nb.Ownership#isEgress}). */
    public Options withScope(java.util.function.Predicate<Map<String, String>> scope) {
      return new Options(maxOpsPerTransaction, retryFor, resyncEvery, scope);
    }

    /** With the {@link #DEFAULT_RESYNC default resync period}. */
    public Options(int maxOpsPerTransaction, Duration retryFor) {
      this(maxOpsPerTransaction, retryFor, DEFAULT_RESYNC);
    }
  }

  private final Supplier<OvsdbSession> connector;
  private final Options options;
  private final Consumer<String> log;
  private final ScheduledExecutorService background;

  private OvsdbSession session;
  private NbCache cache;
  private boolean fresh;
  /** The last desired state, changed in place by each delta (see {@link Planner.Desired}). */
  private Planner.Desired desired;
  private final Set<String> pendingPortGroups = new HashSet<>();
  private Map<String, Set<String>> missingPorts = Map.of();
  private volatile boolean closed;
  private volatile int transactionsTotal;
  private volatile boolean directFastPath;
  private volatile long[] lastFastPathTiming;

  /**
   * @param connector opens a session ({@link OvsdbConnector#connect()}); throws {@link UncheckedOvsdbException}
   * @param options options
   * @param log warnings and reconnects, one line each
   */
  public Reconciler(Supplier<OvsdbSession> connector, Options options, Consumer<String> log) {
    this.connector = connector;
    this.options = options;
    this.log = log == null ? s -> {} : log;
    this.background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "netctl-reconciler");
              t.setDaemon(true);
              return t;
            });
    long period = options.resyncEvery().toMillis();
    if (period > 0) {
      background.scheduleWithFixedDelay(this::periodicResync, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /** A reconciler on an {@link OvsdbConnector}. */
  public static Reconciler on(OvsdbConnector c, Options options, Consumer<String> log) {
    return new Reconciler(
        () -> {
          try {
            return c.connect();
          } catch (OvsdbException e) {
            throw new UncheckedOvsdbException(e);
          }
        },
        options,
        log);
  }

  /** A checked {@link OvsdbException} through a {@link Supplier}. */
  public static final class UncheckedOvsdbException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UncheckedOvsdbException(OvsdbException cause) {
      super(cause.getMessage(), cause);
    }

    @Override
    public synchronized OvsdbException getCause() {
      return (OvsdbException) super.getCause();
    }
  }

  /** Connects (if needed) and returns whether the NB has ACL tiers. */
  public synchronized boolean aclTiers() throws OvsdbException {
    ensureConnected();
    return cache.aclTier();
  }

  /** The replica, for tests and reports; callers synchronize on it while reading. */
  public synchronized NbCache cache() throws OvsdbException {
    ensureConnected();
    return cache;
  }

  /** Logical switch port names the desired state wants but the NB lacks, to the Port_Groups that want them. */
  public synchronized Map<String, Set<String>> missingPorts() {
    return missingPorts;
  }

  /** Makes the NB's owned rows equal {@code state}: creates, updates and deletes (orphans included). */
  public ReconcileResult reconcile(NbState state) throws OvsdbException {
    Planner.Desired d = Planner.Desired.copyOf(Objects.requireNonNull(state, "state"));
    writersWaiting.incrementAndGet();
    synchronized (this) {
      writersWaiting.decrementAndGet();
      desired = d;
      return run(Planner.Scope.ALL, false);
    }
  }

  /** Applies a change to the last desired state, touching only the rows it names (all of them after a reconnect). */
  public ReconcileResult apply(NbDelta delta) throws OvsdbException {
    writersWaiting.incrementAndGet();
    synchronized (this) {
      writersWaiting.decrementAndGet();
      if (desired == null) {
        throw new IllegalStateException("apply(NbDelta) before reconcile(NbState)");
      }
      desired.apply(delta);
      return run(Planner.Scope.of(delta), false);
    }
  }

  /**
   * Callers of {@link #reconcile}, {@link #apply} and {@link #mutateNexthops} waiting for the lock: the chunked
   * {@link #resync()} lets them go first between its chunks (a Java monitor is not fair: the resync thread would
   * otherwise take it straight back).
   */
  private final java.util.concurrent.atomic.AtomicInteger writersWaiting =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Reloads the member columns netctl does not monitor ({@code Port_Group.ports}, {@code Address_Set.addresses}) with
   * a {@code select} and reconciles the whole last desired state: owned rows whose members someone else changed are
   * repaired. Runs every {@link Options#resyncEvery()} in the background; before the first {@link #reconcile} it
   * does nothing.
   *
   * <p>The select runs without the lock, and the whole state is planned and committed in chunks of
   * {@link #RESYNC_CHUNK_ROWS} rows, each under the lock, with waiting {@link #apply deltas} let in between: a pod
   * relabelled during a resync waits for one chunk, not for the whole state (seconds at 10,000 pods). Right after a
   * reconnect the whole state is planned at once, as every call does then.
   */
  public ReconcileResult resync() throws OvsdbException {
    synchronized (resyncLock) { // one resync at a time (the periodic one and a caller's): they share the member log
      return resyncOnce();
    }
  }

  private final Object resyncLock = new Object();

  private ReconcileResult resyncOnce() throws OvsdbException {
    // The select runs without the lock (at 10,000 pods it takes seconds, and deltas would wait for it). netctl's own
    // member mutations committed meanwhile may or may not be in its snapshot: they are logged while it runs and
    // replayed on top of it (set insert/delete are idempotent, so one that the snapshot has already is harmless, and
    // in commit order the last mutation of an element wins, as on the server).
    OvsdbSession s;
    synchronized (this) {
      s = session;
      memberLog = new ArrayList<>();
    }
    Map<String, List<RowUpdate>> selected = null;
    if (s != null && s.isConnected()) {
      try {
        selected = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : NbCache.MEMBER_COLUMNS.entrySet()) {
          selected.put(e.getKey(), s.select(e.getKey(), Set.of(e.getValue())));
        }
      } catch (OvsdbException | RuntimeException e) {
        selected = null;
      }
    }
    long t0 = System.nanoTime();
    List<Planner.Scope> chunks;
    synchronized (this) {
      List<Operation.Mutate> log = memberLog;
      memberLog = null;
      if (desired == null) {
        return new ReconcileResult(new ChangeCounts(), 0, 0, 0, List.of(), List.of(), List.of(), 0);
      }
      // a session other than the one selected from loaded its members when it connected
      if (selected != null && log != null && session == s && session.isConnected()) {
        for (Map.Entry<String, List<RowUpdate>> e : selected.entrySet()) {
          cache.loadMembers(e.getKey(), e.getValue());
        }
        cache.replayMembers(log);
      }
      if (session == null || !session.isConnected() || fresh) {
        return run(Planner.Scope.ALL, false); // a new replica is planned whole in any case
      }
      chunks = resyncChunks(RESYNC_CHUNK_ROWS);
    }
    // The whole state in chunks, each planned and committed under the lock, released in between: at 10,000 pods a
    // whole-state plan takes seconds, and a delta (a pod relabelled) must not wait for it. The chunks cover every
    // desired and every owned row, which is what Scope.ALL plans; rows a delta adds meanwhile are the delta's.
    ChangeCounts counts = new ChangeCounts();
    List<String> warnings = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    int committed = 0;
    int ops = 0;
    int reconnects = 0;
    for (Planner.Scope chunk : chunks) {
      long yieldUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
      while (writersWaiting.get() > 0 && System.nanoTime() < yieldUntil) {
        LockSupport.parkNanos(20_000); // a delta is waiting for the lock: let it have it first
      }
      ReconcileResult r;
      synchronized (this) {
        if (closed) {
          break;
        }
        r = run(chunk, false);
      }
      counts.addAll(r.counts());
      warnings.addAll(r.warnings());
      errors.addAll(r.errors());
      committed += r.transactions();
      ops += r.operations();
      reconnects += r.reconnects();
      if (r.reconnects() > 0) {
        break; // reconnecting planned the whole state already
      }
    }
    return new ReconcileResult(counts, committed, ops, millisSince(t0), warnings, errors, List.of(), reconnects);
  }

  /** Rows per chunk of the periodic resync: a concurrent delta waits for at most one chunk's plan and commit. */
  public static final int RESYNC_CHUNK_ROWS = 64;

  /**
   * Every desired and every owned row, as scopes of at most {@code size} rows: Address_Sets first, then Port_Groups,
   * ACLs and Logical_Router_Policies (the order of {@link Planner.Scope#ALL}'s plan).
   */
  private List<Planner.Scope> resyncChunks(int size) {
    Set<String> as = new TreeSet<>(desired.addressSets().keySet());
    Set<String> pg = new TreeSet<>(desired.portGroups().keySet());
    Set<String> acl = new TreeSet<>(desired.acls().keySet());
    Set<String> lrp = new TreeSet<>(desired.routerPolicies().keySet());
    synchronized (cache) {
      as.addAll(cache.ownedAddressSetNames());
      pg.addAll(cache.ownedPortGroupNames());
      acl.addAll(cache.ownedAclIds());
      lrp.addAll(cache.ownedRouterPolicyIds());
    }
    List<Planner.Scope> out = new ArrayList<>();
    for (List<String> c : partition(as, size)) {
      out.add(new Planner.Scope(false, Set.of(), Set.copyOf(c), Set.of()));
    }
    for (List<String> c : partition(pg, size)) {
      out.add(new Planner.Scope(false, Set.copyOf(c), Set.of(), Set.of()));
    }
    for (List<String> c : partition(acl, size)) {
      out.add(new Planner.Scope(false, Set.of(), Set.of(), Set.copyOf(c)));
    }
    for (List<String> c : partition(lrp, size)) {
      out.add(Planner.Scope.routerPolicies(Set.copyOf(c)));
    }
    return out;
  }

  private static List<List<String>> partition(Set<String> keys, int size) {
    List<List<String>> out = new ArrayList<>();
    List<String> cur = new ArrayList<>(size);
    for (String k : keys) {
      cur.add(k);
      if (cur.size() == size) {
        out.add(cur);
        cur = new ArrayList<>(size);
      }
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  private void periodicResync() {
    if (closed) {
      return;
    }
    try {
      ReconcileResult r = resync();
      if (!r.counts().isEmpty() || !r.ok()) {
        log.accept("periodic resync: " + r.counts() + (r.ok() ? "" : ", errors: " + r.errors()));
      }
    } catch (OvsdbException | RuntimeException e) {
      log.accept("OVSDB: periodic resync: " + e.getMessage());
    }
  }

  private static void loadMembers(OvsdbSession s, NbCache c) throws OvsdbException {
    for (Map.Entry<String, String> e : NbCache.MEMBER_COLUMNS.entrySet()) {
      c.loadMembers(e.getKey(), s.select(e.getKey(), Set.of(e.getValue())));
    }
  }

  /** Plans a reconcile of {@code state} without writing anything. */
  public synchronized ReconcileResult dryRun(NbState state) throws OvsdbException {
    return runPlan(Planner.Desired.view(state), Planner.Scope.ALL, true);
  }

  private ReconcileResult run(Planner.Scope scope, boolean dry) throws OvsdbException {
    return runPlan(desired, scope, dry);
  }

  private ReconcileResult runPlan(Planner.Desired state, Planner.Scope scope, boolean dry) throws OvsdbException {
    long t0 = System.nanoTime();
    long deadline = t0 + options.retryFor().toNanos();
    ChangeCounts counts = new ChangeCounts();
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> planned = new ArrayList<>();
    int txns = 0;
    int ops = 0;
    int reconnects = 0;
    int attempt = 0;
    while (true) {
      try {
        ensureConnected();
        Planner.Scope s = scope;
        if (fresh) {
          s = Planner.Scope.ALL; // a new replica: everything may differ
          fresh = false;
        }
        synchronized (this) {
          s = s.plus(Planner.Scope.portGroups(new HashSet<>(pendingPortGroups)));
          pendingPortGroups.clear();
        }
        Planner.Plan plan =
            Planner.plan(state, cache, s, new Planner.Options(options.maxOpsPerTransaction(), session.schemaVersion()));
        warnings.clear();
        warnings.addAll(plan.warnings());
        errors.clear();
        errors.addAll(plan.errors());
        if (!dry) {
          missingPorts = s.all() ? plan.missingPorts() : mergeMissing(missingPorts, s, plan.missingPorts());
        }
        if (dry) {
          for (Planner.Txn t : plan.transactions()) {
            planned.addAll(t.notes());
          }
          counts.addAll(plan.counts());
          txns = plan.transactions().size();
          ops = plan.operations();
          break;
        }
        for (Planner.Txn t : plan.transactions()) {
          List<Object> results;
          try {
            results = directFastPath && membersOnly(t.ops())
                ? session.transactDirect(t.ops())
                : session.transact(t.ops());
          } catch (TransactionFailedException e) {
            errors.add(e.getMessage());
            return new ReconcileResult(counts, txns, ops, millisSince(t0), warnings, errors, planned, reconnects);
          }
          cache.applyCommitted(t.ops(), results);
          logMembers(t.ops());
          counts.addAll(t.counts());
          txns++;
          ops += t.ops().size();
          transactionsTotal++;
        }
        break;
      } catch (OvsdbException | UncheckedOvsdbException e) {
        OvsdbException oe = e instanceof UncheckedOvsdbException u ? u.getCause() : (OvsdbException) e;
        dropSession();
        if (closed || System.nanoTime() > deadline) {
          throw oe;
        }
        reconnects++;
        long backoff = Math.min(2_000, 100L << Math.min(attempt++, 5));
        log.accept("OVSDB: " + oe.getMessage() + "; reconnecting in " + backoff + " ms");
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
      }
    }
    return new ReconcileResult(counts, txns, ops, millisSince(t0), warnings, errors, planned, reconnects);
  }

  /** Member mutations committed while a resync's select runs (see {@link #resync()}); null otherwise. */
  private List<Operation.Mutate> memberLog;

  private void logMembers(List<Operation> ops) {
    if (memberLog != null) {
      for (Operation op : ops) {
        if (isMemberMutate(op)) {
          memberLog.add((Operation.Mutate) op);
        }
      }
    }
  }

  /**
   * Whether every operation mutates a {@link NbCache#MEMBER_COLUMNS member column}. Only such transactions go on
   * the direct channel: the monitor does not report those columns, so the replica learns of them from the reply
   * alone and no monitor update of this transaction can arrive late and overwrite a newer one. (A transaction that
   * changes monitored columns stays on the library's connection, where the server's update precedes its reply.)
   */
  static boolean membersOnly(List<Operation> ops) {
    for (Operation op : ops) {
      if (!isMemberMutate(op)) {
        return false;
      }
    }
    return !ops.isEmpty();
  }

  private static boolean isMemberMutate(Operation op) {
    return op instanceof Operation.Mutate m && m.column().equals(NbCache.MEMBER_COLUMNS.get(m.table()));
  }

  /**
   * A partial plan only knows the missing ports of the Port_Groups it looked at: keep the others' entries (without
   * them, a port that appears later would not be added to a Port_Group the last delta did not touch).
   */
  private static Map<String, Set<String>> mergeMissing(
      Map<String, Set<String>> before, Planner.Scope scope, Map<String, Set<String>> planned) {
    Map<String, Set<String>> m = new java.util.TreeMap<>();
    for (Map.Entry<String, Set<String>> e : before.entrySet()) {
      Set<String> pgs = new TreeSet<>(e.getValue());
      for (String pg : e.getValue()) {
        if (scope.portGroups().contains(pg)
            && !scope.members().containsKey(new io.netctl.ovn.nb.RowRef(io.netctl.ovn.nb.NbTable.PORT_GROUP, pg))) {
          pgs.remove(pg); // looked at whole: the plan says again if it still misses the port
        }
      }
      if (!pgs.isEmpty()) {
        m.put(e.getKey(), pgs);
      }
    }
    planned.forEach((p, pgs) -> m.computeIfAbsent(p, k -> new TreeSet<>()).addAll(pgs));
    return java.util.Collections.unmodifiableMap(m);
  }

  /** One policy's new desired row and the nexthops it gains or loses (one direction). */
  public record NexthopChange(io.netctl.ovn.nb.LogicalRouterPolicy policy, Set<String> added, Set<String> removed) {
    public NexthopChange {
      Objects.requireNonNull(policy, "policy");
      added = Set.copyOf(added);
      removed = Set.copyOf(removed);
      if (!added.isEmpty() && !removed.isEmpty()) {
        throw new IllegalArgumentException("nexthops of " + policy.key() + ": add " + added + " and remove "
            + removed + " at once (expected: one direction)");
      }
    }
  }

  /** {@link #mutateNexthops(List)} of one policy. */
  public ReconcileResult mutateNexthops(
      io.netctl.ovn.nb.LogicalRouterPolicy policy, Set<String> added, Set<String> removed) throws OvsdbException {
    return mutateNexthops(List.of(new NexthopChange(policy, added, removed)));
  }

  /**
   * The fast path of egress failover: sets the desired policies (same ids and routers as before, nexthops changed by
   * exactly {@code added} or {@code removed}) and writes the change as one transaction of one {@code mutate} of
   * {@code nexthops} per policy, without planning. The desired state is updated first, under the same lock as every
   * plan, so a later full reconcile computes the same nexthops and never undoes it.
   *
   * <p>When a row is not in the replica (not created yet, disconnected, someone deleted it) or the transaction is
   * rejected, it falls back to planning these policies (which also reconnects).
   *
   * @throws IllegalStateException before the first {@link #reconcile}
   */
  public ReconcileResult mutateNexthops(List<NexthopChange> changes) throws OvsdbException {
    writersWaiting.incrementAndGet();
    synchronized (this) {
      writersWaiting.decrementAndGet();
      return mutateNexthopsLocked(changes);
    }
  }

  private ReconcileResult mutateNexthopsLocked(List<NexthopChange> changes) throws OvsdbException {
    if (desired == null) {
      throw new IllegalStateException("mutateNexthops before reconcile(NbState)");
    }
    long t0 = System.nanoTime();
    Set<String> ids = new java.util.TreeSet<>();
    for (NexthopChange c : changes) {
      desired.routerPolicies().put(c.policy().key(), c.policy());
      ids.add(c.policy().key());
    }
    if (session != null && session.isConnected() && !fresh) {
      List<Operation> ops = new ArrayList<>();
      for (NexthopChange c : changes) {
        if (c.added().isEmpty() && c.removed().isEmpty()) {
          continue;
        }
        Uuid row = null;
        NbCache.LrRow router = cache.router(c.policy().router());
        for (Uuid u : cache.ownedRouterPolicies(c.policy().key())) {
          if (router != null && cache.policyHolders(u).contains(router.uuid())) {
            row = u;
          }
        }
        if (row == null) {
          ops = null;
          break;
        }
        boolean add = !c.added().isEmpty();
        ops.add(new Operation.Mutate(NbCache.LRP, row, "nexthops",
            add ? Operation.Mutator.INSERT : Operation.Mutator.DELETE,
            new java.util.TreeSet<Object>(add ? c.added() : c.removed())));
      }
      if (ops != null && !ops.isEmpty()) {
        try {
          List<Object> results;
          long[] t;
          if (directFastPath) {
            results = session.transactDirect(ops);
            t = session.lastDirectTiming();
          } else {
            results = session.transact(ops);
            t = null;
          }
          lastFastPathTiming = new long[] {t0, t == null ? 0 : t[1], t == null ? 0 : t[2], System.nanoTime()};
          cache.applyCommitted(ops, results);
          transactionsTotal++;
          ChangeCounts counts = new ChangeCounts();
          counts.add(NbCache.LRP, ChangeCounts.Kind.UPDATED, ops.size());
          return new ReconcileResult(counts, 1, ops.size(), millisSince(t0), List.of(), List.of(), List.of(), 0);
        } catch (TransactionFailedException e) {
          log.accept("fast nexthop mutate rejected, planning instead: " + e.getMessage());
        } catch (OvsdbException e) {
          log.accept("OVSDB: fast nexthop mutate: " + e.getMessage() + "; planning instead");
          dropSession();
        }
      } else if (ops != null) {
        return new ReconcileResult(new ChangeCounts(), 0, 0, millisSince(t0), List.of(), List.of(), List.of(), 0);
      }
    }
    return run(Planner.Scope.routerPolicies(ids), false);
  }

  /**
   * Whether the latency-sensitive writes go through the session's direct channel ({@link
   * OvsdbSession#transactDirect}: a second connection to the same server, opened with each session, on which the
   * calling thread writes the request itself) instead of the OVSDB library: {@link #mutateNexthops} and every
   * transaction that only mutates member columns ({@code Port_Group.ports}, {@code Address_Set.addresses}: a pod
   * added, deleted or relabelled). Off by default (it costs a connection); the controller and the egress writer turn
   * it on.
   */
  public Reconciler directFastPath(boolean on) {
    directFastPath = on;
    return this;
  }

  /**
   * {@link System#nanoTime()} stamps of the last fast-path transaction: {@code [called, request written (0 if not
   * known), reply read (0 if not known), returned]}; null before the first.
   */
  public long[] lastFastPathTiming() {
    return lastFastPathTiming;
  }

  /** Transactions committed since this reconciler was created. */
  public int transactionsTotal() {
    return transactionsTotal;
  }

  private static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  private void ensureConnected() throws OvsdbException {
    if (closed) {
      throw new OvsdbException("reconciler closed");
    }
    if (session != null && session.isConnected()) {
      return;
    }
    dropSession();
    OvsdbSession s;
    try {
      s = connector.get();
    } catch (UncheckedOvsdbException e) {
      throw e.getCause();
    }
    try {
      // the monitor first, then the members: a change in between is in the select's snapshot
      NbCache c = NbCache.load(s, options.scope());
      c.onPortAdded(this::portAdded);
      s.onDisconnect(this::disconnected);
      if (directFastPath) {
        try {
          s.openDirect();
        } catch (OvsdbException e) {
          log.accept("OVSDB: " + e.getMessage() + " (the fast path opens it again when needed)");
        }
      }
      session = s;
      cache = c;
      fresh = true;
    } catch (OvsdbException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void dropSession() {
    if (session != null) {
      session.close();
      session = null;
      cache = null;
    }
  }

  /** Monitor thread: a logical switch port appeared; if the desired state wants it, add it (in the background). */
  private void portAdded(String name) {
    Map<String, Set<String>> m = missingPorts;
    Set<String> pgs = m.get(name);
    if (pgs == null) {
      return;
    }
    synchronized (pendingLock) {
      pendingNames.addAll(pgs);
    }
    background.execute(this::resyncPending);
  }

  private final Object pendingLock = new Object();
  private final Set<String> pendingNames = new TreeSet<>();

  private void resyncPending() {
    Set<String> pgs;
    synchronized (pendingLock) {
      pgs = new TreeSet<>(pendingNames);
      pendingNames.clear();
    }
    if (pgs.isEmpty() || closed) {
      return;
    }
    synchronized (this) {
      if (desired == null) {
        return;
      }
      pendingPortGroups.addAll(pgs);
      try {
        ReconcileResult r = run(Planner.Scope.portGroups(Set.of()), false);
        if (!r.counts().isEmpty()) {
          log.accept("logical switch ports appeared: " + r.counts());
        }
      } catch (OvsdbException e) {
        log.accept("OVSDB: " + e.getMessage());
      }
    }
  }

  /** I/O thread: the connection broke. Resync in the background once a desired state exists. */
  private void disconnected() {
    if (closed) {
      return;
    }
    background.execute(
        () -> {
          synchronized (this) {
            if (closed || desired == null || (session != null && session.isConnected())) {
              return;
            }
            try {
              ReconcileResult r = run(Planner.Scope.ALL, false);
              log.accept("resynced after reconnect: " + r.counts() + " in " + r.transactions() + " transaction(s)");
            } catch (OvsdbException e) {
              log.accept("OVSDB: still disconnected: " + e.getMessage());
            }
          }
        });
  }

  @Override
  public void close() {
    closed = true;
    background.shutdownNow();
    synchronized (this) {
      dropSession();
    }
  }
}
