package io.netctl.bfd.session;

import java.util.random.RandomGenerator;

/** Timer arithmetic of RFC 5880 §6.8.2–6.8.4 and §6.8.7, as pure functions. */
public final class BfdTimers {
    private BfdTimers() {
    }

    /**
     * The jittered transmit interval of §6.8.7: uniformly 75–100 % of {@code intervalNs}, or 75–90 % when the local
     * bfd.DetectMult is 1 (so that one late packet cannot trip the peer's detection timer).
     */
    public static long jitteredIntervalNs(long intervalNs, int detectMult, RandomGenerator random) {
        long min = minJitteredNs(intervalNs);
        long max = maxJitteredNs(intervalNs, detectMult);
        return min + random.nextLong(max - min + 1);
    }

    /** Smallest jittered interval: 75 % rounded up. */
    public static long minJitteredNs(long intervalNs) {
        return (intervalNs * 3 + 3) / 4;
    }

    /** Largest jittered interval: 100 %, or 90 % rounded down when detectMult is 1. */
    public static long maxJitteredNs(long intervalNs, int detectMult) {
        return Math.max(minJitteredNs(intervalNs), detectMult == 1 ? intervalNs * 9 / 10 : intervalNs);
    }

    /** §6.8.2: the interval we transmit at is the larger of our DesiredMinTx and the peer's RequiredMinRx. */
    public static long negotiatedTxUs(long localDesiredMinTxUs, long remoteRequiredMinRxUs) {
        return Math.max(localDesiredMinTxUs, remoteRequiredMinRxUs);
    }

    /**
     * §6.8.4, asynchronous mode: the peer's Detect Mult times the larger of our RequiredMinRx and the peer's
     * DesiredMinTx. Zero when either side asked for no packets or nothing was heard yet.
     */
    public static long detectionTimeUs(int remoteDetectMult, long localRequiredMinRxUs, long remoteDesiredMinTxUs) {
        if (localRequiredMinRxUs == 0 || remoteDetectMult == 0) {
            return 0;
        }
        return remoteDetectMult * Math.max(localRequiredMinRxUs, remoteDesiredMinTxUs);
    }
}
