package io.netctl.egress;

import io.fabric8.kubernetes.api.model.Condition;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Pod;
import io.netctl.bfd.codec.BfdState;
import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.EgressGatewayStatus;
import io.netctl.egress.api.EgressInstanceStatus;
import io.netctl.ovn.nb.LogicalRouterPolicy;
import io.netctl.ovn.nb.NbRow;
import io.netctl.ovn.nb.NbState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The egress engine's state and decisions, single-threaded and with time passed in ({@code nowNs}), so that tests
 * drive it with a manual clock; {@link EgressEngine} runs it on a thread of its own with the BFD speaker.
 *
 * <p>After every input (a gateway, a cluster object, a BFD state change, the end of a hold-down) it computes the rows
 * of the affected gateways with {@link EgressRows} from the <em>current BFD view</em> and compares them with the rows
 * last committed:
 * <ul>
 *   <li>nothing differs: nothing is written (jitter that does not change a state writes nothing);
 *   <li>only the nexthops of reroute policies differ, each in one direction: the <b>fast path</b>, one
 *       {@link NbWriter#mutateNexthops} (one OVSDB {@code mutate}) per policy, no planning;
 *   <li>anything else: the <b>reconcile path</b>, {@link NbWriter#reconcile} with every gateway's rows.
 * </ul>
 * Both paths write what the same function computed, and the reconciler's desired state always includes the BFD view,
 * so a full reconcile (start-up, resync, reconnect) never undoes a failover.
 */
public final class EgressCore {

  /** Where the rows go: in netctl-app, the ovn-adapter {@code Reconciler} (egress-bfd does not depend on OVSDB). */
  public interface NbWriter {
    /** Makes the NB's egress rows equal {@code state} (all gateways): creates, updates, deletes. */
    Commit reconcile(NbState state) throws Exception;

    /**
     * One transaction of one {@code mutate} of {@code nexthops} per change; each change's policy is the new desired
     * row and its nexthops differ from the last committed ones by exactly {@code added} or {@code removed}.
     */
    Commit mutateNexthops(List<NexthopChange> changes) throws Exception;
  }

  /** The fast path's unit: one policy gains or loses nexthops. */
  public record NexthopChange(LogicalRouterPolicy policy, Set<String> added, Set<String> removed) {}

  /** What one write did. */
  public record Commit(int transactions, int operations, String summary, List<String> errors) {
    public Commit {
      errors = List.copyOf(errors);
    }

    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** Starts and stops BFD sessions: the peers wanted now, each with its gateway's timers. */
  public interface BfdControl {
    void sessions(Map<String, EgressConfig.Bfd> peers);
  }

  /** What happened, for JSON lines, logs and the controller's status writes. Called on the engine's thread. */
  public interface Listener {
    default void bfd(String peer, BfdState from, BfdState to, String diag, long tsNs) {}

    /** One commit for {@code gateways}; {@code path} is {@code fast} or {@code reconcile}. */
    default void commit(List<String> gateways, String path, Commit c, long elapsedNs) {}

    default void status(String gateway, EgressGatewayStatus status) {}

    default void error(String message) {}

    /**
     * The stages of a fast-path write caused by a BFD state change, all {@link System#nanoTime()}: the change on the
     * speaker's event loop, its dequeue on the engine thread, the writer called, the writer returned (committed).
     */
    default void fastPathTiming(long eventNs, long dequeuedNs, long writeStartNs, long writeEndNs) {}
  }

  private static final long RETRY_NS = 1_000_000_000L;

  private final NbWriter writer;
  private final BfdControl bfdControl;
  private final Listener listener;
  private final EgressMetrics metrics;
  private final LongSupplier wallMillis;
  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<String, Pod> pods = new HashMap<>();
  private final Map<String, EgressNode> nodes = new HashMap<>();
  private final List<String> clusterNetworks;
  private final Map<String, Gw> gateways = new TreeMap<>();
  private final Map<String, Peer> peers = new HashMap<>();
  /** Rows last committed, per gateway; null after a failed write (the next sync reconciles everything). */
  private Map<String, List<NbRow>> committed = null;
  private long retryAtNs = Long.MAX_VALUE;
  private long holdUntilNs = Long.MIN_VALUE;

  /** A gateway: its spec (or why it was refused), placement and status. */
  private static final class Gw {
    EgressGateway resource;
    EgressConfig config;
    List<EgressDiagnostic> diagnostics = List.of();
    List<EgressRows.Instance> instances = List.of();
    EgressGatewayStatus status;
    long placedAtMillis;
  }

  /** One BFD peer (shared by the gateways that name its address). */
  private static final class Peer {
    BfdState state = BfdState.DOWN;
    long sinceMillis;
    long upSinceNs;
    boolean everUp;
    /** Up again after a Down: the hold-down applies. */
    boolean recovering;
    boolean known;
  }

  public EgressCore(NbWriter writer, BfdControl bfd, Listener listener, EgressMetrics metrics,
      List<String> clusterNetworks, LongSupplier wallMillis) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.bfdControl = bfd == null ? p -> {} : bfd;
    this.listener = listener == null ? new Listener() {} : listener;
    this.metrics = metrics == null ? EgressMetrics.unregistered() : metrics;
    this.clusterNetworks = List.copyOf(clusterNetworks);
    this.wallMillis = wallMillis;
  }

  // ---- inputs ---------------------------------------------------------------------------------------------------

  /** Adds or replaces a gateway. An invalid spec gets InvalidSpec and its rows (if any) stay as they were. */
  public void upsertGateway(EgressGateway g, long nowNs) {
    Gw gw = gateways.computeIfAbsent(g.key(), k -> new Gw());
    gw.resource = g;
    EgressValidator.Result r = EgressValidator.validate(g);
    gw.diagnostics = r.diagnostics();
    if (r.ok()) {
      gw.config = r.config().get();
    } else {
      for (EgressDiagnostic d : r.diagnostics()) {
        listener.error(d.toString());
      }
      // keep the last valid config: an invalid edit changes nothing in OVN
    }
    sync(nowNs, null);
  }

  public void deleteGateway(String namespace, String name, long nowNs) {
    Gw gw = gateways.remove(namespace + "/" + name);
    if (gw != null) {
      metrics.removeGateway(namespace, name);
      sync(nowNs, null);
    }
  }

  public void upsertNamespace(Namespace n, long nowNs) {
    namespaces.put(n.name(), n);
    sync(nowNs, null);
  }

  public void deleteNamespace(String name, long nowNs) {
    if (namespaces.remove(name) != null) {
      sync(nowNs, null);
    }
  }

  public void upsertPod(Pod p, long nowNs) {
    pods.put(p.namespace() + "/" + p.name(), p);
    sync(nowNs, null);
  }

  public void deletePod(String namespace, String name, long nowNs) {
    if (pods.remove(namespace + "/" + name) != null) {
      sync(nowNs, null);
    }
  }

  public void upsertNode(EgressNode n, long nowNs) {
    nodes.put(n.name(), n);
    sync(nowNs, null);
  }

  public void deleteNode(String name, long nowNs) {
    if (nodes.remove(name) != null) {
      sync(nowNs, null);
    }
  }

  /** Loads many objects and syncs once (start-up). */
  public void load(List<EgressGateway> gws, List<Namespace> nss, List<Pod> ps, List<EgressNode> ns, long nowNs) {
    nss.forEach(n -> namespaces.put(n.name(), n));
    ps.forEach(p -> pods.put(p.namespace() + "/" + p.name(), p));
    ns.forEach(n -> nodes.put(n.name(), n));
    for (EgressGateway g : gws) {
      Gw gw = gateways.computeIfAbsent(g.key(), k -> new Gw());
      gw.resource = g;
      EgressValidator.Result r = EgressValidator.validate(g);
      gw.diagnostics = r.diagnostics();
      r.diagnostics().forEach(d -> listener.error(d.toString()));
      gw.config = r.config().orElse(null);
    }
    sync(nowNs, null);
  }

  /** A BFD state change of the session to {@code peer} (an instance's address). */
  public record BfdEvent(String peer, BfdState from, BfdState to, String diag, long tsNs) {}

  /** A BFD state change of the session to {@code peer} (an instance's address). */
  public void onBfd(String peer, BfdState from, BfdState to, String diag, long tsNs, long nowNs) {
    onBfd(List.of(new BfdEvent(peer, from, to, diag, tsNs)), nowNs);
  }

  /**
   * The BFD state changes that were queued together, taken as one: every peer's state is updated first, then the
   * nexthops of all peers that left Up are withdrawn in one transaction, then one sync. A burst of flaps (a starved
   * machine at 10 ms timers) thus costs one NB commit, not one per event, so the commits cannot fall behind the
   * events.
   */
  public void onBfd(List<BfdEvent> events, long nowNs) {
    Set<String> left = new LinkedHashSet<>();
    Cause cause = null;
    for (BfdEvent e : events) {
      Peer p = peers.get(e.peer());
      listener.bfd(e.peer(), e.from(), e.to(), e.diag(), e.tsNs());
      if (p == null) {
        continue; // a session being removed
      }
      boolean wasUp = p.state == BfdState.UP;
      p.state = e.to();
      p.known = true;
      p.sinceMillis = wallMillis.getAsLong();
      if (e.to() == BfdState.UP && !wasUp) {
        p.upSinceNs = e.tsNs();
        p.recovering = p.everUp;
        p.everUp = true;
      }
      boolean down = e.to() != BfdState.UP;
      if (wasUp && down) {
        left.add(e.peer()); // a later Up in the same batch is in hold-down: the withdraw stands
      }
      if (cause == null || (down && !cause.down())) {
        cause = new Cause(e.tsNs(), down, nowNs); // the first Down, else the first event, times the commit
      }
    }
    if (cause == null) {
      return;
    }
    if (!left.isEmpty() && committed != null) {
      withdraw(left, cause, nowNs);
    }
    sync(nowNs, cause);
  }

  /**
   * Downs of Up peers: removes their nexthops from every committed reroute policy at once, before anything is
   * computed, in one transaction. This is exactly what {@link #sync} would write (a Down only makes the instance
   * unusable, which only removes its address from the nexthops of the policies holding it), so the sync that follows
   * finds nothing left to write; but the mutate goes out without first recomputing every gateway's rows (address sets
   * of all selected pods), which grows with the cluster.
   */
  private void withdraw(Set<String> gone, Cause cause, long nowNs) {
    List<Fast> fast = new ArrayList<>();
    for (Map.Entry<String, List<NbRow>> e : committed.entrySet()) {
      for (NbRow r : e.getValue()) {
        if (r instanceof LogicalRouterPolicy p && !Collections.disjoint(p.nexthops(), gone)) {
          SortedSet<String> hops = new TreeSet<>(p.nexthops());
          Set<String> removed = new TreeSet<>(p.nexthops());
          hops.removeAll(gone);
          removed.retainAll(gone);
          fast.add(new Fast(e.getKey(), p.withNexthops(hops), Set.of(), removed));
        }
      }
    }
    if (!fast.isEmpty()) {
      writeFast(fast, cause, nowNs);
    }
  }

  /**
   * Writes nothing and reports no status until {@code untilNs}, or until every BFD session is Up, whichever comes
   * first. A controller that takes over from another leader calls it before {@link #load}: the NB
   * keeps the nexthops the old leader programmed while the new leader's sessions come Up (from Down, at the RFC's
   * slow one-second rate), instead of withdrawing every BFD instance for that time. Without BFD peers it holds nothing.
   */
  public void holdWritesUntil(long untilNs) {
    holdUntilNs = untilNs;
  }

  private boolean holding(long nowNs) {
    if (holdUntilNs == Long.MIN_VALUE) {
      return false;
    }
    if (nowNs < holdUntilNs) {
      for (Peer p : peers.values()) {
        if (p.state != BfdState.UP) {
          return true; // Down or on its way Up (Init): a write now would withdraw a nexthop that may be fine
        }
      }
    }
    holdUntilNs = Long.MIN_VALUE; // released for good: from now on a Down is a Down
    return false;
  }

  /** Runs what is due at {@code nowNs}: hold-downs that ended, a retry after a failed write. */
  public void tick(long nowNs) {
    long d = nextDeadlineNs();
    if (d != Long.MAX_VALUE && nowNs >= d) {
      // a hold-down ended at d (or a retry is due): restore latency counts from then; the end of the start-up hold
      // is no failover
      sync(nowNs, d == holdUntilNs ? null : new Cause(d == retryAtNs ? Long.MIN_VALUE : d, false, nowNs));
    }
  }

  /** The next time {@link #tick} has something to do, or {@link Long#MAX_VALUE}. */
  public long nextDeadlineNs() {
    long next = retryAtNs;
    if (holdUntilNs > lastSyncNs) {
      next = Math.min(next, holdUntilNs);
    }
    for (Gw gw : gateways.values()) {
      if (gw.config == null || !gw.config.bfd().enabled()) {
        continue;
      }
      long hold = gw.config.holdDownMillis() * 1_000_000L;
      for (EgressRows.Instance i : gw.instances) {
        Peer p = peers.get(i.ip());
        if (p != null && p.state == BfdState.UP && p.recovering) {
          long at = p.upSinceNs + hold;
          if (at > lastSyncNs) {
            next = Math.min(next, at);
          }
        }
      }
    }
    return next;
  }

  private long lastSyncNs = Long.MIN_VALUE;

  // ---- reads ------------------------------------------------------------------------------------------------------

  /** The status of each gateway, by {@code namespace/name}. */
  public Map<String, EgressGatewayStatus> statuses() {
    Map<String, EgressGatewayStatus> m = new TreeMap<>();
    gateways.forEach((k, g) -> {
      if (g.status != null) {
        m.put(k, g.status);
      }
    });
    return m;
  }

  /** The rows last committed for every gateway (empty before the first commit). */
  public NbState committed() {
    List<NbRow> all = new ArrayList<>();
    if (committed != null) {
      committed.values().forEach(all::addAll);
    }
    return NbState.of(all);
  }

  /** The BFD state of each peer the engine runs a session to. */
  public Map<String, BfdState> peerStates() {
    Map<String, BfdState> m = new TreeMap<>();
    peers.forEach((k, p) -> m.put(k, p.state));
    return m;
  }

  // ---- the decision -----------------------------------------------------------------------------------------------

  /**
   * What triggered a sync: the BFD event time (or {@code MIN_VALUE} for a timer), whether it was a Down, and when the
   * engine took it.
   */
  private record Cause(long tsNs, boolean down, long dequeuedNs) {}

  private long version;

  /** Incremented by every sync: readers refresh their snapshots only when it moved. */
  public long version() {
    return version;
  }

  private void sync(long nowNs, Cause cause) {
    lastSyncNs = nowNs;
    version++;
    EgressRows.Cluster cluster = new EgressRows.Cluster(namespaces, pods, nodes, clusterNetworks);
    Map<String, List<NbRow>> want = new TreeMap<>();
    Map<String, EgressConfig.Bfd> wantPeers = new TreeMap<>();
    for (Map.Entry<String, Gw> e : gateways.entrySet()) {
      Gw gw = e.getValue();
      if (gw.config == null) {
        continue;
      }
      EgressConfig c = gw.config;
      EgressRows.Result r = EgressRows.rows(c, cluster, i -> usable(c, i, nowNs));
      if (!r.instances().equals(gw.instances)) {
        gw.placedAtMillis = wallMillis.getAsLong();
      }
      gw.instances = r.instances();
      want.put(e.getKey(), r.rows());
      if (c.bfd().enabled()) {
        for (EgressRows.Instance i : r.instances()) {
          wantPeers.putIfAbsent(i.ip(), c.bfd());
        }
      }
    }
    updatePeers(wantPeers);
    if (holding(nowNs)) {
      return; // the start-up hold: the NB keeps what the previous leader programmed
    }
    if (!want.equals(committed)) {
      write(want, cause, nowNs);
    }
    for (Map.Entry<String, Gw> e : gateways.entrySet()) {
      updateStatus(e.getKey(), e.getValue(), nowNs);
    }
  }

  private Map<String, EgressConfig.Bfd> lastPeers = Map.of();

  private void updatePeers(Map<String, EgressConfig.Bfd> want) {
    boolean changed = !want.equals(lastPeers);
    lastPeers = Map.copyOf(want);
    peers.keySet().retainAll(want.keySet());
    for (String ip : want.keySet()) {
      peers.computeIfAbsent(ip, k -> {
        Peer p = new Peer();
        p.sinceMillis = wallMillis.getAsLong();
        return p;
      });
    }
    if (changed) {
      bfdControl.sessions(want);
    }
  }

  private boolean usable(EgressConfig c, EgressRows.Instance i, long nowNs) {
    if (!c.bfd().enabled()) {
      return true;
    }
    Peer p = peers.get(i.ip());
    if (p == null || p.state != BfdState.UP) {
      return false;
    }
    return !p.recovering || nowNs - p.upSinceNs >= c.holdDownMillis() * 1_000_000L;
  }

  private void write(Map<String, List<NbRow>> want, Cause cause, long nowNs) {
    List<Fast> fast = committed == null ? null : fastPath(committed, want);
    if (fast != null) {
      writeFast(fast, cause, nowNs);
      return;
    }
    long t0 = System.nanoTime();
    try {
      List<NbRow> all = new ArrayList<>();
      want.values().forEach(all::addAll);
      Commit c = writer.reconcile(NbState.of(all));
      long elapsed = System.nanoTime() - t0;
      List<String> changed = new ArrayList<>();
      for (String k : union(want.keySet(), committed == null ? Set.of() : committed.keySet())) {
        if (committed == null || !Objects.equals(want.get(k), committed.get(k))) {
          changed.add(k);
        }
      }
      committed = new TreeMap<>(want);
      for (String k : changed) {
        String[] nsName = k.split("/", 2);
        metrics.commit(nsName[0], nsName[1], false);
      }
      listener.commit(changed, "reconcile", c, elapsed);
      if (!c.ok()) {
        listener.error("reconcile: " + c.errors());
      }
      observeFailover(cause, cause != null && cause.down);
      retryAtNs = Long.MAX_VALUE;
    } catch (Exception e) {
      listener.error("NB write failed, retrying with a full reconcile in 1 s: " + e.getMessage());
      committed = null;
      retryAtNs = nowNs + RETRY_NS;
    }
  }

  /** The fast path: one transaction of one nexthop mutate per policy. */
  private void writeFast(List<Fast> fast, Cause cause, long nowNs) {
    long t0 = System.nanoTime();
    try {
      List<NexthopChange> changes = new ArrayList<>();
      Set<String> gws = new TreeSet<>();
      boolean withdraw = false;
      for (Fast f : fast) {
        changes.add(new NexthopChange(f.policy, f.added, f.removed));
        gws.add(f.gateway);
        withdraw |= !f.removed.isEmpty();
      }
      Commit c = writer.mutateNexthops(changes);
      long t1 = System.nanoTime();
      long elapsed = t1 - t0;
      if (!c.ok()) {
        throw new IllegalStateException(String.join("; ", c.errors()));
      }
      for (Fast f : fast) {
        committed.put(f.gateway, replace(committed.get(f.gateway), f.policy));
      }
      for (String g : gws) {
        String[] nsName = g.split("/", 2);
        metrics.commit(nsName[0], nsName[1], true);
      }
      listener.commit(List.copyOf(gws), "fast", c, elapsed);
      if (cause != null && cause.tsNs != Long.MIN_VALUE) {
        listener.fastPathTiming(cause.tsNs, cause.dequeuedNs, t0, t1);
      }
      observeFailover(cause, withdraw);
      retryAtNs = Long.MAX_VALUE;
    } catch (Exception e) {
      listener.error("NB write failed, retrying with a full reconcile in 1 s: " + e.getMessage());
      committed = null;
      retryAtNs = nowNs + RETRY_NS;
    }
  }

  private void observeFailover(Cause cause, boolean withdraw) {
    if (cause == null) {
      return;
    }
    if (cause.tsNs != Long.MIN_VALUE) {
      metrics.failover(withdraw, System.nanoTime() - cause.tsNs);
    }
  }

  private record Fast(String gateway, LogicalRouterPolicy policy, Set<String> added, Set<String> removed) {}

  /** The nexthop mutations that turn {@code from} into {@code to}, or null when anything else differs. */
  static List<Fast> fastPath(Map<String, List<NbRow>> from, Map<String, List<NbRow>> to) {
    if (!from.keySet().equals(to.keySet())) {
      return null;
    }
    List<Fast> out = new ArrayList<>();
    for (Map.Entry<String, List<NbRow>> e : to.entrySet()) {
      List<NbRow> a = from.get(e.getKey());
      List<NbRow> b = e.getValue();
      if (a.size() != b.size()) {
        return null;
      }
      for (int i = 0; i < a.size(); i++) {
        NbRow x = a.get(i);
        NbRow y = b.get(i);
        if (x.equals(y)) {
          continue;
        }
        if (!(x instanceof LogicalRouterPolicy p) || !(y instanceof LogicalRouterPolicy q)
            || !p.withNexthops(q.nexthops()).equals(q)) {
          return null;
        }
        SortedSet<String> add = new TreeSet<>(q.nexthops());
        add.removeAll(p.nexthops());
        SortedSet<String> del = new TreeSet<>(p.nexthops());
        del.removeAll(q.nexthops());
        if (!add.isEmpty() && !del.isEmpty()) {
          return null;
        }
        out.add(new Fast(e.getKey(), q, add, del));
      }
    }
    return out;
  }

  private static List<NbRow> replace(List<NbRow> rows, LogicalRouterPolicy p) {
    List<NbRow> out = new ArrayList<>(rows.size());
    for (NbRow r : rows) {
      out.add(r.ref().equals(p.ref()) ? p : r);
    }
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> s = new TreeSet<>(a);
    s.addAll(b);
    return s;
  }

  // ---- status -----------------------------------------------------------------------------------------------------

  private void updateStatus(String key, Gw gw, long nowNs) {
    EgressGatewayStatus s = new EgressGatewayStatus();
    String[] nsName = key.split("/", 2);
    EgressGatewayStatus old = gw.status;
    Long gen = gw.resource.getMetadata().getGeneration();
    s.setObservedGeneration(gen);
    int[] byState = new int[EgressMetrics.STATES.size()];
    int ready = 0;
    if (gw.config != null) {
      for (EgressRows.Instance i : gw.instances) {
        String state;
        long since;
        boolean hop = usable(gw.config, i, nowNs);
        if (!gw.config.bfd().enabled()) {
          state = "Unknown";
          since = gw.placedAtMillis;
        } else {
          Peer p = peers.get(i.ip());
          state = p == null ? "Down" : p.state != BfdState.UP ? "Down" : hop ? "Up" : "HoldDown";
          since = p == null ? gw.placedAtMillis : p.sinceMillis;
        }
        byState[EgressMetrics.STATES.indexOf(state)]++;
        if (hop) {
          ready++;
        }
        s.getInstances().add(new EgressInstanceStatus(i.name(), i.node().isEmpty() ? null : i.node(), i.ip(), state,
            Instant.ofEpochMilli(since).toString(), hop));
      }
    }
    s.setReadyInstances(ready);
    int total = s.getInstances().size();
    boolean invalid = !gw.diagnostics.isEmpty();
    String phase = invalid ? "Invalid" : total == 0 ? "Pending" : ready == total ? "Ready" : ready > 0 ? "Degraded"
        : "Down";
    s.setPhase(phase);
    String invalidMsg = invalid ? gw.diagnostics.stream().map(d -> d.field() + ": " + d.reason())
        .reduce((a, b) -> a + "; " + b).orElse("") : "";
    List<Condition> conds = new ArrayList<>();
    conds.add(condition(old, EgressGatewayStatus.READY, ready > 0, ready > 0 ? "InstancesUp" : total == 0
        ? "NoInstances" : "NoInstanceUp", ready + " of " + total + " instances carry traffic", gen));
    conds.add(condition(old, EgressGatewayStatus.DEGRADED, ready < total, ready < total ? "InstancesDown"
        : "AllInstancesUp", (total - ready) + " of " + total + " instances do not carry traffic", gen));
    conds.add(condition(old, EgressGatewayStatus.INVALID_SPEC, invalid, invalid ? "InvalidSpec" : "Valid",
        invalid ? invalidMsg + (gw.config != null ? " (the last valid spec stays programmed)" : "") : "", gen));
    s.setConditions(conds);
    if (!s.equals(old)) {
      gw.status = s;
      listener.status(key, s);
    }
    int hops = 0;
    if (committed != null && committed.containsKey(key)) {
      for (NbRow r : committed.get(key)) {
        if (r instanceof LogicalRouterPolicy p && p.priority() == EgressPriorities.REROUTE) {
          hops += p.nexthops().size();
        }
      }
    }
    metrics.gateway(nsName[0], nsName[1], hops, byState);
  }

  private Condition condition(EgressGatewayStatus old, String type, boolean on, String reason, String msg, Long gen) {
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(on ? "True" : "False");
    c.setReason(reason);
    c.setMessage(msg);
    c.setObservedGeneration(gen);
    Condition prev = old == null ? null : old.condition(type);
    c.setLastTransitionTime(prev != null && prev.getStatus().equals(c.getStatus()) ? prev.getLastTransitionTime()
        : Instant.ofEpochMilli(wallMillis.getAsLong()).toString());
    return c;
  }

  /** For tests: the peers' hold-down state. */
  Map<String, Boolean> recovering() {
    Map<String, Boolean> m = new LinkedHashMap<>();
    peers.forEach((k, p) -> m.put(k, p.recovering));
    return m;
  }
}
