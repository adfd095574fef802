package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * The drift statistics, computed from two {@link ColumnDistribution}s. Pure functions; thread-safe.
 *
 * <p><b>Binning</b> for PSI, KL, Jensen-Shannon and Hellinger follows Evidently: a numeric column with more than 20
 * distinct values in the reference is cut into equal-width bins over the range of reference and current together, their
 * number given by Sturges' rule ({@code ceil(log2(n) + 1)}, n = values of both sides); any other column uses the share of
 * each value (category). Shares are counts over non-missing values. PSI and KL replace a zero share with
 * {@code min(smallest non-zero share of that side, 0.0001)}; Jensen-Shannon and Hellinger use the shares as they are.
 * From a sketch, each bucket's count falls in the bin of its midpoint, so only values within 0.39% of a bin edge can
 * land in the neighbouring bin.
 *
 * <p><b>p-values.</b> KS is exact (lattice-path count) when {@code n * m <= 10^7}, otherwise the asymptotic Kolmogorov
 * distribution of {@code D * sqrt(nm / (n + m))}. Mann-Whitney uses the normal approximation with tie and continuity
 * corrections; Cramer-von Mises its asymptotic distribution (Anderson 1962, Csorgo and Faraway 1996); Anderson-Darling
 * interpolates Scholz and Stephens' (1987) critical values and is clipped to [0.001, 0.25]. Chi-square and Z use the
 * chi-square and normal distributions. Exact small-sample variants are not used for Mann-Whitney and Cramer-von Mises.
 */
public final class DriftStatistics {
    static final double ZERO_SHARE_FLOOR = 0.0001;
    static final long KS_EXACT_LIMIT = 10_000_000L;
    private static final double[] AD_SIGNIFICANCE = {0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001};
    private static final double[] AD_B0 = {0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085};
    private static final double[] AD_B1 = {-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615};
    private static final double[] AD_B2 = {-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154};

    private DriftStatistics() {}

    /**
     * Runs one drift test.
     *
     * @throws SlipwayException if the method does not apply to the column's type (e.g. KS on a categorical column), or
     *     the two sides have different types
     */
    public static DriftResult test(DriftMethod method, String column, ColumnDistribution reference, ColumnDistribution current, double threshold) {
        requireNonNull(method, "method is null");
        requireNonNull(column, "column is null");
        requireNonNull(reference, "reference is null");
        requireNonNull(current, "current is null");
        if (reference.type() != current.type()) {
            throw SlipwayException.invalidParameter("Column '%s' is %s in the reference but %s in the current data", column, reference.type(), current.type());
        }
        if (!method.supports(reference.type())) {
            throw SlipwayException.invalidParameter("Drift method '%s' does not apply to %s column '%s'", method.wireName(), reference.type(), column);
        }
        if (reference.count() == 0) {
            return DriftResult.notEnoughData(column, method, threshold, reference.rows() == 0 ? "reference is empty" : "reference values are all missing");
        }
        if (current.count() == 0) {
            return DriftResult.notEnoughData(column, method, threshold, current.rows() == 0 ? "current window is empty" : "current values are all missing");
        }
        Outcome outcome = switch (method) {
            case KS -> ks(numeric(reference), numeric(current));
            case CHI_SQUARE -> chiSquare(categorical(reference), categorical(current));
            case Z -> zTest(categorical(reference), categorical(current));
            case WASSERSTEIN -> wasserstein(numeric(reference), numeric(current));
            case JENSEN_SHANNON -> Outcome.of(jensenShannon(binned(reference, current, false)));
            case PSI -> Outcome.of(psi(binned(reference, current, true)));
            case KL_DIV -> Outcome.of(klDivergence(binned(reference, current, true)));
            case HELLINGER -> Outcome.of(hellinger(binned(reference, current, false)));
            case ANDERSON -> anderson(numeric(reference), numeric(current));
            case CRAMER_VON_MISES -> cramerVonMises(numeric(reference), numeric(current));
            case MANN_WHITNEY -> mannWhitney(numeric(reference), numeric(current));
            case ENERGY_DISTANCE -> Outcome.of(energyDistance(numeric(reference).values(), numeric(current).values()));
        };
        return outcome.notEnoughData() == null
                ? DriftResult.scored(column, method, outcome.score(), threshold)
                : DriftResult.notEnoughData(column, method, threshold, outcome.notEnoughData());
    }

    private record Outcome(double score, String notEnoughData) {
        static Outcome of(double score) {
            return new Outcome(score, null);
        }

        static Outcome insufficient(String reason) {
            return new Outcome(Double.NaN, reason);
        }
    }

    private static ColumnDistribution.Numeric numeric(ColumnDistribution distribution) {
        return (ColumnDistribution.Numeric) distribution;
    }

    private static ColumnDistribution.Categorical categorical(ColumnDistribution distribution) {
        if (distribution instanceof ColumnDistribution.Numeric numeric) {
            return numeric.asCategorical();
        }
        return (ColumnDistribution.Categorical) distribution;
    }

    // ---- numeric: the pooled grid of distinct values ----

    /** Distinct values of both sides, ascending, with each side's count at each value. */
    record Pooled(double[] values, long[] referenceCounts, long[] currentCounts, long n, long m) {
        static Pooled of(WeightedValues reference, WeightedValues current) {
            int size = reference.size() + current.size();
            double[] values = new double[size];
            long[] a = new long[size];
            long[] b = new long[size];
            int i = 0;
            int j = 0;
            int k = 0;
            while (i < reference.size() || j < current.size()) {
                double x = i < reference.size() ? reference.value(i) : Double.POSITIVE_INFINITY;
                double y = j < current.size() ? current.value(j) : Double.POSITIVE_INFINITY;
                values[k] = Math.min(x, y);
                if (x <= y) {
                    a[k] = reference.count(i++);
                }
                if (y <= x) {
                    b[k] = current.count(j++);
                }
                k++;
            }
            return new Pooled(Arrays.copyOf(values, k), Arrays.copyOf(a, k), Arrays.copyOf(b, k), reference.total(), current.total());
        }

        int size() {
            return values.length;
        }
    }

    /** The two-sample KS statistic: the largest gap between the empirical CDFs. */
    public static double ksStatistic(WeightedValues reference, WeightedValues current) {
        Pooled pooled = Pooled.of(reference, current);
        double d = 0;
        long cumA = 0;
        long cumB = 0;
        for (int k = 0; k < pooled.size(); k++) {
            cumA += pooled.referenceCounts[k];
            cumB += pooled.currentCounts[k];
            d = Math.max(d, Math.abs((double) cumA / pooled.n - (double) cumB / pooled.m));
        }
        return d;
    }

    /** P(D >= d) for the two-sample KS statistic under the null; see the class comment for exact vs asymptotic. */
    public static double ksPValue(double d, long n, long m) {
        if (d <= 0) {
            return 1.0;
        }
        if (n * m <= KS_EXACT_LIMIT) {
            return ksExactP(d, (int) n, (int) m);
        }
        double lambda = d * Math.sqrt((double) n * m / (n + m));
        if (lambda < 0.1) {
            // the Kolmogorov CDF at 0.1 is below 1e-40; its series would need millions of terms here
            return 1.0;
        }
        return Math.max(0, Math.min(1, 1 - new KolmogorovSmirnovTest().ksSum(lambda, 1e-20, 100_000)));
    }

    /** Probability that a random lattice path from (0,0) to (n,m) reaches |i/n - j/m| >= d. */
    static double ksExactP(double d, int n, int m) {
        double limit = d * n * m - 1e-7 * Math.max(1, d * n * m);
        double[] inside = new double[m + 1];
        // probability of reaching (i, j) without leaving the band; steps are drawn without replacement
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= m; j++) {
                double p;
                if (i == 0 && j == 0) {
                    p = 1;
                } else {
                    double fromLeft = i > 0 ? inside[j] * (double) (n - i + 1) / (n + m - i - j + 1) : 0;
                    double fromBelow = j > 0 ? inside[j - 1] * (double) (m - j + 1) / (n + m - i - j + 1) : 0;
                    p = fromLeft + fromBelow;
                }
                inside[j] = Math.abs((long) i * m - (long) j * n) >= limit ? 0 : p;
            }
        }
        return Math.max(0, Math.min(1, 1 - inside[m]));
    }

    private static Outcome ks(ColumnDistribution.Numeric reference, ColumnDistribution.Numeric current) {
        double d = ksStatistic(reference.values(), current.values());
        return Outcome.of(ksPValue(d, reference.count(), current.count()));
    }

    /** Wasserstein-1 distance: the area between the two empirical CDFs. */
    public static double wassersteinDistance(WeightedValues reference, WeightedValues current) {
        return cdfDistance(Pooled.of(reference, current), 1);
    }

    /** Energy distance: {@code sqrt(2 * integral (F - G)^2)}. */
    public static double energyDistance(WeightedValues reference, WeightedValues current) {
        return Math.sqrt(2 * cdfDistance(Pooled.of(reference, current), 2));
    }

    private static double cdfDistance(Pooled pooled, int power) {
        double total = 0;
        long cumA = 0;
        long cumB = 0;
        for (int k = 0; k < pooled.size() - 1; k++) {
            cumA += pooled.referenceCounts[k];
            cumB += pooled.currentCounts[k];
            double gap = Math.abs((double) cumA / pooled.n - (double) cumB / pooled.m);
            double width = pooled.values[k + 1] - pooled.values[k];
            total += (power == 1 ? gap : gap * gap) * width;
        }
        return total;
    }

    private static Outcome wasserstein(ColumnDistribution.Numeric reference, ColumnDistribution.Numeric current) {
        double norm = Math.max(reference.standardDeviation(), 0.001);
        return Outcome.of(wassersteinDistance(reference.values(), current.values()) / norm);
    }

    /** Mann-Whitney U of the reference sample (sum of its midranks minus n(n+1)/2). */
    public static double mannWhitneyU(WeightedValues reference, WeightedValues current) {
        Pooled pooled = Pooled.of(reference, current);
        double rankSum = 0;
        long before = 0;
        for (int k = 0; k < pooled.size(); k++) {
            long ties = pooled.referenceCounts[k] + pooled.currentCounts[k];
            double midrank = before + (ties + 1) / 2.0;
            rankSum += pooled.referenceCounts[k] * midrank;
            before += ties;
        }
        double n = pooled.n;
        return rankSum - n * (n + 1) / 2;
    }

    private static Outcome mannWhitney(ColumnDistribution.Numeric reference, ColumnDistribution.Numeric current) {
        Pooled pooled = Pooled.of(reference.values(), current.values());
        double n = pooled.n;
        double m = pooled.m;
        double total = n + m;
        double tieTerm = 0;
        for (int k = 0; k < pooled.size(); k++) {
            double t = pooled.referenceCounts[k] + pooled.currentCounts[k];
            tieTerm += t * t * t - t;
        }
        double variance = n * m / 12 * ((total + 1) - tieTerm / (total * (total - 1)));
        if (!(variance > 0)) {
            return Outcome.insufficient("all values are equal");
        }
        double u1 = mannWhitneyU(reference.values(), current.values());
        double u = Math.max(u1, n * m - u1);
        double z = (u - n * m / 2 - 0.5) / Math.sqrt(variance);
        return Outcome.of(Math.max(0, Math.min(1, Erf.erfc(z / Math.sqrt(2)))));
    }

    /** The two-sample Cramer-von Mises statistic T (midranks for ties). */
    public static double cramerVonMisesStatistic(WeightedValues reference, WeightedValues current) {
        Pooled pooled = Pooled.of(reference, current);
        double n = pooled.n;
        double m = pooled.m;
        double sumX = 0;
        double sumY = 0;
        long before = 0;
        long beforeX = 0;
        long beforeY = 0;
        for (int k = 0; k < pooled.size(); k++) {
            long a = pooled.referenceCounts[k];
            long b = pooled.currentCounts[k];
            double midrank = before + (a + b + 1) / 2.0;
            sumX += squaredRankGaps(midrank, beforeX, a);
            sumY += squaredRankGaps(midrank, beforeY, b);
            before += a + b;
            beforeX += a;
            beforeY += b;
        }
        double u = n * sumX + m * sumY;
        double k = n * m;
        double total = n + m;
        return u / (k * total) - (4 * k - 1) / (6 * total);
    }

    /** Sum over i = start+1 .. start+count of (rank - i)^2. */
    private static double squaredRankGaps(double rank, long start, long count) {
        if (count == 0) {
            return 0;
        }
        double c = rank - start - 1;
        double a = count;
        return a * c * c - c * a * (a - 1) + (a - 1) * a * (2 * a - 1) / 6;
    }

    /** P(T >= t) of the two-sample Cramer-von Mises statistic from its standardised asymptotic distribution. */
    public static double cramerVonMisesPValue(double t, long n, long m) {
        double total = n + m;
        double k = (double) n * m;
        double expected = (1 + 1 / total) / 6;
        double variance = (total + 1) * (4 * k * total - 3 * ((double) n * n + (double) m * m) - 2 * k) / (45 * total * total * 4 * k);
        double standardised = 1.0 / 6 + (t - expected) / Math.sqrt(45 * variance);
        return Math.max(0, Math.min(1, 1 - cramerVonMisesLimitCdf(standardised)));
    }

    /**
     * CDF of the limiting Cramer-von Mises distribution (series of Csorgo and Faraway 1996, eq. 1.3). Beyond x = 12 the
     * upper tail is below 1e-20 and the CDF is reported as 1.
     */
    static double cramerVonMisesLimitCdf(double x) {
        if (x <= 0) {
            return 0;
        }
        if (x > 12) {
            return 1;
        }
        double total = 0;
        for (int k = 0; k < 200; k++) {
            double y = 4 * k + 1;
            double q = y * y / (16 * x);
            double term = Math.exp(Gamma.logGamma(k + 0.5) - Gamma.logGamma(k + 1)) / (Math.pow(Math.PI, 1.5) * Math.sqrt(x))
                    * Math.sqrt(y) * scaledBesselK(0.25, q);
            total += term;
            if (Math.abs(term) < 1e-12) {
                break;
            }
        }
        return Math.min(1, total);
    }

    /** exp(-q) * K_nu(q), K the modified Bessel function of the second kind, from K_nu(q) = integral exp(-q cosh t) cosh(nu t) dt. */
    static double scaledBesselK(double nu, double q) {
        if (q > 700) {
            return 0;
        }
        double h = 0.01;
        double sum = 0.5;
        for (int i = 1; i < 1_000_000; i++) {
            double t = i * h;
            double integrand = Math.exp(-q * (Math.cosh(t) - 1)) * Math.cosh(nu * t);
            sum += integrand;
            if (integrand < 1e-17 * sum) {
                break;
            }
        }
        return sum * h * Math.exp(-2 * q);
    }

    private static Outcome cramerVonMises(ColumnDistribution.Numeric reference, ColumnDistribution.Numeric current) {
        if (Pooled.of(reference.values(), current.values()).size() < 2) {
            return Outcome.insufficient("all values are equal");
        }
        double t = cramerVonMisesStatistic(reference.values(), current.values());
        return Outcome.of(cramerVonMisesPValue(t, reference.count(), current.count()));
    }

    /** The standardised two-sample Anderson-Darling statistic (Scholz and Stephens 1987, midrank A2akN). */
    public static double andersonStatistic(WeightedValues reference, WeightedValues current) {
        Pooled pooled = Pooled.of(reference, current);
        double n = pooled.n;
        double m = pooled.m;
        double total = n + m;
        double[] sizes = {n, m};
        double a2 = 0;
        for (int sample = 0; sample < 2; sample++) {
            long[] counts = sample == 0 ? pooled.referenceCounts : pooled.currentCounts;
            double inner = 0;
            long before = 0;
            long beforeSample = 0;
            for (int j = 0; j < pooled.size(); j++) {
                double lj = pooled.referenceCounts[j] + pooled.currentCounts[j];
                double bj = before + lj / 2;
                double mij = beforeSample + counts[j] / 2.0;
                double gap = total * mij - bj * sizes[sample];
                inner += lj / total * gap * gap / (bj * (total - bj) - total * lj / 4);
                before += (long) lj;
                beforeSample += counts[j];
            }
            a2 += inner / sizes[sample];
        }
        a2 *= (total - 1) / total;
        double h = 0;
        for (long i = 1; i < (long) total; i++) {
            h += 1.0 / i;
        }
        double g = andersonG((long) total, h);
        double k = 2;
        double bigH = 1 / n + 1 / m;
        double a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * bigH;
        double b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * bigH - 8 * h + 4 * g - 6;
        double c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * bigH + 4 * h;
        double d = (2 * h + 6) * k * k - 4 * h * k;
        double variance = (a * total * total * total + b * total * total + c * total + d) / ((total - 1) * (total - 2) * (total - 3));
        return (a2 - (k - 1)) / Math.sqrt(variance);
    }

    /** g = sum_{i=1}^{N-2} sum_{j=i+1}^{N-1} 1 / ((N - i) j), with h = sum_{i=1}^{N-1} 1/i. */
    private static double andersonG(long total, double h) {
        if (total > 10_000_000L) {
            return Math.PI * Math.PI / 6;
        }
        double g = 0;
        double partial = 0;
        for (long i = 1; i <= total - 2; i++) {
            partial += 1.0 / i;
            g += (h - partial) / (total - i);
        }
        return g;
    }

    /** Critical values of the standardised statistic for two samples at 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001. */
    static double[] andersonCriticalValues() {
        double[] critical = new double[AD_B0.length];
        for (int i = 0; i < critical.length; i++) {
            critical[i] = AD_B0[i] + AD_B1[i] + AD_B2[i];
        }
        return critical;
    }

    /** p-value of the standardised statistic: a quadratic fit of log(significance) on the critical values, clipped. */
    public static double andersonPValue(double statistic) {
        double[] critical = andersonCriticalValues();
        if (statistic < critical[0]) {
            return AD_SIGNIFICANCE[0];
        }
        if (statistic > critical[critical.length - 1]) {
            return AD_SIGNIFICANCE[AD_SIGNIFICANCE.length - 1];
        }
        double[][] normal = new double[3][3];
        double[] rhs = new double[3];
        for (int i = 0; i < critical.length; i++) {
            double[] powers = {critical[i] * critical[i], critical[i], 1};
            double logSig = Math.log(AD_SIGNIFICANCE[i]);
            for (int r = 0; r < 3; r++) {
                rhs[r] += powers[r] * logSig;
                for (int c = 0; c < 3; c++) {
                    normal[r][c] += powers[r] * powers[c];
                }
            }
        }
        double[] fit = new LUDecomposition(new Array2DRowRealMatrix(normal)).getSolver().solve(new ArrayRealVector(rhs)).toArray();
        return Math.exp(fit[0] * statistic * statistic + fit[1] * statistic + fit[2]);
    }

    private static Outcome anderson(ColumnDistribution.Numeric reference, ColumnDistribution.Numeric current) {
        if (Pooled.of(reference.values(), current.values()).size() < 2) {
            return Outcome.insufficient("all values are equal");
        }
        if (reference.count() + current.count() < 4) {
            return Outcome.insufficient("fewer than 4 values in reference and current together");
        }
        return Outcome.of(andersonPValue(andersonStatistic(reference.values(), current.values())));
    }

    // ---- categorical ----

    private static Outcome chiSquare(ColumnDistribution.Categorical reference, ColumnDistribution.Categorical current) {
        TreeSet<String> keys = new TreeSet<>(reference.counts().keySet());
        keys.addAll(current.counts().keySet());
        if (keys.size() < 2) {
            return Outcome.insufficient("a single category in reference and current");
        }
        double scale = (double) current.count() / reference.count();
        double statistic = 0;
        for (String key : keys) {
            double expected = reference.counts().getOrDefault(key, 0L) * scale;
            double observed = current.counts().getOrDefault(key, 0L);
            if (expected == 0) {
                if (observed > 0) {
                    return Outcome.of(0.0);
                }
                continue;
            }
            statistic += (observed - expected) * (observed - expected) / expected;
        }
        return Outcome.of(chiSquarePValue(statistic, keys.size() - 1));
    }

    /** Upper tail of the chi-square distribution. */
    public static double chiSquarePValue(double statistic, int degreesOfFreedom) {
        return Gamma.regularizedGammaQ(degreesOfFreedom / 2.0, statistic / 2);
    }

    private static Outcome zTest(ColumnDistribution.Categorical reference, ColumnDistribution.Categorical current) {
        TreeSet<String> keys = new TreeSet<>(reference.counts().keySet());
        keys.addAll(current.counts().keySet());
        if (keys.size() == 1) {
            return Outcome.of(1.0);
        }
        String first = keys.first();
        double n1 = reference.count();
        double n2 = current.count();
        double p1 = 1 - reference.counts().getOrDefault(first, 0L) / n1;
        double p2 = 1 - current.counts().getOrDefault(first, 0L) / n2;
        return Outcome.of(twoProportionZPValue(p1, n1, p2, n2));
    }

    /** Two-sided p-value of z = (p1 - p2) / sqrt(P(1 - P)(1/n1 + 1/n2)), P the pooled proportion. */
    public static double twoProportionZPValue(double p1, double n1, double p2, double n2) {
        double pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        double z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
        return Erf.erfc(Math.abs(z) / Math.sqrt(2));
    }

    // ---- binned shares ----

    /** Reference and current shares over the same bins (or categories). */
    record Shares(double[] reference, double[] current) {}

    static Shares binned(ColumnDistribution reference, ColumnDistribution current, boolean replaceZeros) {
        Shares shares;
        if (reference instanceof ColumnDistribution.Numeric numeric && numeric.values().distinct() > 20) {
            shares = histogramShares(numeric.values(), ((ColumnDistribution.Numeric) current).values());
        } else {
            shares = categoryShares(categorical(reference), categorical(current));
        }
        return replaceZeros ? new Shares(replaceZeros(shares.reference()), replaceZeros(shares.current())) : shares;
    }

    private static Shares histogramShares(WeightedValues reference, WeightedValues current) {
        double low = Math.min(reference.value(0), current.value(0));
        double high = Math.max(reference.value(reference.size() - 1), current.value(current.size() - 1));
        long n = reference.total() + current.total();
        int bins = (int) Math.ceil(Math.log(n) / Math.log(2) + 1);
        return new Shares(histogram(reference, low, high, bins), histogram(current, low, high, bins));
    }

    private static double[] histogram(WeightedValues values, double low, double high, int bins) {
        double[] shares = new double[bins];
        double width = (high - low) / bins;
        for (int i = 0; i < values.size(); i++) {
            int bin = (int) Math.floor((values.value(i) - low) / width);
            shares[Math.max(0, Math.min(bins - 1, bin))] += values.count(i);
        }
        for (int i = 0; i < bins; i++) {
            shares[i] /= values.total();
        }
        return shares;
    }

    private static Shares categoryShares(ColumnDistribution.Categorical reference, ColumnDistribution.Categorical current) {
        TreeSet<String> keys = new TreeSet<>(reference.counts().keySet());
        keys.addAll(current.counts().keySet());
        List<String> ordered = new ArrayList<>(keys);
        double[] ref = new double[ordered.size()];
        double[] cur = new double[ordered.size()];
        double refTotal = reference.count();
        double curTotal = current.count();
        for (int i = 0; i < ordered.size(); i++) {
            ref[i] = reference.counts().getOrDefault(ordered.get(i), 0L) / refTotal;
            cur[i] = current.counts().getOrDefault(ordered.get(i), 0L) / curTotal;
        }
        return new Shares(ref, cur);
    }

    private static double[] replaceZeros(double[] shares) {
        double smallest = Double.POSITIVE_INFINITY;
        for (double share : shares) {
            if (share > 0) {
                smallest = Math.min(smallest, share);
            }
        }
        double floor = Math.min(smallest, ZERO_SHARE_FLOOR);
        double[] replaced = shares.clone();
        for (int i = 0; i < replaced.length; i++) {
            if (replaced[i] == 0) {
                replaced[i] = floor;
            }
        }
        return replaced;
    }

    /** Sum of (ref - cur) * ln(ref / cur). */
    static double psi(Shares shares) {
        double psi = 0;
        for (int i = 0; i < shares.reference().length; i++) {
            double r = shares.reference()[i];
            double c = shares.current()[i];
            psi += (r - c) * Math.log(r / c);
        }
        return psi;
    }

    /** Sum of ref * ln(ref / cur), both sides normalised to sum 1. */
    static double klDivergence(Shares shares) {
        double[] p = normalised(shares.reference());
        double[] q = normalised(shares.current());
        double kl = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                kl += p[i] * Math.log(p[i] / q[i]);
            }
        }
        return kl;
    }

    /** sqrt((KL(p, mid) + KL(q, mid)) / 2), mid = (p + q) / 2, natural log. */
    static double jensenShannon(Shares shares) {
        double[] p = normalised(shares.reference());
        double[] q = normalised(shares.current());
        double divergence = 0;
        for (int i = 0; i < p.length; i++) {
            double mid = (p[i] + q[i]) / 2;
            if (p[i] > 0) {
                divergence += p[i] * Math.log(p[i] / mid);
            }
            if (q[i] > 0) {
                divergence += q[i] * Math.log(q[i] / mid);
            }
        }
        return Math.sqrt(Math.max(0, divergence / 2));
    }

    /** sqrt(sum (sqrt p - sqrt q)^2) / sqrt 2. */
    static double hellinger(Shares shares) {
        double[] p = normalised(shares.reference());
        double[] q = normalised(shares.current());
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double gap = Math.sqrt(p[i]) - Math.sqrt(q[i]);
            sum += gap * gap;
        }
        return Math.sqrt(sum / 2);
    }

    private static double[] normalised(double[] shares) {
        double total = 0;
        for (double share : shares) {
            total += share;
        }
        double[] result = new double[shares.length];
        for (int i = 0; i < shares.length; i++) {
            result[i] = shares[i] / total;
        }
        return result;
    }

    /** Shares of categories, for tests of the binned statistics on given counts. */
    static Shares shares(Map<String, Long> reference, Map<String, Long> current, boolean replaceZeros) {
        return binned(new ColumnDistribution.Categorical(reference, 0), new ColumnDistribution.Categorical(current, 0), replaceZeros);
    }

}
