package io.netctl.bfd.session;

import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import java.util.Map;
import org.HdrHistogram.AbstractHistogram;

/**
 * An immutable copy of a session's operational data, shaped after RFC 9127 ({@code ietf-bfd} sessions): safe to hand
 * to an exporter thread.
 *
 * @param remoteDiagnosticCode the peer's last Diag code, which may be reserved (see {@link BfdDiagnostic#describe})
 * @param negotiatedTxIntervalUs the interval we transmit at (§6.8.2)
 * @param negotiatedRxIntervalUs the interval we expect from the peer: max(our RequiredMinRx, its DesiredMinTx)
 * @param detectionTimeUs §6.8.4; 0 while nothing is heard from the peer
 * @param rxIntervalUs a copy of the received-packet interval histogram
 * @param transitions state transitions by {@code "From->To"} (display names, e.g. {@code "Up->Down"}); only non-zero
 * @param detectionLatencyUs a copy of the detection-latency histogram (last accepted packet → expiry, µs)
 * @param detectionExpiries how often the detection time expired
 * @param desiredMinTxUs bfd.DesiredMinTxInterval as advertised
 * @param requiredMinRxUs bfd.RequiredMinRxInterval as advertised
 * @param remoteDesiredMinTxUs the peer's Desired Min TX Interval (0 while nothing is heard)
 * @param remoteRequiredMinRxUs the peer's Required Min RX Interval (0 while nothing is heard)
 */
public record BfdSessionSnapshot(
        BfdSessionKey key,
        int localDiscriminator,
        int remoteDiscriminator,
        BfdState state,
        BfdState remoteState,
        BfdDiagnostic localDiagnostic,
        int remoteDiagnosticCode,
        int detectMult,
        int remoteDetectMult,
        long negotiatedTxIntervalUs,
        long negotiatedRxIntervalUs,
        long detectionTimeUs,
        boolean demandActive,
        boolean pollActive,
        long upCount,
        long downCount,
        long lastUpNs,
        long lastDownNs,
        long packetsSent,
        long packetsReceived,
        long packetsDropped,
        long authFailures,
        Map<DropReason, Long> droppedByReason,
        AbstractHistogram rxIntervalUs,
        Map<String, Long> transitions,
        AbstractHistogram detectionLatencyUs,
        long detectionExpiries,
        long desiredMinTxUs,
        long requiredMinRxUs,
        long remoteDesiredMinTxUs,
        long remoteRequiredMinRxUs) {

    /** Transitions from {@code from} to {@code to}. */
    public long transitions(BfdState from, BfdState to) {
        return transitions.getOrDefault(from.displayName() + "->" + to.displayName(), 0L);
    }
}
