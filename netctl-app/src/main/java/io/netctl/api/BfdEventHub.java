package io.netctl.api;

import io.netctl.bfd.session.BfdStateChange;
import io.netctl.bfd.transport.BfdSpeaker;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Hands BFD state changes to any number of API watchers.
 *
 * <p>A {@link BfdSpeaker}'s event queue has a single consumer. In the daemon that consumer is the egress engine,
 * which also calls {@link #publish} for each change it takes; on its own (no other consumer) {@link #draining} starts
 * a thread that drains the speakers into the hub. {@link #publish} is meant to be called from one thread: listeners
 * see the changes in order, one call at a time. A listener that throws is dropped.
 */
public final class BfdEventHub implements AutoCloseable {
  private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

  private final CopyOnWriteArrayList<ApiBackend.BfdListener> listeners = new CopyOnWriteArrayList<>();
  /** Maps the sessions' monotonic clock ({@code System.nanoTime()}) to wall-clock time. */
  private final long anchorNanos = System.nanoTime();
  private final Instant anchorInstant = Instant.now();
  private final AtomicLong published = new AtomicLong();
  private volatile Thread pump;
  private volatile boolean closed;

  /** A hub fed by whoever consumes the speakers' events. */
  public BfdEventHub() {}

  /**
   * A hub with a daemon thread of its own that drains every speaker {@code speakers} returns (read anew on each pass)
   * and publishes what it takes. Use it only when nothing else consumes the speakers' events.
   */
  public static BfdEventHub draining(Supplier<? extends Collection<BfdSpeaker>> speakers) {
    Objects.requireNonNull(speakers, "speakers");
    BfdEventHub hub = new BfdEventHub();
    Thread t =
        new Thread(
            () -> {
              while (!hub.closed) {
                int n = 0;
                for (BfdSpeaker s : speakers.get()) {
                  n += s.drainEvents(hub::publish);
                }
                if (n == 0) {
                  LockSupport.parkNanos(IDLE_PARK_NS);
                }
              }
            },
            "api-bfd-events");
    t.setDaemon(true);
    hub.pump = t;
    t.start();
    return hub;
  }

  /** Publishes one change to every listener. */
  public void publish(BfdStateChange change) {
    ApiBackend.BfdEventInfo e = info(change, false, unixMicros(change.timestampNs()));
    published.incrementAndGet();
    for (ApiBackend.BfdListener l : listeners) {
      try {
        l.onEvent(e);
      } catch (RuntimeException ex) {
        listeners.remove(l);
      }
    }
  }

  /** Adds a listener until the returned subscription is closed. */
  public ApiBackend.Subscription subscribe(ApiBackend.BfdListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Listeners subscribed now. */
  public int listeners() {
    return listeners.size();
  }

  /** Changes published since the hub was created. */
  public long published() {
    return published.get();
  }

  /** Wall-clock microseconds of a {@code System.nanoTime()} reading. */
  public long unixMicros(long nanoTime) {
    Instant at = anchorInstant.plusNanos(nanoTime - anchorNanos);
    return TimeUnit.SECONDS.toMicros(at.getEpochSecond()) + at.getNano() / 1_000;
  }

  static ApiBackend.BfdEventInfo info(BfdStateChange c, boolean current, long unixMicros) {
    return new ApiBackend.BfdEventInfo(
        unixMicros,
        c.local().getHostAddress(),
        c.peer().getHostAddress(),
        c.key().multihop(),
        c.from().displayName(),
        c.to().displayName(),
        c.diagnostic().displayName(),
        c.localDiscriminator(),
        c.remoteDiscriminator(),
        current);
  }

  /** Stops the draining thread, if any; listeners stay subscribed but hear nothing more. */
  @Override
  public void close() {
    closed = true;
    Thread t = pump;
    if (t != null) {
      try {
        t.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
