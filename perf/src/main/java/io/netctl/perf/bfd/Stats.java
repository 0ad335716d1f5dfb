package io.netctl.perf.bfd;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Two-sample statistics for {@link DetectionLatency}: is one detector's latency distribution shifted against the
 * other's, and by how much? Pure functions over {@code double[]}, no dependency.
 *
 * <ul>
 *   <li>{@link #mannWhitney}: the Mann–Whitney U (Wilcoxon rank-sum) test, average ranks for ties, the normal
 *       approximation with the tie-corrected variance and a continuity correction, two-sided p value (what R's
 *       {@code wilcox.test(x, y, exact = FALSE, correct = TRUE)} and SciPy's
 *       {@code mannwhitneyu(x, y, method="asymptotic")} report).</li>
 *   <li>{@link #hodgesLehmann}: the Hodges–Lehmann shift (the median of all n·m differences x − y) with its
 *       distribution-free confidence interval (Moses: order statistics of the differences, rank from the normal
 *       approximation of U).</li>
 *   <li>{@link #bootstrapMedianDifference}: median(x) − median(y) with a percentile bootstrap interval.</li>
 * </ul>
 */
public final class Stats {
    private Stats() {
    }

    /** Result of {@link #mannWhitney}: U of the first sample, the z score (continuity-corrected) and p. */
    public record MannWhitney(int n1, int n2, double u1, double z, double p) {
        /** The probability that a value of x exceeds one of y (ties count half): U1 / (n1·n2). */
        public double probabilityXGreater() {
            return u1 / ((double) n1 * n2);
        }
    }

    /** A point estimate with a two-sided confidence interval. */
    public record Estimate(double value, double low, double high, double confidence) {
    }

    /** The median (mean of the two middle values for an even count). */
    public static double median(double[] values) {
        return quantile(values, 0.5);
    }

    /**
     * The {@code q} quantile by linear interpolation between order statistics (R's type 7, NumPy's default), so the
     * median of an even count is the mean of the two middle values.
     */
    public static double quantile(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("values: empty (expected: at least one)");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q: " + q + " (expected: 0 <= q <= 1)");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return sortedQuantile(s, q);
    }

    private static double sortedQuantile(double[] s, double q) {
        double h = (s.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }

    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /**
     * The Mann–Whitney U test of x against y, two-sided, normal approximation with tie correction and continuity
     * correction. A small p says the two distributions differ in location (one tends to be larger).
     */
    public static MannWhitney mannWhitney(double[] x, double[] y) {
        int n1 = x.length;
        int n2 = y.length;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("samples: " + n1 + " and " + n2 + " values (expected: both non-empty)");
        }
        int n = n1 + n2;
        double[] all = new double[n];
        int[] from = new int[n]; // index into all, sorted by value
        System.arraycopy(x, 0, all, 0, n1);
        System.arraycopy(y, 0, all, n1, n2);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        for (int i = 0; i < n; i++) {
            from[i] = order[i];
        }
        double rankSumX = 0;
        double tieTerm = 0; // sum over tie groups of t^3 - t
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && all[from[j + 1]] == all[from[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (from[k] < n1) {
                    rankSumX += avgRank;
                }
            }
            double t = j - i + 1;
            tieTerm += t * t * t - t;
            i = j + 1;
        }
        double u1 = rankSumX - n1 * (n1 + 1) / 2.0;
        double meanU = n1 * (double) n2 / 2.0;
        double varU = n1 * (double) n2 / 12.0 * ((n + 1) - tieTerm / ((double) n * (n - 1)));
        if (varU <= 0) {
            return new MannWhitney(n1, n2, u1, 0, 1); // every value equal: no evidence either way
        }
        double d = u1 - meanU;
        double corrected = Math.signum(d) * Math.max(0, Math.abs(d) - 0.5);
        double z = corrected / Math.sqrt(varU);
        double p = Math.min(1, 2 * normalUpperTail(Math.abs(z)));
        return new MannWhitney(n1, n2, u1, z, p);
    }

    /**
     * The Hodges–Lehmann estimate of the shift x − y (the median of all pairwise differences) and its
     * distribution-free confidence interval: with C = n1·n2/2 − z·sqrt(n1·n2·(n1+n2+1)/12) rounded down, the
     * interval runs from the C-th smallest to the C-th largest difference (1-based; C at least 1).
     */
    public static Estimate hodgesLehmann(double[] x, double[] y, double confidence) {
        checkConfidence(confidence);
        int n1 = x.length;
        int n2 = y.length;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("samples: " + n1 + " and " + n2 + " values (expected: both non-empty)");
        }
        double[] diffs = new double[n1 * n2];
        int k = 0;
        for (double a : x) {
            for (double b : y) {
                diffs[k++] = a - b;
            }
        }
        Arrays.sort(diffs);
        double z = normalQuantile(1 - (1 - confidence) / 2);
        long m = diffs.length;
        double c = m / 2.0 - z * Math.sqrt(n1 * (double) n2 * (n1 + n2 + 1) / 12.0);
        int ci = (int) Math.max(1, Math.floor(c));
        ci = (int) Math.min(ci, m);
        return new Estimate(sortedQuantile(diffs, 0.5), diffs[ci - 1], diffs[(int) (m - ci)], confidence);
    }

    /**
     * median(x) − median(y) with a percentile bootstrap interval: both samples are resampled with replacement
     * {@code resamples} times from a seeded generator, so a run is reproducible.
     */
    public static Estimate bootstrapMedianDifference(double[] x, double[] y, double confidence, int resamples,
                                                     long seed) {
        checkConfidence(confidence);
        if (resamples < 100) {
            throw new IllegalArgumentException("resamples: " + resamples + " (expected: >= 100)");
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] bx = new double[x.length];
        double[] by = new double[y.length];
        double[] diffs = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < bx.length; i++) {
                bx[i] = x[random.nextInt(x.length)];
            }
            for (int i = 0; i < by.length; i++) {
                by[i] = y[random.nextInt(y.length)];
            }
            Arrays.sort(bx);
            Arrays.sort(by);
            diffs[r] = sortedQuantile(bx, 0.5) - sortedQuantile(by, 0.5);
        }
        Arrays.sort(diffs);
        double alpha = (1 - confidence) / 2;
        return new Estimate(median(x) - median(y), sortedQuantile(diffs, alpha), sortedQuantile(diffs, 1 - alpha),
                confidence);
    }

    private static void checkConfidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence: " + confidence + " (expected: 0 < confidence < 1)");
        }
    }

    /**
     * P(Z > z) for a standard normal Z, accurate to about 1e-14 relative: a Taylor series of the CDF for
     * |z| < 3 and a continued fraction of the tail beyond.
     */
    public static double normalUpperTail(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        if (z < 0) {
            return 1 - normalUpperTail(-z);
        }
        double density = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
        if (z < 3) {
            // Phi(z) = 1/2 + density * (z + z^3/3 + z^5/(3*5) + ...)
            double term = z;
            double sum = z;
            for (int k = 1; k < 500 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
                term *= z * z / (2 * k + 1);
                sum += term;
            }
            return 0.5 - density * sum;
        }
        if (z > 40) {
            return 0;
        }
        // Q(z) = density / (z + 1/(z + 2/(z + 3/(z + ...)))), evaluated from a deep enough level upwards.
        double f = z;
        for (int k = 200; k >= 1; k--) {
            f = z + k / f;
        }
        return density / f;
    }

    /** The z with P(Z <= z) = p, by bisection on {@link #normalUpperTail} (only used for a few interval ranks). */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p: " + p + " (expected: 0 < p < 1)");
        }
        double lo = -40;
        double hi = 40;
        for (int i = 0; i < 200 && hi - lo > 1e-13; i++) {
            double mid = (lo + hi) / 2;
            if (1 - normalUpperTail(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
