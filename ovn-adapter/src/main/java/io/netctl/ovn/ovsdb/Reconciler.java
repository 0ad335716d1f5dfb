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
import java.util.concurrent.ExecutorService;
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
   */
  public record Options(int maxOpsPerTransaction, Duration retryFor) {
    public static final Options DEFAULT = new Options(Planner.Options.DEFAULT_MAX_OPS, Duration.ofSeconds(30));

    public Options {
      Objects.requireNonNull(retryFor, "retryFor");
    }
  }

  private final Supplier<OvsdbSession> connector;
  private final Options options;
  private final Consumer<String> log;
  private final ExecutorService background;

  private OvsdbSession session;
  private NbCache cache;
  private boolean fresh;
  private NbState desired;
  private final Set<String> pendingPortGroups = new HashSet<>();
  private Map<String, Set<String>> missingPorts = Map.of();
  private volatile boolean closed;
  private volatile int transactionsTotal;

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
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "netctl-reconciler");
              t.setDaemon(true);
              return t;
            });
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
  public synchronized ReconcileResult reconcile(NbState state) throws OvsdbException {
    desired = Objects.requireNonNull(state, "state");
    return run(Planner.Scope.ALL, false);
  }

  /** Applies a change to the last desired state, touching only the rows it names (all of them after a reconnect). */
  public synchronized ReconcileResult apply(NbDelta delta) throws OvsdbException {
    if (desired == null) {
      throw new IllegalStateException("apply(NbDelta) before reconcile(NbState)");
    }
    desired = desired.apply(delta);
    return run(Planner.Scope.of(delta), false);
  }

  /** Plans a reconcile of {@code state} without writing anything. */
  public synchronized ReconcileResult dryRun(NbState state) throws OvsdbException {
    return runPlan(state, Planner.Scope.ALL, true);
  }

  private ReconcileResult run(Planner.Scope scope, boolean dry) throws OvsdbException {
    return runPlan(desired, scope, dry);
  }

  private ReconcileResult runPlan(NbState state, Planner.Scope scope, boolean dry) throws OvsdbException {
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
          missingPorts = plan.missingPorts();
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
            results = session.transact(t.ops());
          } catch (TransactionFailedException e) {
            errors.add(e.getMessage());
            return new ReconcileResult(counts, txns, ops, millisSince(t0), warnings, errors, planned, reconnects);
          }
          cache.applyCommitted(t.ops(), results);
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
      boolean tier = s.tables().getOrDefault(NbCache.ACL, Set.of()).contains("tier");
      NbCache c = new NbCache(tier);
      List<RowUpdate> initial = s.monitor(NbCache.monitoredColumns(tier), c::apply);
      c.apply(initial);
      c.onPortAdded(this::portAdded);
      s.onDisconnect(this::disconnected);
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
