package io.netctl.bfd.session;

import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Per-session counters (the operational data of RFC 9127 that is not session state): up/down counts and times,
 * packets sent, received and dropped per {@link DropReason}, and a histogram of the interval between accepted
 * packets.
 *
 * <p>Written only by the session's thread, without synchronization; read through {@link BfdSession#snapshot()} on
 * that thread. The histogram records microseconds, 2 significant digits, up to 60 s (larger gaps are clamped), in
 * {@code int} counts: about 10 KB per session, so thousands of sessions stay cheap. Inter-arrival gaps are recorded
 * with plain {@code recordValue}: they are what is measured, not a latency that coordinated omission would hide.
 */
public final class BfdSessionStats {
    /** Largest recorded interval, microseconds. */
    public static final long MAX_INTERVAL_US = 60_000_000L;

    long upCount;
    long downCount;
    long lastUpNs = -1;
    long lastDownNs = -1;
    long stateChanges;
    long packetsSent;
    long packetsReceived;
    long detectionExpiries;
    final long[] dropped = new long[DropReason.COUNT];
    /** Transitions by (from, to): index {@code from.ordinal() * 4 + to.ordinal()}. */
    final long[] transitions = new long[16];
    final AbstractHistogram rxIntervalUs = new IntCountsHistogram(1, MAX_INTERVAL_US, 2);
    /**
     * Detection latency as the session sees it: the time from the last accepted packet to the expiry of the detection
     * time, recorded on every expiry while Init or Up. (The fault itself may have happened up to one interval after
     * that last packet; the perf harness measures from the fault.)
     */
    final AbstractHistogram detectionLatencyUs = new IntCountsHistogram(1, MAX_INTERVAL_US, 2);

    void drop(DropReason reason) {
        dropped[reason.ordinal()]++;
    }

    void recordRxInterval(long intervalNs) {
        rxIntervalUs.recordValue(clampUs(intervalNs));
    }

    void recordDetectionLatency(long latencyNs) {
        detectionLatencyUs.recordValue(clampUs(latencyNs));
    }

    void transition(BfdState from, BfdState to) {
        transitions[from.ordinal() * 4 + to.ordinal()]++;
    }

    private static long clampUs(long ns) {
        return Math.max(1, Math.min(MAX_INTERVAL_US, ns / 1000));
    }

    public long upCount() {
        return upCount;
    }

    public long downCount() {
        return downCount;
    }

    /** Clock time of the last transition to Up, or -1. */
    public long lastUpNs() {
        return lastUpNs;
    }

    /** Clock time of the last transition from Up to Down or AdminDown, or -1. */
    public long lastDownNs() {
        return lastDownNs;
    }

    public long stateChanges() {
        return stateChanges;
    }

    public long packetsSent() {
        return packetsSent;
    }

    /** Packets accepted by the session (all checks passed). */
    public long packetsReceived() {
        return packetsReceived;
    }

    public long detectionExpiries() {
        return detectionExpiries;
    }

    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()];
    }

    public long droppedTotal() {
        long sum = 0;
        for (long d : dropped) {
            sum += d;
        }
        return sum;
    }

    /** Drops whose reason {@link DropReason#isAuthFailure() is an authentication failure}. */
    public long authFailures() {
        long sum = 0;
        for (DropReason r : DropReason.values()) {
            if (r.isAuthFailure()) {
                sum += dropped[r.ordinal()];
            }
        }
        return sum;
    }

    /** How many times the session went from {@code from} to {@code to}. */
    public long transitions(BfdState from, BfdState to) {
        return transitions[from.ordinal() * 4 + to.ordinal()];
    }

    /** The live detection-latency histogram (µs); copy it before handing it to another thread. */
    public AbstractHistogram detectionLatencyUs() {
        return detectionLatencyUs;
    }

    /** The live histogram; copy it ({@link AbstractHistogram#copy()}) before handing it to another thread. */
    public AbstractHistogram rxIntervalUs() {
        return rxIntervalUs;
    }
}
