package io.netctl.perf.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failover harness's quick mode, as CI runs it: the real OVN data plane, keepalived at advert 0.1 s and netctl's
 * egress gateway at BFD 100×3 and 50×3 ms with each fault once, and the active-active ECMP pass. Fails when a fault
 * never recovered, when the probe stream never resumed, or when a phase is missing from the report.
 */
class FailoverQuickIT {
    @TempDir
    Path out;

    @Test
    void quickModeRecoversFromEveryFault() throws Exception {
        Report r = FailoverHarness.run(FailoverHarness.Options.quick(out));
        assertThat(r.failures).as("runs that never recovered").isEmpty();
        for (Fault f : Fault.values()) {
            for (String phase : new String[] {KeepalivedSystem.VIP_ON_BACKUP, Report.PROBES_OK, Report.LOST}) {
                Histogram h = r.rows().get(new Report.Key("keepalived", "advert 0.1 s", f.label, phase));
                assertThat(h).as("%s / %s", f.label, phase).isNotNull();
                assertThat(h.getTotalCount()).isEqualTo(1);
            }
            long detect = r.rows().get(new Report.Key("keepalived", "advert 0.1 s", f.label,
                    KeepalivedSystem.VIP_ON_BACKUP)).getMaxValue();
            // VRRP at 0.1 s: the backup waits 3 adverts plus its skew before it takes over.
            assertThat(detect).as("%s: fault -> VIP on backup (µs)", f.label).isBetween(150_000L, 5_000_000L);
        }
        // Only a gateway that really stops forwarding costs probes; kill -9 of keepalived leaves the kernel routing.
        assertThat(r.rows().get(new Report.Key("keepalived", "advert 0.1 s", Fault.LINK.label, Report.LOST))
                .getMaxValue()).isPositive();
        for (int ms : new int[] {100, 50}) {
            String config = "BFD " + ms + "×3 ms";
            for (Fault f : Fault.values()) {
                for (String phase : new String[] {NetctlSystem.BFD_DOWN, NetctlSystem.NB_COMMIT, Report.PROBES_OK,
                        Report.LOST}) {
                    Histogram h = r.rows().get(new Report.Key("netctl", config, f.label, phase));
                    assertThat(h).as("netctl %s %s / %s", config, f.label, phase).isNotNull();
                    assertThat(h.getTotalCount()).isEqualTo(1);
                }
                // Detection, not some slower mechanism, withdrew the nexthop (3 intervals; the slack is a loaded
                // machine's). No lower bound: the fault time is taken when the fault command has returned, and a
                // link can go down well before 'ip' returns.
                long down = r.rows().get(new Report.Key("netctl", config, f.label, NetctlSystem.BFD_DOWN))
                        .getMaxValue();
                long commit = r.rows().get(new Report.Key("netctl", config, f.label, NetctlSystem.NB_COMMIT))
                        .getMaxValue();
                assertThat(down).as("netctl %s %s: fault -> BFD Down (µs)", config, f.label)
                        .isBetween(1L, 3_000L * ms + 1_000_000L);
                // the monitor stamps in whole milliseconds
                assertThat(commit).as("netctl %s %s: fault -> NB commit (µs), after the Down", config, f.label)
                        .isGreaterThanOrEqualTo(down - 2_000L);
            }
            assertThat(r.notes).anySatisfy(n -> assertThat(n).contains("Active-active (netctl " + config));
        }
        assertThat(r.notes).anySatisfy(n -> assertThat(n).contains("Active-active").contains("gw1").contains("gw3"));
        assertThat(Files.readString(out.resolve("failover.md"))).contains("| keepalived | advert 0.1 s | link down |")
                .contains("| netctl | BFD 50×3 ms | link down |");
        assertThat(Files.readString(out.resolve("failover.csv"))).startsWith("system,config,fault,phase");
        assertThat(Files.readString(out.resolve("failover.svg"))).startsWith("<svg").contains("vip-on-backup");
    }
}
