package io.netctl.bfd.session;

import io.netctl.bfd.codec.BfdAuthKeyring;
import java.util.Optional;

/**
 * The configurable part of a session (RFC 5880 §6.8.1): timers, multiplier, role, Demand mode and authentication.
 * Can be changed on a running session with {@link BfdSession#reconfigure}; timer changes on an Up session go through
 * a Poll Sequence (§6.8.3).
 *
 * @param desiredMinTxUs bfd.DesiredMinTxInterval while Up, microseconds, 1 .. 2^32-1 (raised to at least
 *     {@link BfdSession#NOT_UP_DESIRED_MIN_TX_US} while not Up)
 * @param requiredMinRxUs bfd.RequiredMinRxInterval, microseconds; 0 asks the peer not to send periodic packets
 * @param detectMult bfd.DetectMult, 1–255
 * @param passive the passive role of §6.1: send nothing until a packet from the peer arrived
 * @param demandMode bfd.DemandMode (§6.6): ask the peer to stop periodic transmission once both ends are Up
 * @param auth the authentication keys, or empty for none (bfd.AuthType 0)
 */
public record BfdSessionConfig(long desiredMinTxUs, long requiredMinRxUs, int detectMult, boolean passive,
                               boolean demandMode, Optional<BfdAuthKeyring> auth) {
    private static final long MAX_U32 = 0xffff_ffffL;

    public BfdSessionConfig {
        if (desiredMinTxUs < 1 || desiredMinTxUs > MAX_U32) {
            throw new IllegalArgumentException(
                    "desired min tx interval: " + desiredMinTxUs + "us (expected: 1-" + MAX_U32 + ")");
        }
        if (requiredMinRxUs < 0 || requiredMinRxUs > MAX_U32) {
            throw new IllegalArgumentException(
                    "required min rx interval: " + requiredMinRxUs + "us (expected: 0-" + MAX_U32 + ")");
        }
        if (detectMult < 1 || detectMult > 255) {
            throw new IllegalArgumentException("detect multiplier: " + detectMult + " (expected: 1-255)");
        }
        if (auth == null) {
            throw new IllegalArgumentException("auth: null (expected: Optional.empty() or a keyring)");
        }
    }

    /** Kube-OVN's VpcEgressGateway defaults: 1000 ms / 1000 ms / 3, active, no auth. */
    public static BfdSessionConfig defaults() {
        return new BfdSessionConfig(1_000_000L, 1_000_000L, 3, false, false, Optional.empty());
    }

    public static BfdSessionConfig of(long desiredMinTxUs, long requiredMinRxUs, int detectMult) {
        return new BfdSessionConfig(desiredMinTxUs, requiredMinRxUs, detectMult, false, false, Optional.empty());
    }

    public BfdSessionConfig withTimers(long desiredMinTxUs, long requiredMinRxUs, int detectMult) {
        return new BfdSessionConfig(desiredMinTxUs, requiredMinRxUs, detectMult, passive, demandMode, auth);
    }

    public BfdSessionConfig withPassive(boolean passive) {
        return new BfdSessionConfig(desiredMinTxUs, requiredMinRxUs, detectMult, passive, demandMode, auth);
    }

    public BfdSessionConfig withDemandMode(boolean demandMode) {
        return new BfdSessionConfig(desiredMinTxUs, requiredMinRxUs, detectMult, passive, demandMode, auth);
    }

    public BfdSessionConfig withAuth(BfdAuthKeyring keyring) {
        return new BfdSessionConfig(desiredMinTxUs, requiredMinRxUs, detectMult, passive, demandMode,
                Optional.ofNullable(keyring));
    }
}
