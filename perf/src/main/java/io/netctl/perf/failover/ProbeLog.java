package io.netctl.perf.failover;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * Probe results in send order: each probe's send time (epoch µs) and outcome (the gateway's last octet, or 0 when
 * lost), and the questions the harness asks of them. Not thread-safe; {@link ProbeStream} guards it.
 */
final class ProbeLog {
    private long[] send = new long[1 << 16];
    private int[] gw = new int[1 << 16];
    private int n;

    /** Outcome of the probes after one fault. */
    record Window(int sent, int lost, long recoveredUs, boolean resumed) {
    }

    void add(long sendUs, int gateway) {
        if (n > 0 && sendUs < send[n - 1]) {
            throw new IllegalArgumentException("probe results out of send order: " + sendUs + " < " + send[n - 1]);
        }
        if (n == send.length) {
            send = Arrays.copyOf(send, n * 2);
            gw = Arrays.copyOf(gw, n * 2);
        }
        send[n] = sendUs;
        gw[n] = gateway;
        n++;
    }

    int size() {
        return n;
    }

    /** The send time of the latest resolved probe, or -1. */
    long latest() {
        return n == 0 ? -1 : send[n - 1];
    }

    /**
     * Whether the probes of the last {@code spanUs} (ending at the latest probe) all succeeded, through a gateway in
     * {@code gateways} when any are given, and probes older than the span exist (so the span is really covered).
     */
    boolean steady(long spanUs, int... gateways) {
        if (n == 0) {
            return false;
        }
        long end = send[n - 1];
        int i = n - 1;
        for (; i >= 0 && send[i] >= end - spanUs; i--) {
            if (gw[i] == 0 || (gateways.length > 0 && !contains(gateways, gw[i]))) {
                return false;
            }
        }
        return i >= 0;
    }

    /**
     * The probes sent from {@code faultUs} to {@code untilUs}. Recovery is the start of the first run of {@code minRun}
     * consecutive successes after the first loss (0 when nothing was lost), relative to the fault: with active-active
     * gateways the survivors' probes succeed all through the outage, so "the first success" would mean nothing, and a
     * stray loss long after recovery (a stalled machine) must not move the recovery. {@code lost} counts the losses
     * before that run; {@code resumed} says whether such a run exists.
     */
    Window window(long faultUs, long untilUs, int minRun) {
        int from = lowerBound(faultUs);
        int to = from;
        while (to < n && send[to] <= untilUs) {
            to++;
        }
        int firstLoss = -1;
        for (int i = from; i < to; i++) {
            if (gw[i] == 0) {
                firstLoss = i;
                break;
            }
        }
        if (firstLoss < 0) {
            return new Window(to - from, 0, 0, to > from);
        }
        int lost = 0;
        int run = 0;
        for (int i = firstLoss; i < to; i++) {
            if (gw[i] == 0) {
                lost++;
                run = 0;
            } else if (++run == minRun) {
                int start = i - minRun + 1;
                int lostBefore = 0;
                for (int j = from; j < start; j++) {
                    lostBefore += gw[j] == 0 ? 1 : 0;
                }
                return new Window(to - from, lostBefore, send[start] - faultUs, true);
            }
        }
        return new Window(to - from, lost, -1, false);
    }

    /** Probes per gateway (last octet) sent in [fromUs, toUs]; key 0 counts the lost ones. */
    TreeMap<Integer, Integer> perGateway(long fromUs, long toUs) {
        TreeMap<Integer, Integer> m = new TreeMap<>();
        for (int i = lowerBound(fromUs); i < n && send[i] <= toUs; i++) {
            m.merge(gw[i], 1, Integer::sum);
        }
        return m;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private int lowerBound(long us) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (send[mid] < us) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
