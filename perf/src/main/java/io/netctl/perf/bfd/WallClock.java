package io.netctl.perf.bfd;

import java.time.Instant;

/** Maps {@code System.nanoTime()} (the sessions' clock) to epoch microseconds. */
final class WallClock {
    private WallClock() {
    }

    /**
     * The epoch µs of a past {@code System.nanoTime()} reading, against a wall-clock reading taken now (bracketed by
     * two monotonic readings), so a step or slew of the wall clock since some start-up anchor does not leak in.
     */
    static long epochMicrosOf(long nanoTime) {
        long before = System.nanoTime();
        long nowUs = nowMicros();
        long after = System.nanoTime();
        long mid = before + (after - before) / 2;
        return nowUs - Math.floorDiv(mid - nanoTime, 1000);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
