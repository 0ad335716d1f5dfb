package io.netctl.bfd.session;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** A clock that moves only when told to. */
final class ManualClock implements LongSupplier {
    private long nowNs;

    ManualClock(long startNs) {
        this.nowNs = startNs;
    }

    @Override
    public long getAsLong() {
        return nowNs;
    }

    void set(long ns) {
        if (ns < nowNs) {
            throw new IllegalArgumentException("time: " + ns + " (expected: >= " + nowNs + ")");
        }
        nowNs = ns;
    }

    void advance(long amount, TimeUnit unit) {
        set(nowNs + unit.toNanos(amount));
    }
}
