package io.netctl.perf.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Reference values from SciPy 1.17 ({@code scipy.stats.norm.sf}, {@code mannwhitneyu(method="asymptotic")}). */
class StatsTest {
    private static final double[] X = {1.1, 2.2, 2.2, 3.5, 4.0, 5.5, 6.1};
    private static final double[] Y = {2.2, 3.0, 4.4, 5.0, 6.6, 7.2, 8.1, 9.0};

    @Test
    void normalTailMatchesReferenceOnBothSidesOfTheSeriesToFractionSwitch() {
        assertThat(Stats.normalUpperTail(0)).isEqualTo(0.5);
        assertThat(Stats.normalUpperTail(1)).isCloseTo(0.15865525393145707, withinPercentage(1e-10));
        assertThat(Stats.normalUpperTail(1.959963984540054)).isCloseTo(0.025, withinPercentage(1e-10));
        assertThat(Stats.normalUpperTail(2.5)).isCloseTo(0.006209665325776132, withinPercentage(1e-10));
        assertThat(Stats.normalUpperTail(2.9999)).isCloseTo(0.001350341282954925, withinPercentage(1e-9));
        assertThat(Stats.normalUpperTail(3)).isCloseTo(0.0013498980316300933, withinPercentage(1e-9));
        assertThat(Stats.normalUpperTail(3.0001)).isCloseTo(0.0013494549132607172, withinPercentage(1e-9));
        assertThat(Stats.normalUpperTail(3.5)).isCloseTo(0.00023262907903552502, withinPercentage(1e-9));
        assertThat(Stats.normalUpperTail(5)).isCloseTo(2.866515718791933e-07, withinPercentage(1e-9));
        assertThat(Stats.normalUpperTail(8)).isCloseTo(6.22096057427174e-16, withinPercentage(1e-9));
        assertThat(Stats.normalUpperTail(-1)).isCloseTo(0.8413447460685429, withinPercentage(1e-10));
    }

    @Test
    void normalQuantileInvertsTheTail() {
        assertThat(Stats.normalQuantile(0.975)).isCloseTo(1.959963984540054, offset(1e-9));
        assertThat(Stats.normalQuantile(0.5)).isCloseTo(0, offset(1e-12));
        assertThat(Stats.normalQuantile(0.0013498980316300933)).isCloseTo(-3, offset(1e-9));
    }

    @Test
    void mannWhitneyWithTiesMatchesScipy() {
        Stats.MannWhitney r = Stats.mannWhitney(X, Y);
        assertThat(r.u1()).isEqualTo(13.0);
        assertThat(r.p()).isCloseTo(0.09216731804467376, withinPercentage(1e-8));
        assertThat(r.z()).isNegative(); // x tends to be smaller
        assertThat(r.probabilityXGreater()).isCloseTo(13.0 / 56, offset(1e-12));
    }

    @Test
    void mannWhitneyIsSymmetricAndSeesAClearShift() {
        Stats.MannWhitney xy = Stats.mannWhitney(X, Y);
        Stats.MannWhitney yx = Stats.mannWhitney(Y, X);
        assertThat(yx.u1()).isEqualTo(56 - 13.0);
        assertThat(yx.p()).isCloseTo(xy.p(), offset(1e-15));
        assertThat(yx.z()).isCloseTo(-xy.z(), offset(1e-12));

        Stats.MannWhitney separated = Stats.mannWhitney(new double[] {5, 6, 7}, new double[] {1, 2, 3});
        assertThat(separated.u1()).isEqualTo(9.0);
        assertThat(separated.p()).isCloseTo(0.08085559837005224, withinPercentage(1e-8));
    }

    @Test
    void identicalSamplesGiveNoEvidence() {
        double[] same = {3, 3, 3, 3};
        assertThat(Stats.mannWhitney(same, same).p()).isEqualTo(1.0);
        double[] a = {1, 2, 3, 4, 5};
        assertThat(Stats.mannWhitney(a, a.clone()).p()).isEqualTo(1.0);
    }

    @Test
    void largeSamplesFromOneDistributionRarelyRejectAndShiftedOnesAlways() {
        SplittableRandom random = new SplittableRandom(42);
        int rejections = 0;
        for (int trial = 0; trial < 200; trial++) {
            double[] a = uniform(random, 200, 0);
            double[] b = uniform(random, 200, 0);
            if (Stats.mannWhitney(a, b).p() < 0.05) {
                rejections++;
            }
        }
        assertThat(rejections).isBetween(2, 25); // about 5 % of 200 under the null
        double[] a = uniform(random, 200, 0);
        double[] b = uniform(random, 200, 10); // shifted by a fifth of the spread
        Stats.MannWhitney r = Stats.mannWhitney(b, a);
        assertThat(r.p()).isLessThan(1e-3);
        assertThat(r.z()).isPositive();
    }

    @Test
    void hodgesLehmannIsTheMedianPairwiseDifferenceWithMosesInterval() {
        Stats.Estimate e = Stats.hodgesLehmann(X, Y, 0.95);
        assertThat(e.value()).isCloseTo(-2.2, offset(1e-12));
        // C = floor(56/2 - 1.96 * sqrt(7*8*16/12)) = 11: the 11th smallest and the 11th largest difference.
        assertThat(e.low()).isCloseTo(-5.0, offset(1e-12));
        assertThat(e.high()).isCloseTo(0.5, offset(1e-12));
    }

    @Test
    void hodgesLehmannRecoversAKnownShift() {
        SplittableRandom random = new SplittableRandom(7);
        double[] a = uniform(random, 200, 0);
        double[] b = uniform(random, 200, 4);
        Stats.Estimate e = Stats.hodgesLehmann(b, a, 0.95);
        assertThat(e.low()).isLessThan(4).isLessThan(e.value());
        assertThat(e.high()).isGreaterThan(4).isGreaterThan(e.value());
        assertThat(e.high() - e.low()).isLessThan(20);
    }

    @Test
    void bootstrapIsReproducibleAndBracketsTheMedianDifference() {
        SplittableRandom random = new SplittableRandom(3);
        double[] a = uniform(random, 150, 0);
        double[] b = uniform(random, 150, 5);
        Stats.Estimate e1 = Stats.bootstrapMedianDifference(b, a, 0.95, 2000, 99);
        Stats.Estimate e2 = Stats.bootstrapMedianDifference(b, a, 0.95, 2000, 99);
        assertThat(e1).isEqualTo(e2);
        assertThat(e1.value()).isCloseTo(Stats.median(b) - Stats.median(a), offset(1e-12));
        assertThat(e1.low()).isLessThan(e1.value());
        assertThat(e1.high()).isGreaterThan(e1.value());
    }

    @Test
    void quantilesInterpolateLikeNumpy() {
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[] {5, 1, 3})).isEqualTo(3.0);
        assertThat(Stats.quantile(new double[] {1, 2, 3, 4, 5}, 0.99)).isCloseTo(4.96, offset(1e-12));
        assertThat(Stats.mean(new double[] {1, 2, 6})).isEqualTo(3.0);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Stats.median(new double[0])).hasMessageContaining("values: empty");
        assertThatThrownBy(() -> Stats.mannWhitney(new double[0], X)).hasMessageContaining("samples: 0 and 7");
        assertThatThrownBy(() -> Stats.hodgesLehmann(X, Y, 1.5)).hasMessageContaining("confidence: 1.5");
        assertThatThrownBy(() -> Stats.bootstrapMedianDifference(X, Y, 0.95, 10, 1))
                .hasMessageContaining("resamples: 10");
    }

    /** Uniform on [shift, shift + 50): the spread of a packet's age at 50 ms intervals. */
    private static double[] uniform(SplittableRandom random, int n, double shift) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = shift + 50 * random.nextDouble();
        }
        return v;
    }
}
