package io.netctl.cli;

import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.session.BfdStateChange;
import io.netctl.bfd.transport.BfdSessionHandle;
import io.netctl.bfd.transport.BfdSpeaker;
import io.netctl.bfd.transport.BfdSpeakerConfig;
import io.netctl.bfd.transport.BfdSpeakerSnapshot;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the sessions of {@code netctl bfd run}: one {@link BfdSpeaker} per local address (and interface), a reconcile
 * step that brings the running sessions to a desired list (at start and on every reload), and one consumer thread that
 * prints each state change as a JSON line.
 *
 * <p>{@link #apply} is idempotent, in the manner of a reconciler: sessions that match are left alone, changed
 * timers or keys are applied to the running session (a Poll Sequence when Up, so no flap), new ones are added, and
 * removed ones first tell their peer (AdminDown) and then go away.
 */
final class BfdRunner implements AutoCloseable {
  static final DateTimeFormatter RFC3339_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  /** A safety net: each speaker unparks the consumer as soon as it queues a change (BfdSpeaker.wakeOnEvent). */
  private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

  private final PrintWriter out;
  private final PrintWriter err;
  /** Maps the sessions' monotonic clock to wall-clock time. */
  private final WallClockAnchor anchor = WallClockAnchor.sample();

  /** Read by the consumer thread while {@link #apply} changes it. */
  private final Map<BfdSessionSpec.SpeakerKey, BfdSpeaker> speakers = new ConcurrentHashMap<>();
  private final Map<BfdSessionSpec.Id, Running> running = new LinkedHashMap<>();
  private final Thread consumer;
  private volatile boolean stopping;

  private record Running(BfdSessionSpec spec, BfdSpeaker speaker, BfdSessionHandle handle) {}

  private final int rtPriority;

  BfdRunner(PrintWriter out, PrintWriter err, int rtPriority) {
    this.out = out;
    this.err = err;
    this.rtPriority = rtPriority;
    this.consumer = new Thread(this::consume, "bfd-events");
    this.consumer.setDaemon(true);
  }

  void start() {
    consumer.start();
  }

  /** Brings the running sessions to {@code desired}. Not thread-safe: call from one thread at a time. */
  synchronized void apply(List<BfdSessionSpec> desired) throws InterruptedException {
    Map<BfdSessionSpec.Id, BfdSessionSpec> want = new LinkedHashMap<>();
    for (BfdSessionSpec s : desired) {
      if (want.put(s.id(), s) != null) {
        throw new IllegalArgumentException("session: " + s.id() + " (expected: each session once)");
      }
    }
    // Removed: tell the peer, then drop.
    for (var it = running.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!want.containsKey(e.getKey())) {
        Running r = e.getValue();
        r.speaker().adminDown(r.handle().localDiscriminator(), BfdDiagnostic.ADMINISTRATIVELY_DOWN);
        r.speaker().removeSession(r.handle().localDiscriminator());
        it.remove();
      }
    }
    for (BfdSessionSpec s : want.values()) {
      Running r = running.get(s.id());
      if (r != null && sameTransport(r.spec(), s)) {
        if (!r.spec().config().equals(s.config())) {
          r.speaker().reconfigure(r.handle().localDiscriminator(), s.config());
          running.put(s.id(), new Running(s, r.speaker(), r.handle()));
        }
        continue;
      }
      if (r != null) { // ports or TTL changed: a new session
        r.speaker().adminDown(r.handle().localDiscriminator(), BfdDiagnostic.ADMINISTRATIVELY_DOWN);
        r.speaker().removeSession(r.handle().localDiscriminator());
        running.remove(s.id());
      }
      BfdSpeaker speaker = speakerFor(s, desired);
      BfdSessionHandle h =
          speaker.addSession(new InetSocketAddress(s.peer(), s.peerPort()), s.config(), s.multihop());
      running.put(s.id(), new Running(s, speaker, h));
    }
    // Speakers without sessions are closed.
    for (var it = speakers.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (running.values().stream().noneMatch(r -> r.speaker() == e.getValue())) {
        e.getValue().close();
        it.remove();
      }
    }
  }

  private static boolean sameTransport(BfdSessionSpec a, BfdSessionSpec b) {
    return a.listenPort() == b.listenPort()
        && a.peerPort() == b.peerPort()
        && (!a.multihop() || a.minTtl() == b.minTtl());
  }

  /** The speaker for a session's local address, started with listeners for what {@code all} needs there. */
  private BfdSpeaker speakerFor(BfdSessionSpec s, List<BfdSessionSpec> all) throws InterruptedException {
    BfdSpeaker existing = speakers.get(s.speakerKey());
    if (existing != null) {
      BfdSpeakerConfig c = existing.config();
      int port = s.multihop() ? c.multihopListenPort() : c.listenPort();
      boolean portOk = port == s.listenPort() || (port == 0 && s.listenPort() == 0);
      if (!portOk || (s.multihop() && c.multihopMinTtl() != s.minTtl())) {
        throw new IllegalArgumentException(
            "session "
                + s.id()
                + ": listen port or minimum TTL differs from the other sessions of "
                + s.local().getHostAddress()
                + " (expected: the same; restart to change them)");
      }
      return existing;
    }
    int single = BfdSpeakerConfig.DISABLED;
    int multi = BfdSpeakerConfig.DISABLED;
    int minTtl = BfdSpeakerConfig.DEFAULT_MULTIHOP_MIN_TTL;
    for (BfdSessionSpec o : all) {
      if (!o.speakerKey().equals(s.speakerKey())) {
        continue;
      }
      if (o.multihop()) {
        if (multi != BfdSpeakerConfig.DISABLED && (multi != o.listenPort() || minTtl != o.minTtl())) {
          throw new IllegalArgumentException(
              "session " + o.id() + ": multihop listen port or minTtl differs from another session of "
                  + o.local().getHostAddress() + " (expected: the same)");
        }
        multi = o.listenPort();
        minTtl = o.minTtl();
      } else {
        if (single != BfdSpeakerConfig.DISABLED && single != o.listenPort()) {
          throw new IllegalArgumentException(
              "session " + o.id() + ": listen port differs from another session of "
                  + o.local().getHostAddress() + " (expected: the same)");
        }
        single = o.listenPort();
      }
    }
    BfdSpeakerConfig config =
        BfdSpeakerConfig.of(s.local())
            .withListenPort(single)
            .withMultihopListenPort(multi)
            .withMultihopMinTtl(minTtl)
            .withInterface(s.interfaceName().orElse(null));
    BfdSpeaker speaker = BfdSpeaker.start(config);
    if (rtPriority > 0) {
      String failed = BfdSpeaker.realtimeSchedulingForProcess(rtPriority);
      if (failed != null) {
        err.println("netctl bfd: SCHED_FIFO " + rtPriority + " not set, running at normal priority: " + failed);
      }
    }
    if (!speaker.isEpoll()) {
      err.println("netctl bfd: epoll unavailable, using NIO: packets leave with TTL 64 and TTLs are not checked");
    }
    speaker.wakeOnEvent(consumer);
    speakers.put(s.speakerKey(), speaker);
    return speaker;
  }

  /** Snapshots of every speaker, for the metrics; safe from any thread but the event loops. */
  List<BfdSpeakerSnapshot> snapshots() {
    List<BfdSpeakerSnapshot> snaps = new ArrayList<>();
    for (BfdSpeaker s : speakers.values()) {
      try {
        snaps.add(s.snapshotAll());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) { // closed meanwhile
      }
    }
    return snaps;
  }

  /** Running session handles by id, for tests. */
  synchronized Map<BfdSessionSpec.Id, BfdSessionHandle> handles() {
    Map<BfdSessionSpec.Id, BfdSessionHandle> m = new HashMap<>();
    running.forEach((id, r) -> m.put(id, r.handle()));
    return m;
  }

  private void consume() {
    while (!stopping) {
      if (drainOnce() == 0) {
        LockSupport.parkNanos(IDLE_PARK_NS);
      }
    }
  }

  private int drainOnce() {
    int n = 0;
    for (BfdSpeaker s : speakers.values()) {
      n += s.drainEvents(this::print);
    }
    if (n > 0) {
      out.flush();
    }
    return n;
  }

  private void print(BfdStateChange c) {
    out.println(json(c, wallClock(c.timestampNs())));
  }

  Instant wallClock(long nanoTime) {
    return anchor.at(nanoTime);
  }

  /** One state change as a JSON line (the format of {@code netctl bfd run}). */
  static String json(BfdStateChange c, Instant at) {
    return "{\"ts\":\""
        + RFC3339_MICROS.format(at)
        + "\",\"local\":\""
        + c.local().getHostAddress()
        + "\",\"peer\":\""
        + c.peer().getHostAddress()
        + "\",\"from\":\""
        + c.from().displayName()
        + "\",\"to\":\""
        + c.to().displayName()
        + "\",\"diag\":\""
        + c.diagnostic().displayName()
        + "\",\"localDisc\":"
        + Integer.toUnsignedString(c.localDiscriminator())
        + ",\"remoteDisc\":"
        + Integer.toUnsignedString(c.remoteDiscriminator())
        + "}";
  }

  /**
   * Sends AdminDown to every peer, stops the speakers and prints the last state changes. Called from the shutdown
   * hook on SIGTERM.
   */
  @Override
  public void close() {
    stopping = true;
    try {
      consumer.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<BfdSpeaker> list;
    synchronized (this) {
      list = new ArrayList<>(speakers.values());
    }
    for (BfdSpeaker s : list) {
      s.close(); // AdminDown (diag 7) to each peer, then the sockets close
    }
    for (BfdSpeaker s : list) {
      s.drainEvents(this::print);
    }
    out.flush();
    synchronized (this) {
      speakers.clear();
      running.clear();
    }
  }
}
