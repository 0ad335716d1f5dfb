package io.netctl.perf.bfd;

import java.time.Instant;

/** Maps {@code System.nanoTime()} (the sessions' clock) to epoch microseconds, as {@code netctl bfd run} does. */
final class WallClock {
    private final long anchorNanos = System.nanoTime();
    private final Instant anchor = Instant.now();

    long epochMicros(long nanoTime) {
        Instant at = anchor.plusNanos(nanoTime - anchorNanos);
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
