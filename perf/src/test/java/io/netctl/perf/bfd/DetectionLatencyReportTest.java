package io.netctl.perf.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionLatencyReportTest {
    private static final long T0_US = 1_795_757_000_000_000L;

    @Test
    void sampleSplitsLatencyIntoAgeAndEffectiveDetection() {
        long fault = T0_US;
        long[] rx = {(fault - 60_000) * 1000, (fault - 21_500) * 1000 + 250, (fault + 500_000) * 1000};
        DetectionLatency.Sample s = DetectionLatency.sample(fault, fault + 128_700, rx);

        assertThat(s.latencyMs()).isCloseTo(128.7, offset(1e-9));
        assertThat(s.ageMs()).isCloseTo(21.49975, offset(1e-9));
        assertThat(s.effectiveMs()).isCloseTo(150.19975, offset(1e-9));
        assertThat(s.effectiveMs() - s.ageMs()).isCloseTo(s.latencyMs(), offset(1e-9)); // latency = eff - age
        assertThat(s.afterFault()).isZero();
    }

    @Test
    void aPacketAfterTheFaultStampHasANegativeAgeAndIsCounted() {
        long fault = T0_US;
        long[] rx = {(fault - 30_000) * 1000, (fault + 40) * 1000};
        DetectionLatency.Sample s = DetectionLatency.sample(fault, fault + 150_100, rx);
        assertThat(s.ageMs()).isCloseTo(-0.04, offset(1e-9));
        assertThat(s.afterFault()).isEqualTo(1);
    }

    @Test
    void withoutCaptureOrWithAGapThereIsNoDecomposition() {
        assertThat(DetectionLatency.sample(T0_US, T0_US + 100_000, null).decomposed()).isFalse();
        long[] stale = {(T0_US - 5_000_000) * 1000};
        assertThat(DetectionLatency.sample(T0_US, T0_US + 100_000, stale).decomposed()).isFalse();
    }

    @Test
    void csvRowHasEveryColumn() {
        DetectionLatency.Rep rep = new DetectionLatency.Rep(50, 7, T0_US, T0_US + 30, T0_US + 128_000, T0_US + 125_000);
        long[] rx = {(T0_US - 20_000) * 1000};
        String row = DetectionLatency.csvRow(50, rep, "netctl", DetectionLatency.sample(T0_US, T0_US + 128_000, rx));
        assertThat(row).isEqualTo("50,3,7,netctl," + T0_US + "," + (T0_US + 30) + "," + (T0_US + 128_000)
                + ",128.000," + (T0_US - 20_000) + ",20.000,148.000,0");
        assertThat(row.split(",", -1)).hasSameSizeAs(DetectionLatency.CSV_HEADER.split(","));
    }

    @Test
    void reportShowsDistributionDecompositionAndTheTest() {
        List<DetectionLatency.Sample> ours = new ArrayList<>();
        List<DetectionLatency.Sample> frr = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long fault = T0_US + i * 1_000_000L;
            double age = 1 + i; // 1 .. 40 ms
            long lastRx = (long) ((fault - age * 1000) * 1000);
            ours.add(new DetectionLatency.Sample(fault, lastRx / 1000 + 150_200, lastRx, 0));
            frr.add(new DetectionLatency.Sample(fault, lastRx / 1000 + 150_100, lastRx, 0));
        }
        String r = DetectionLatency.report(50, ours, frr);
        assertThat(r).contains("50x3    netctl     40")
                .contains("eff p50")
                .contains("Mann-Whitney U")
                .contains("netctl p99 <= 155 ms: true");
        // 0.1 ms later on every repetition, with ages spread over 40 ms: the test must not call that significant.
        assertThat(r).contains("median netctl <= frr: no, but within noise");
    }
}
