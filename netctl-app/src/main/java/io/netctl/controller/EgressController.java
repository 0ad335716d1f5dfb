package io.netctl.controller;

import io.netctl.anp.api.Kind;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.api.Pod;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.session.BfdStateChange;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import io.netctl.bfd.transport.BfdSpeakerSnapshot;
import io.netctl.egress.EgressCore;
import io.netctl.egress.EgressEngine;
import io.netctl.egress.EgressMetrics;
import io.netctl.egress.EgressNode;
import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.EgressGatewayStatus;
import io.netctl.ovn.ovsdb.Reconciler;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Egress gateways in the controller: the sources' EgressGateway, Namespace, Pod and Node events feed an
 * {@link EgressEngine} (egress-bfd) that runs, with its BFD speaker, only on the leader.
 *
 * <p>It stands between the sources and the {@link Controller}: every {@link SourceEvent} goes on to the controller
 * unchanged, and Namespaces and Pods are also kept here; EgressGateways and Nodes (with readiness) arrive through the
 * sink's egress methods. Every replica keeps this cache, so that a new leader starts its engine at once with the whole
 * cluster ({@link EgressEngine#load}), and only after the sources synced (an engine started on a partial cache would
 * delete the rows of gateways not seen yet).
 *
 * <p>Leadership ({@link Controller#onLeadership}): gaining it starts an engine with its own egress-scoped
 * {@link Reconciler} (its own NB connection, so a failover never waits behind a policy transaction) and its BFD
 * speaker; losing it closes both and withdraws nothing from the NB (the new leader takes over the rows as they are).
 * A new engine with BFD holds its writes until every session is Up, at most
 * {@link Options#takeoverHoldMillis()}: its sessions start Down, and without the hold it would first withdraw every
 * nexthop the old leader had programmed.
 * Starting and stopping run on one thread of their own ({@code netctl-egress-leader}), in order.
 *
 * <p>Status: the engine reports a gateway's status when it changed; the leader hands it to the
 * {@link EgressStatusSink} on a status thread. A gateway whose latest version cannot be read keeps its last readable
 * version in the engine and gets {@code InvalidSpec} from here.
 */
public final class EgressController implements ClusterSource.Sink, AutoCloseable {

  /**
   * @param bfd the BFD speaker's configuration (its local address), or null for no BFD (gateways with BFD enabled
   *     then have no Up instance, and the engine says why)
   * @param multihop multihop BFD sessions (RFC 5883, the controller's default: the leader is not on the gateways'
   *     link) or single-hop ones
   * @param clusterNetworks pod and service CIDRs: by default, traffic to them is not rerouted
   * @param takeoverHoldMillis how long a new engine may leave the NB as the previous leader left it while its BFD
   *     sessions come Up ({@link EgressEngine#holdWrites}); it writes as soon as every session is Up
   */
  public record Options(BfdSpeakerConfig bfd, boolean multihop, List<String> clusterNetworks, long takeoverHoldMillis) {
    /** Sessions start Down and send at most once a second until Up (RFC 5880 6.8.3): two or three packets. */
    public static final long DEFAULT_TAKEOVER_HOLD_MILLIS = 3000;

    public Options {
      clusterNetworks = List.copyOf(clusterNetworks);
      if (takeoverHoldMillis < 0) {
        throw new IllegalArgumentException("takeover hold: " + takeoverHoldMillis + " ms (expected: >= 0)");
      }
    }

    public Options(BfdSpeakerConfig bfd, boolean multihop, List<String> clusterNetworks) {
      this(bfd, multihop, clusterNetworks, DEFAULT_TAKEOVER_HOLD_MILLIS);
    }
  }

  private final ClusterSource.Sink next;
  private final Supplier<Reconciler> reconcilers;
  private final EgressStatusSink status;
  private final EgressMetrics metrics;
  private final Options options;
  private final Consumer<String> log;
  private final java.util.concurrent.ScheduledExecutorService lifecycle =
      Executors.newSingleThreadScheduledExecutor(daemon("netctl-egress-leader"));
  private final ExecutorService statusThread = Executors.newSingleThreadExecutor(daemon("netctl-egress-status"));
  private final List<Consumer<BfdStateChange>> bfdListeners = new CopyOnWriteArrayList<>();

  // ---- guarded by lock ------------------------------------------------------------------------------------------
  private final Object lock = new Object();
  private final Map<String, EgressGateway> gateways = new TreeMap<>();
  private final Map<String, String> unreadable = new TreeMap<>();
  private final Map<String, Namespace> namespaces = new TreeMap<>();
  private final Map<String, Pod> pods = new TreeMap<>();
  private final Map<String, EgressNode> nodes = new TreeMap<>();
  private boolean synced;
  private boolean leader;
  private boolean closed;
  private Run run;
  private long runs;

  /** One leadership term's engine. */
  private record Run(long id, EgressEngine engine, Reconciler reconciler) {}

  /**
   * @param next where the source events go on (the controller)
   * @param reconcilers opens an egress-scoped reconciler ({@code withScope(Ownership::isEgress)}) for each term
   */
  public EgressController(ClusterSource.Sink next, Supplier<Reconciler> reconcilers, EgressStatusSink status,
      EgressMetrics metrics, Options options, Consumer<String> log) {
    this.next = Objects.requireNonNull(next, "next");
    this.reconcilers = Objects.requireNonNull(reconcilers, "reconcilers");
    this.status = status == null ? EgressStatusSink.NONE : status;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.options = Objects.requireNonNull(options, "options");
    this.log = log == null ? s -> {} : log;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ==== leadership ================================================================================================

  /** Follows the controller's leadership ({@link Controller#onLeadership}); any thread, does not block. */
  public void setLeader(boolean isLeader) {
    synchronized (lock) {
      leader = isLeader;
    }
    submitLifecycle();
  }

  private void submitLifecycle() {
    try {
      lifecycle.execute(this::converge);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  /** Lifecycle thread: start or stop the engine so that it runs exactly when leading and synced. */
  private void converge() {
    boolean want;
    Run current;
    synchronized (lock) {
      want = leader && synced && !closed;
      current = run;
    }
    if (want && current == null) {
      start();
    } else if (!want && current != null) {
      stop();
    }
  }

  private void start() {
    Reconciler rec = null;
    EgressEngine engine = null;
    long id;
    synchronized (lock) {
      id = ++runs;
    }
    try {
      rec = reconcilers.get();
      engine = new EgressEngine(new EgressNbWriter(rec), options.bfd(), options.multihop(), options.clusterNetworks(),
          new Listener(id), metrics);
      engine.onBfdEvent(this::publishBfd); // before any session exists: sessions start with the load below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close(engine, rec);
      return;
    } catch (RuntimeException e) {
      log.accept("egress: engine did not start: " + e.getMessage() + "; retrying in 1 s");
      close(engine, rec);
      retryLater();
      return;
    }
    int n;
    Map<String, String> bad;
    synchronized (lock) {
      if (!(leader && synced && !closed)) {
        close(engine, rec);
        return;
      }
      run = new Run(id, engine, rec);
      if (engine.speaker() != null && options.takeoverHoldMillis() > 0) {
        engine.holdWrites(options.takeoverHoldMillis());
      }
      engine.load(new ArrayList<>(gateways.values()), new ArrayList<>(namespaces.values()),
          new ArrayList<>(pods.values()), new ArrayList<>(nodes.values()));
      n = gateways.size();
      bad = Map.copyOf(unreadable);
    }
    log.accept("egress: engine started with " + n + " gateway(s)" + (engine.speaker() == null ? ", no BFD"
        : ", BFD " + (options.multihop() ? "multihop" : "single-hop") + " from "
            + options.bfd().localAddress().getHostAddress()));
    EgressEngine e = engine;
    bad.forEach((k, err) -> e.flush().thenRun(() -> writeUnreadable(id, k)));
  }

  private void retryLater() {
    try {
      lifecycle.schedule(this::converge, 1, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  private void stop() {
    Run r;
    synchronized (lock) {
      r = run;
      run = null;
    }
    if (r == null) {
      return;
    }
    close(r.engine(), r.reconciler());
    metrics.clearGateways();
    log.accept("egress: engine stopped (not leading); the NB keeps its egress rows for the next leader");
  }

  private static void close(EgressEngine engine, Reconciler rec) {
    if (engine != null) {
      engine.close();
    }
    if (rec != null) {
      rec.close();
    }
  }

  // ==== source events =============================================================================================

  @Override
  public void event(SourceEvent e, String type) {
    next.event(e, type);
    if (e instanceof SourceEvent.Upsert u) {
      if (u.object() instanceof Namespace n) {
        synchronized (lock) {
          if (!n.equals(namespaces.put(n.name(), n)) && run != null) {
            run.engine().upsertNamespace(n);
          }
        }
      } else if (u.object() instanceof Pod p) {
        synchronized (lock) {
          if (!p.equals(pods.put(p.namespace() + "/" + p.name(), p)) && run != null) {
            run.engine().upsertPod(p);
          }
        }
      }
    } else if (e instanceof SourceEvent.Deleted d) {
      removed(d.ref());
    } else if (e instanceof SourceEvent.Invalid i) {
      removed(i.ref()); // an invalid Pod or Namespace selects nothing
    }
  }

  private void removed(ObjectRef ref) {
    synchronized (lock) {
      if (ref.kind() == Kind.NAMESPACE) {
        if (namespaces.remove(ref.name()) != null && run != null) {
          run.engine().deleteNamespace(ref.name());
        }
      } else if (ref.kind() == Kind.POD) {
        if (pods.remove(ref.namespace() + "/" + ref.name()) != null && run != null) {
          run.engine().deletePod(ref.namespace(), ref.name());
        }
      }
    }
  }

  @Override
  public void synced() {
    next.synced();
    synchronized (lock) {
      synced = true;
    }
    submitLifecycle();
  }

  @Override
  public void egressGateway(EgressGateway g, String type) {
    String key = g.key();
    Run r;
    boolean wasUnreadable;
    synchronized (lock) {
      EgressGateway before = gateways.get(key);
      wasUnreadable = unreadable.remove(key) != null;
      if (!wasUnreadable && before != null && sameInput(before, g)) {
        return; // a status write (netctl's own) or a resync
      }
      gateways.put(key, g);
      r = run;
      if (r != null) {
        r.engine().upsertGateway(g);
      }
    }
    if (wasUnreadable && r != null) {
      // the engine reports a status only when it changed: write its current one over the InvalidSpec of before
      long id = r.id();
      r.engine().flush().thenRun(() -> writeCurrent(id, key));
    }
  }

  /** What the engine reads of a gateway: everything but the status and the API server's bookkeeping. */
  static boolean sameInput(EgressGateway a, EgressGateway b) {
    return Objects.equals(a.getSpec(), b.getSpec())
        && Objects.equals(a.getMetadata().getGeneration(), b.getMetadata().getGeneration())
        && Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels());
  }

  @Override
  public void egressGatewayUnreadable(String namespace, String name, String error) {
    String key = namespace + "/" + name;
    long id;
    synchronized (lock) {
      unreadable.put(key, error);
      if (run == null) {
        return; // written when an engine starts
      }
      id = run.id();
    }
    writeUnreadable(id, key);
  }

  @Override
  public void egressGatewayDeleted(String namespace, String name) {
    String key = namespace + "/" + name;
    synchronized (lock) {
      boolean known = gateways.remove(key) != null;
      known |= unreadable.remove(key) != null;
      if (!known || run == null) {
        return;
      }
      run.engine().deleteGateway(namespace, name);
      long id = run.id();
      statusThread.execute(() -> {
        if (current(id)) {
          status.forget(namespace, name);
        }
      });
    }
  }

  @Override
  public void egressNode(EgressNode n, String type) {
    synchronized (lock) {
      if (!n.equals(nodes.put(n.name(), n)) && run != null) {
        run.engine().upsertNode(n);
      }
    }
  }

  @Override
  public void egressNodeDeleted(String name) {
    synchronized (lock) {
      if (nodes.remove(name) != null && run != null) {
        run.engine().deleteNode(name);
      }
    }
  }

  // ==== status ====================================================================================================

  private boolean current(long id) {
    synchronized (lock) {
      return run != null && run.id() == id && leader;
    }
  }

  private EgressEngine engineOf(long id) {
    synchronized (lock) {
      return run != null && run.id() == id ? run.engine() : null;
    }
  }

  /** Status thread: the engine's status of {@code key}, or the InvalidSpec one when its latest version is unreadable. */
  private void write(long id, String key, EgressGatewayStatus s) {
    statusThread.execute(() -> {
      if (!current(id)) {
        return; // a standby writes nothing
      }
      String err;
      synchronized (lock) {
        if (!gateways.containsKey(key) && !unreadable.containsKey(key)) {
          return; // deleted meanwhile
        }
        err = unreadable.get(key);
      }
      EgressGatewayStatus out = err == null ? s
          : EgressStatusSink.unreadable(s, err, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      if (out == null) {
        return;
      }
      String[] nsName = key.split("/", 2);
      try {
        status.write(nsName[0], nsName[1], out);
      } catch (RuntimeException e) {
        log.accept("status of EgressGateway/" + key + ": " + e.getMessage());
      }
    });
  }

  private void writeCurrent(long id, String key) {
    EgressEngine e = engineOf(id);
    if (e != null) {
      EgressGatewayStatus s = e.statuses().get(key);
      if (s != null) {
        write(id, key, s);
      }
    }
  }

  private void writeUnreadable(long id, String key) {
    EgressEngine e = engineOf(id);
    if (e != null) {
      write(id, key, e.statuses().get(key));
    }
  }

  /** The engine's callbacks (engine thread): status changes to the sink, BFD changes and errors to the log. */
  private final class Listener implements EgressCore.Listener {
    private final long id;

    Listener(long id) {
      this.id = id;
    }

    @Override
    public void status(String gateway, EgressGatewayStatus s) {
      write(id, gateway, s);
    }

    @Override
    public void bfd(String peer, BfdState from, BfdState to, String diag, long tsNs) {
      log.accept("egress: BFD " + peer + " " + from + " -> " + to + " (" + diag + ")");
    }

    @Override
    public void commit(List<String> gws, String path, EgressCore.Commit c, long elapsedNs) {
      if (c.operations() > 0 || !c.ok()) {
        log.accept("egress: " + path + " commit for " + gws + ": " + c.summary() + ", " + c.operations()
            + " op(s), " + String.format(java.util.Locale.ROOT, "%.1f", elapsedNs / 1e6) + " ms"
            + (c.ok() ? "" : ", errors: " + c.errors()));
      }
    }

    @Override
    public void error(String message) {
      log.accept("egress: " + message);
    }
  }

  private void publishBfd(BfdStateChange e) {
    for (Consumer<BfdStateChange> l : bfdListeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.accept("egress: BFD listener: " + ex);
      }
    }
  }

  // ==== reads (any thread) ========================================================================================

  /** The leader's engine, or null (standby, not synced yet, or stopped). */
  public EgressEngine engine() {
    synchronized (lock) {
      return run == null ? null : run.engine();
    }
  }

  /** The running engine's BFD speaker, or null. */
  public BfdSpeaker speaker() {
    EgressEngine e = engine();
    return e == null ? null : e.speaker();
  }

  /** Snapshots of the running speaker's sessions (empty when none runs): the BFD metrics' source. */
  public List<BfdSpeakerSnapshot> bfdSnapshots() {
    BfdSpeaker s = speaker();
    if (s == null) {
      return List.of();
    }
    try {
      return List.of(s.snapshotAll());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (IllegalStateException e) {
      return List.of(); // closed meanwhile
    }
  }

  /** The latest status of each gateway by {@code namespace/name} (empty on a standby). */
  public Map<String, EgressGatewayStatus> statuses() {
    EgressEngine e = engine();
    return e == null ? Map.of() : e.statuses();
  }

  /** The version of a gateway this replica would hand a new engine (tests: a standby keeps its cache current). */
  EgressGateway cachedGateway(String key) {
    synchronized (lock) {
      return gateways.get(key);
    }
  }

  /** Called on the engine thread with every BFD state change while this replica leads. Must not block. */
  public void onBfdEvent(Consumer<BfdStateChange> listener) {
    bfdListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** True when nothing waits: the engine (if any) has handled everything queued and the status thread is idle. */
  public boolean flush(long timeoutMillis) throws Exception {
    EgressEngine e = engine();
    if (e != null) {
      e.flush().get(timeoutMillis, TimeUnit.MILLISECONDS);
    }
    java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
    statusThread.execute(() -> f.complete(null));
    f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    return true;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
    try {
      lifecycle.execute(this::stop);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return; // closed before
    }
    lifecycle.shutdown();
    try {
      lifecycle.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    statusThread.shutdown();
  }
}
