package io.netctl.cli;

import java.time.Instant;

/**
 * Maps {@link System#nanoTime()} stamps (BFD state changes, NB commits) to wall-clock time for the JSON lines' {@code
 * ts}. The anchor is sampled after a warm-up, as the tightest of a few (nanoTime, Instant) pairs: the first {@code
 * Instant.now()} of a fresh JVM loads classes, and on a loaded machine that took several milliseconds, by which every
 * later {@code ts} was too late (a BFD Down stamped after the NB commit it caused, seen by an independent monitor).
 */
record WallClockAnchor(long nanos, Instant instant) {

  static WallClockAnchor sample() {
    Instant.now().plusNanos(System.nanoTime()).toString(); // warm-up: load the classes the conversion uses
    long best = Long.MAX_VALUE;
    long at = 0;
    Instant when = null;
    for (int i = 0; i < 5; i++) {
      long a = System.nanoTime();
      Instant t = Instant.now();
      long b = System.nanoTime();
      if (b - a < best) {
        best = b - a;
        at = a + (b - a) / 2;
        when = t;
      }
    }
    return new WallClockAnchor(at, when);
  }

  /** The wall-clock time of a {@link System#nanoTime()} stamp. */
  Instant at(long nanoTime) {
    return instant.plusNanos(nanoTime - nanos);
  }
}
