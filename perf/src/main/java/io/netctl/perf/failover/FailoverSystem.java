package io.netctl.perf.failover;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A way of failing egress traffic over between gateways, measured by {@link FailoverHarness}: the keepalived VRRP
 * baseline ({@link KeepalivedSystem}) and netctl's BFD-driven ECMP egress gateway ({@link NetctlSystem}). The harness owns
 * the topology, the probes and the faults; a system owns how lr0 reaches the destination, its daemons, and the
 * events it can time stamp ("phases": for keepalived the VIP arriving on the backup; for netctl BFD Down on the
 * controller and the NB commit that withdraws the nexthop, seen by an independent OVSDB monitor). The harness adds
 * the phase every system has: the client's probes succeeding again.
 *
 * <p>Lifecycle, per configuration: {@link #start}, then for every run {@link #victim}, fault, {@link #awaitPhases},
 * restore, {@link #restart} (after kill -9), {@link #awaitReady}; finally {@link #close}.
 */
interface FailoverSystem extends AutoCloseable {
    /** For the report, e.g. "keepalived". */
    String name();

    /** This configuration, e.g. "advert 0.1 s" or "BFD 10×3 ms". */
    String config();

    /**
     * Whether this is the baseline (keepalived): a run of it that does not settle is a finding to report, not a
     * failure of the harness (its exit status and CI judge netctl and OVN, not the baseline).
     */
    default boolean baseline() {
        return false;
    }

    /** The phases {@link #awaitPhases} stamps, in order. */
    List<String> phases();

    /** Programs lr0's path to the destination and starts the daemons; returns once traffic can flow. */
    void start(Topology t) throws IOException, InterruptedException;

    /** The gateway that carries traffic now (the one to fault). */
    Topology.Gateway victim();

    /** The PIDs that {@link Fault#KILL} kills on the victim. */
    List<Long> victimPids();

    /** After a fault at {@code faultUs} (epoch µs): the epoch-µs time of each phase, waiting up to {@code timeout}. */
    Map<String, Long> awaitPhases(long faultUs, Duration timeout) throws InterruptedException;

    /** After the fault is undone: restarts what {@link Fault#KILL} killed. */
    void restart() throws IOException;

    /** Waits until the system is back in its steady state (the victim carrying traffic again, if it preempts). */
    void awaitReady(Duration timeout) throws InterruptedException;

    /** The gateway ids (last octets) the probes should see in the steady state. */
    int[] steadyGateways();

    /** A note for the report after the configuration's runs (e.g. BFD state changes not caused by a fault), or null. */
    default String summary() {
        return null;
    }

    @Override
    void close();
}
