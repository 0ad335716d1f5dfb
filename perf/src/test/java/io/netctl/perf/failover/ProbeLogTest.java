package io.netctl.perf.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeLogTest {
    /** Probes every 1,000 µs from t = 0; gateway ids from {@code pattern}: digits, '0' = lost. */
    static ProbeLog log(String pattern) {
        ProbeLog l = new ProbeLog();
        for (int i = 0; i < pattern.length(); i++) {
            int g = pattern.charAt(i) - '0';
            l.add(i * 1000L, g == 0 ? 0 : 10 + g);
        }
        return l;
    }

    @Test
    void recoveryStartsWithTheFirstRunOfSuccesses() {
        ProbeLog l = log("1111" + "1010" + "0022" + "2222");
        ProbeLog.Window w = l.window(4000, 15_000, 3);
        assertThat(w.sent()).isEqualTo(12);
        assertThat(w.lost()).isEqualTo(4);
        assertThat(w.recoveredUs()).isEqualTo(10_000 - 4000);
        assertThat(w.resumed()).isTrue();
    }

    @Test
    void noLossMeansNoOutage() {
        ProbeLog.Window w = log("11112222").window(2000, 8000, 3);
        assertThat(w.lost()).isZero();
        assertThat(w.recoveredUs()).isZero();
        assertThat(w.resumed()).isTrue();
    }

    @Test
    void aStreamThatEndsLostNeverResumed() {
        ProbeLog.Window w = log("1111" + "0000" + "22").window(4000, 100_000, 3);
        assertThat(w.lost()).isEqualTo(4);
        assertThat(w.resumed()).isFalse();
        assertThat(w.recoveredUs()).isEqualTo(-1);
    }

    @Test
    void lossesBeforeTheFaultDoNotCount() {
        ProbeLog.Window w = log("0011" + "1111").window(4000, 8000, 3);
        assertThat(w.lost()).isZero();
    }

    @Test
    void activeActiveSuccessesDuringTheOutageAreNotARecovery() {
        // gw1 black-holed: every third probe lost until the nexthop is withdrawn, then gw2 and gw3 only.
        ProbeLog.Window w = log("1231" + "023023023023" + "23232323").window(4000, 100_000, 5);
        assertThat(w.lost()).isEqualTo(4);
        assertThat(w.recoveredUs()).isEqualTo(14_000 - 4000); // the run begins right after the last loss
    }

    @Test
    void aStrayLossAfterRecoveryDoesNotMoveIt() {
        ProbeLog.Window w = log("1111" + "00" + "222222" + "0" + "2222").window(4000, 100_000, 4);
        assertThat(w.lost()).isEqualTo(2);
        assertThat(w.recoveredUs()).isEqualTo(6000 - 4000);
        assertThat(w.resumed()).isTrue();
    }

    @Test
    void steadyNeedsTheWholeSpanGoodAndCoveredThroughTheGivenGateways() {
        assertThat(log("0011111").steady(3000)).isTrue();
        assertThat(log("0011111").steady(5000)).isFalse(); // the loss at 1 ms is inside the span
        assertThat(log("1111").steady(10_000)).isFalse(); // the span reaches before the first probe
        assertThat(log("2211111").steady(3000, 11)).isTrue();
        assertThat(log("2211111").steady(3000, 12)).isFalse();
        assertThat(new ProbeLog().steady(1000)).isFalse();
    }

    @Test
    void sharePerGateway() {
        assertThat(log("1231230").perGateway(0, 6000)).isEqualTo(Map.of(0, 1, 11, 2, 12, 2, 13, 2));
        assertThat(log("1231230").perGateway(3000, 4000)).isEqualTo(Map.of(11, 1, 12, 1));
    }

    @Test
    void resultsMustComeInSendOrder() {
        ProbeLog l = log("11");
        assertThatThrownBy(() -> l.add(500, 11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of send order");
    }

    @Test
    void growsPastItsInitialCapacity() {
        ProbeLog l = new ProbeLog();
        for (int i = 0; i < 200_000; i++) {
            l.add(i, i % 2 == 0 ? 11 : 12);
        }
        assertThat(l.perGateway(0, 199_999)).isEqualTo(Map.of(11, 100_000, 12, 100_000));
    }
}
