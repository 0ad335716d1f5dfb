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
        AbstractHistogram rxIntervalUs) {
}
