package io.netctl.controller;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The controller's input queue: one entry per object key, bounded, coalescing. A second event for an object that is
 * still waiting replaces the first (the compiler only needs the latest version) but keeps the first one's receive
 * time, so that latency metrics count from the oldest event the commit answers. When {@code capacity} distinct
 * objects wait, producers block until the consumer drains: back-pressure to the informers instead of unbounded
 * memory.
 *
 * <p>The consumer is told through {@code onReady} (run once per transition from empty to non-empty, on the producer's
 * thread) and then calls {@link #drain()}.
 */
final class WorkQueue<K, V> {
  /** A waiting value with the time its oldest event was received. */
  record Entry<K, V>(K key, V value, long receivedNanos) {}

  private final int capacity;
  private final Runnable onReady;
  private final Consumer<Integer> depth;
  private final Runnable coalesced;
  private LinkedHashMap<K, Entry<K, V>> waiting = new LinkedHashMap<>();
  private boolean closed;

  WorkQueue(int capacity, Runnable onReady, Consumer<Integer> depth, Runnable coalesced) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.capacity = capacity;
    this.onReady = onReady;
    this.depth = depth;
    this.coalesced = coalesced;
  }

  /** Adds or replaces the value for {@code key}; blocks while the queue is full and {@code key} is not in it. */
  void put(K key, V value, long receivedNanos) throws InterruptedException {
    boolean wasEmpty;
    boolean merged;
    int size;
    synchronized (this) {
      Entry<K, V> old = waiting.get(key);
      while (old == null && waiting.size() >= capacity && !closed) {
        wait();
        old = waiting.get(key);
      }
      if (closed) {
        return;
      }
      wasEmpty = waiting.isEmpty();
      merged = old != null;
      if (old != null) {
        waiting.put(key, new Entry<>(key, value, Math.min(old.receivedNanos(), receivedNanos)));
      } else {
        waiting.put(key, new Entry<>(key, value, receivedNanos));
      }
      size = waiting.size();
    }
    if (merged) {
      coalesced.run();
    }
    depth.accept(size);
    if (wasEmpty) {
      onReady.run();
    }
  }

  /** Everything waiting, in arrival order of the first event per key; empties the queue and wakes blocked producers. */
  List<Entry<K, V>> drain() {
    Map<K, Entry<K, V>> m;
    synchronized (this) {
      m = waiting;
      waiting = new LinkedHashMap<>();
      notifyAll();
    }
    depth.accept(0);
    return new ArrayList<>(m.values());
  }

  synchronized int size() {
    return waiting.size();
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
