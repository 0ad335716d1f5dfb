package io.netctl.egress;

import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Pod;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.session.BfdStateChange;
import io.netctl.bfd.transport.BfdSessionHandle;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.EgressGatewayStatus;
import io.netctl.ovn.nb.NbState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The egress gateway engine: an {@link EgressCore} on a thread of its own ({@code netctl-egress}), fed by the BFD
 * speaker's state changes and by the caller's events.
 *
 * <p>The thread drains the speaker's event queue and handles each change at once: the speaker unparks it right after
 * queueing a change (no polling interval), and a Down that withdraws a nexthop is one OVSDB {@code mutate}, written
 * from this thread before it computes anything else (the fast path). Every public
 * method may be called from any thread: it queues the work and returns (use {@link #flush()} to wait for it).
 *
 * <p>How a controller drives it: {@link #upsertGateway}/{@link #deleteGateway} from the EgressGateway informer,
 * {@link #upsertNamespace}, {@link #upsertPod}, {@link #upsertNode} (and the deletes) from the cluster informers,
 * {@link #statuses()} or a {@link EgressCore.Listener#status} callback for status writes (called only when a status
 * changed).
 */
public final class EgressEngine implements AutoCloseable {
  /**
   * The longest idle park: a safety net only, since both sources of work wake the thread (tasks unpark it, the
   * speaker unparks it after queueing a state change, {@link BfdSpeaker#wakeOnEvent}).
   */
  private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

  private final EgressCore core;
  private final BfdSpeaker speaker;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Map<String, BfdSessionHandle> sessions = new HashMap<>();
  private final Map<String, EgressConfig.Bfd> sessionConfigs = new HashMap<>();
  private final Thread thread;
  private final EgressCore.Listener listener;
  private volatile Map<String, EgressGatewayStatus> statuses = Map.of();
  private volatile NbState committed = NbState.EMPTY;
  private volatile boolean running = true;
  private final boolean multihop;
  private volatile java.util.function.Consumer<BfdStateChange> bfdTap = e -> {};
  private long seenVersion = -1;
  private final java.util.ArrayList<CompletableFuture<Void>> flushed = new java.util.ArrayList<>();

  /**
   * @param bfdLocal the local address of the BFD sessions to the instances, or null (BFD-enabled gateways then never
   *     have an Up instance, and an error says why)
   * @param clusterNetworks the cluster's pod and service CIDRs: default destinations are everything outside them
   */
  public EgressEngine(EgressCore.NbWriter writer, InetAddress bfdLocal, List<String> clusterNetworks,
      EgressCore.Listener listener, EgressMetrics metrics) throws InterruptedException {
    this(writer, bfdLocal == null ? null : BfdSpeakerConfig.of(bfdLocal), false, clusterNetworks, listener, metrics);
  }

  /**
   * An engine whose BFD speaker has the given configuration (ports, TTL checks), with single-hop sessions (RFC 5881,
   * to the instances' UDP 3784) or multihop ones (RFC 5883, to UDP 4784: the controller's sessions, which cross the
   * cluster network).
   *
   * @param bfd the speaker's configuration, or null for no BFD
   * @param multihop multihop sessions instead of single-hop ones
   */
  public EgressEngine(EgressCore.NbWriter writer, BfdSpeakerConfig bfd, boolean multihop, List<String> clusterNetworks,
      EgressCore.Listener listener, EgressMetrics metrics) throws InterruptedException {
    this.listener = listener == null ? new EgressCore.Listener() {} : listener;
    this.multihop = multihop;
    this.speaker = bfd == null ? null : BfdSpeaker.start(bfd);
    this.core = new EgressCore(writer, this::sessions, this.listener, metrics, clusterNetworks,
        System::currentTimeMillis);
    this.thread = new Thread(this::loop, "netctl-egress");
    this.thread.setDaemon(true);
    if (speaker != null) {
      speaker.wakeOnEvent(thread);
    }
    this.thread.start();
  }

  // ---- inputs (any thread) ----------------------------------------------------------------------------------------

  /**
   * Holds every write for at most {@code millis} from now, until every BFD session is Up
   * ({@link EgressCore#holdWritesUntil}); call it before {@link #load}.
   */
  public void holdWrites(long millis) {
    submit(() -> core.holdWritesUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis)));
  }

  public void load(List<EgressGateway> g, List<Namespace> ns, List<Pod> pods, List<EgressNode> nodes) {
    submit(() -> core.load(g, ns, pods, nodes, System.nanoTime()));
  }

  public void upsertGateway(EgressGateway g) {
    submit(() -> core.upsertGateway(g, System.nanoTime()));
  }

  public void deleteGateway(String namespace, String name) {
    submit(() -> core.deleteGateway(namespace, name, System.nanoTime()));
  }

  public void upsertNamespace(Namespace n) {
    submit(() -> core.upsertNamespace(n, System.nanoTime()));
  }

  public void deleteNamespace(String name) {
    submit(() -> core.deleteNamespace(name, System.nanoTime()));
  }

  public void upsertPod(Pod p) {
    submit(() -> core.upsertPod(p, System.nanoTime()));
  }

  public void deletePod(String namespace, String name) {
    submit(() -> core.deletePod(namespace, name, System.nanoTime()));
  }

  public void upsertNode(EgressNode n) {
    submit(() -> core.upsertNode(n, System.nanoTime()));
  }

  public void deleteNode(String name) {
    submit(() -> core.deleteNode(name, System.nanoTime()));
  }

  /**
   * Completes once everything queued before it has been handled and {@link #statuses()} and {@link #committed()}
   * show the result (on the engine thread, so dependent actions must not block).
   */
  public CompletableFuture<Void> flush() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    submit(() -> flushed.add(f));
    return f;
  }

  // ---- reads (any thread) -----------------------------------------------------------------------------------------

  /** The latest status of each gateway, by {@code namespace/name}. */
  public Map<String, EgressGatewayStatus> statuses() {
    return statuses;
  }

  /** The rows last committed. */
  public NbState committed() {
    return committed;
  }

  /**
   * Also hands every BFD state change the engine takes from its speaker (the speaker's event queue has one consumer:
   * this engine) to {@code tap}, on the engine thread, right after acting on it (the failover's commit goes first):
   * the controller's API publishes them to its watchers. Must not block.
   */
  public void onBfdEvent(java.util.function.Consumer<BfdStateChange> tap) {
    this.bfdTap = tap == null ? e -> {} : tap;
  }

  /** Whether the BFD sessions are multihop (RFC 5883). */
  public boolean multihop() {
    return multihop;
  }

  /** The BFD speaker, or null without BFD. */
  public BfdSpeaker speaker() {
    return speaker;
  }

  private void submit(Runnable r) {
    if (!running) {
      throw new IllegalStateException("egress engine closed");
    }
    tasks.add(r);
    LockSupport.unpark(thread);
  }

  // ---- the thread -------------------------------------------------------------------------------------------------

  private void loop() {
    while (running) {
      try {
        boolean work = false;
        if (speaker != null) {
          BfdStateChange e;
          List<EgressCore.BfdEvent> batch = null;
          List<BfdStateChange> raw = null;
          while ((e = speaker.pollEvent()) != null) {
            if (batch == null) {
              batch = new ArrayList<>(4);
              raw = new ArrayList<>(4);
            }
            batch.add(new EgressCore.BfdEvent(peerKey(e.peer()), e.from(), e.to(), e.diagnostic().toString(),
                e.timestampNs()));
            raw.add(e);
          }
          if (batch != null) {
            work = true;
            core.onBfd(batch, System.nanoTime()); // everything queued so far: one commit, however many flaps
            for (BfdStateChange x : raw) { // the failover first, then the API's watchers
              try {
                bfdTap.accept(x);
              } catch (RuntimeException ex) {
                listener.error("BFD event listener: " + ex);
              }
            }
          }
        }
        Runnable r;
        while ((r = tasks.poll()) != null) {
          work = true;
          r.run();
        }
        long now = System.nanoTime();
        core.tick(now);
        if (core.version() != seenVersion) {
          seenVersion = core.version();
          statuses = core.statuses();
          committed = core.committed();
        }
        if (!flushed.isEmpty()) {
          List<CompletableFuture<Void>> done = List.copyOf(flushed);
          flushed.clear();
          done.forEach(f -> f.complete(null));
        }
        if (!work) {
          long next = core.nextDeadlineNs();
          long park = next == Long.MAX_VALUE ? IDLE_PARK_NS : Math.max(0, Math.min(IDLE_PARK_NS, next - now));
          if (park > 0) {
            LockSupport.parkNanos(park); // a BFD state change or a task unparks it at once
          }
        }
      } catch (RuntimeException e) {
        listener.error("egress engine: " + e);
      }
    }
  }

  /**
   * The key of a BFD peer in {@link EgressCore}: the instance address as the validator canonicalized it. Java writes
   * IPv6 addresses uncompressed ({@code fd00:0:0:0:0:0:0:11}), the spec and the nexthops use RFC 5952
   * ({@code fd00::11}); without this, IPv6 instances never saw their state changes.
   */
  static String peerKey(InetAddress peer) {
    String raw = peer.getHostAddress();
    String c = io.netctl.anp.api.IpAddresses.canonicalAddress(raw);
    return c == null ? raw : c;
  }

  /** Engine thread: start and stop sessions so that exactly {@code peers} run. */
  private void sessions(Map<String, EgressConfig.Bfd> peers) {
    if (speaker == null) {
      if (!peers.isEmpty()) {
        listener.error("BFD is enabled for " + peers.keySet() + " but no local BFD address was given: those"
            + " instances stay Down");
      }
      return;
    }
    try {
      for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!peers.containsKey(e.getKey())) {
          speaker.removeSession(e.getValue().localDiscriminator());
          sessionConfigs.remove(e.getKey());
          it.remove();
        }
      }
      for (Map.Entry<String, EgressConfig.Bfd> e : peers.entrySet()) {
        BfdSessionHandle h = sessions.get(e.getKey());
        if (h != null) {
          if (!e.getValue().equals(sessionConfigs.get(e.getKey()))) {
            EgressConfig.Bfd b = e.getValue();
            // new timers on a running session: a Poll Sequence when Up (RFC 5880 6.8.3), so no flap
            speaker.reconfigure(h.localDiscriminator(),
                BfdSessionConfig.of(b.minTxMillis() * 1000L, b.minRxMillis() * 1000L, b.multiplier()));
            sessionConfigs.put(e.getKey(), b);
          }
          continue;
        }
        InetAddress peer = InetAddress.getByName(e.getKey());
        if (peer.getAddress().length != speaker.config().localAddress().getAddress().length) {
          listener.error("BFD peer " + e.getKey() + ": not the family of the local address "
              + speaker.config().localAddress().getHostAddress() + "; the instance stays Down");
          continue;
        }
        EgressConfig.Bfd b = e.getValue();
        BfdSessionConfig cfg = BfdSessionConfig.of(b.minTxMillis() * 1000L, b.minRxMillis() * 1000L, b.multiplier());
        int port = multihop ? BfdSpeakerConfig.MULTIHOP_PORT : BfdSpeakerConfig.SINGLE_HOP_PORT;
        sessions.put(e.getKey(), speaker.addSession(new InetSocketAddress(peer, port), cfg, multihop));
        sessionConfigs.put(e.getKey(), e.getValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      listener.error("BFD sessions: " + e);
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (speaker != null) {
      speaker.close();
    }
  }
}
