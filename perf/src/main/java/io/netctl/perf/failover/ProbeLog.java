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
     * The probes sent from {@code faultUs} to {@code untilUs}: how many were lost, and when the stream recovered: the
     * send time of the first successful probe after the last lost one, minus the fault time (0 when none was lost).
     * {@code resumed} says whether a success followed the last loss within the window at all.
     */
    Window window(long faultUs, long untilUs) {
        int sent = 0;
        int lost = 0;
        int lastLost = -1;
        for (int i = lowerBound(faultUs); i < n && send[i] <= untilUs; i++) {
            sent++;
            if (gw[i] == 0) {
                lost++;
                lastLost = i;
            }
        }
        if (lastLost < 0) {
            return new Window(sent, 0, 0, sent > 0);
        }
        int ok = lastLost + 1;
        boolean resumed = ok < n && send[ok] <= untilUs;
        return new Window(sent, lost, resumed ? send[ok] - faultUs : -1, resumed);
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
