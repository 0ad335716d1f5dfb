package io.netctl.bfd.session;

import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import java.net.InetAddress;

/**
 * One state change of a session, handed to a {@link BfdEventSink}. Allocated once per change (rare), never per
 * packet.
 *
 * @param timestampNs the session clock ({@code System.nanoTime()} in production) at the change
 * @param diagnostic bfd.LocalDiag after the change
 */
public record BfdStateChange(long timestampNs, BfdSessionKey key, BfdState from, BfdState to,
                             BfdDiagnostic diagnostic, int localDiscriminator, int remoteDiscriminator) {

    public InetAddress local() {
        return key.localAddress();
    }

    public InetAddress peer() {
        return key.peerAddress();
    }

    @Override
    public String toString() {
        return "BFD " + key + " " + from + " -> " + to + " (" + diagnostic + ", local "
                + Integer.toUnsignedString(localDiscriminator) + ", remote "
                + Integer.toUnsignedString(remoteDiscriminator) + ") at " + timestampNs;
    }
}
