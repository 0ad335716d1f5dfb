package io.netctl.perf.failover;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/** The three ways the harness breaks a gateway, and how it mends it. */
enum Fault {
    /** {@code kill -9} of the gateway's processes (its VRRP or BFD daemon): the kernel keeps forwarding. */
    KILL("kill -9"),
    /** The gateway's link to br-int set down (its OVS end loses carrier too). */
    LINK("link down"),
    /** Every packet in and out of the gateway dropped with nftables (a black hole). */
    NFT("nftables drop");

    final String label;

    Fault(String label) {
        this.label = label;
    }

    static final String TABLE = "failover_fault";

    /** Injects the fault; returns its time (epoch µs, taken when the command had returned). */
    long inject(Shell sh, Topology.Gateway g, List<Long> pids) throws IOException {
        return switch (this) {
            case KILL -> {
                if (pids.isEmpty()) {
                    throw new IllegalStateException("kill -9: no process to kill on " + g.name());
                }
                yield sh.timed("kill -9 " + pids.stream().map(String::valueOf).collect(Collectors.joining(" ")));
            }
            case LINK -> sh.timed("ip -n " + g.netns() + " link set eth0 down");
            case NFT -> sh.timed("ip netns exec " + g.netns() + " nft 'add table inet " + TABLE + "; add chain inet "
                    + TABLE + " c_in { type filter hook input priority -300; policy drop; }; add chain inet " + TABLE
                    + " c_fwd { type filter hook forward priority -300; policy drop; }; add chain inet " + TABLE
                    + " c_out { type filter hook output priority -300; policy drop; }'");
        };
    }

    /** Undoes the fault (KILL: the system restarts its processes itself). */
    void restore(Topology t, Topology.Gateway g) {
        switch (this) {
            case KILL -> {
            }
            case LINK -> {
                Shell.run("ip", "-n", g.netns(), "link", "set", "eth0", "up");
                t.restoreRoutes(g);
            }
            case NFT -> Shell.run("ip", "netns", "exec", g.netns(), "nft", "delete table inet " + TABLE);
        }
    }
}
