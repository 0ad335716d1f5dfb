package io.netctl.perf.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Egress with real packets: {@code netctl egress run} (in the controller namespace on the transit switch) programs an
 * EgressGateway with instances gw1 and gw2 (FRR bfdd, BFD 50×3 ms) on the failover topology's OVN data plane. The
 * selected pod's new TCP connections to the external address leave through gw1 and gw2 (ECMP), never gw3; the
 * unselected pod's take lr0's own route through gw3 and never the instances. gw1 is black-holed with nftables: BFD
 * goes Down, the NB commit withdraws gw1, and the selected pod's traffic continues through gw2 while the unselected
 * pod's is untouched; once the fault is undone gw1 carries traffic again (after the hold-down).
 */
class EgressDataplaneIT {
    static final Duration STEADY = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void selectedTrafficLeavesThroughTheGatewaysAndFailsOverToASurvivor() throws Exception {
        try (Topology topo = new Topology(dir.resolve("ovn"), 3)) {
            String otherNs = topo.ovn.addPort("other.probe", "0a:00:00:00:00:14", Topology.OTHER_IP + "/24",
                    "10.0.0.1", "pods").netns();
            try (NetctlSystem sys = new NetctlSystem(50, List.of(1, 2), 300, dir.resolve("netctl"), "probe");
                    Shell sh = new Shell()) {
                sys.start(topo);
                int gw1 = topo.gateway(1).id();
                int gw2 = topo.gateway(2).id();
                int gw3 = topo.gateway(3).id();
                try (ProbeStream selected = new ProbeStream(topo.clientNs, Topology.DEST_IP, Topology.DEST_PORT, 2000,
                        250);
                        ProbeStream other = new ProbeStream(otherNs, Topology.DEST_IP, Topology.DEST_PORT, 5000,
                                250)) {
                    assertThat(selected.awaitSteady(STEADY, Duration.ofSeconds(30), gw1, gw2))
                            .as("the selected pod's probes all succeed through gw1 or gw2").isTrue();
                    assertThat(other.awaitSteady(STEADY, Duration.ofSeconds(30), gw3))
                            .as("the unselected pod's probes all succeed through gw3 (lr0's route)").isTrue();
                    // both instances carry the selected pod's flows
                    TreeMap<Integer, Integer> share = seen(selected, Duration.ofMillis(600));
                    assertThat(share).as("selected: probes per gateway").containsKeys(gw1, gw2)
                            .doesNotContainKey(gw3);
                    assertThat(seen(other, Duration.ofMillis(300))).as("unselected: probes per gateway")
                            .containsKey(gw3).doesNotContainKeys(gw1, gw2);

                    long fault = Fault.NFT.inject(sh, topo.gateway(1), List.of());
                    Map<String, Long> phases = sys.awaitPhases(fault, Duration.ofSeconds(10));
                    assertThat(phases).as("BFD Down and the NB commit withdrawing gw1")
                            .containsKeys(NetctlSystem.BFD_DOWN, NetctlSystem.NB_COMMIT);
                    assertThat(selected.awaitSteady(STEADY, Duration.ofSeconds(10), gw2))
                            .as("after gw1 failed, the selected pod's probes all succeed through gw2").isTrue();
                    long now = FailoverHarness.nowUs();
                    ProbeLog.Window w = selected.window(fault, now, FailoverHarness.RECOVERED_RUN);
                    assertThat(w.resumed()).as("the selected stream resumed").isTrue();
                    assertThat(selected.perGateway(fault, now)).as("nothing went through black-holed gw1")
                            .doesNotContainKey(gw1);
                    assertThat(other.awaitSteady(STEADY, Duration.ofSeconds(10), gw3)).isTrue();
                    assertThat(other.perGateway(fault, now)).as("the unselected pod never used an instance")
                            .doesNotContainKeys(gw1, gw2);

                    Fault.NFT.restore(topo, topo.gateway(1));
                    sys.awaitReady(Duration.ofSeconds(20));
                    assertThat(selected.awaitSteady(STEADY, Duration.ofSeconds(10), gw1, gw2)).isTrue();
                    assertThat(seen(selected, Duration.ofMillis(600))).as("gw1 carries traffic again")
                            .containsKeys(gw1, gw2);
                    assertThat(sys.bfdEvents()).as("gw1 went Down and came back Up").anySatisfy(e -> {
                        assertThat(e.peer()).isEqualTo(topo.gateway(1).insideIp());
                        assertThat(e.to()).isEqualTo("Up");
                        assertThat(e.us()).isGreaterThan(fault);
                    });
                }
                assertThat(sys.agentAlive()).as("netctl egress run is still running").isTrue();
            }
        }
    }

    /** The probes (per gateway, 0 = lost) sent during the next {@code span}. */
    private static TreeMap<Integer, Integer> seen(ProbeStream s, Duration span) throws InterruptedException {
        long from = FailoverHarness.nowUs();
        long to = from + span.toNanos() / 1000;
        s.awaitResolved(to, Duration.ofSeconds(10));
        return s.perGateway(from, to);
    }
}
