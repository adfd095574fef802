package dev.slipway.monitoring;

import java.util.Optional;

/**
 * The drift tests, each with Evidently's name, default threshold and the meaning of the threshold.
 *
 * <p>For a {@link ScoreKind#P_VALUE} test a column drifts when the p-value is below the threshold (KS: at or below);
 * for a {@link ScoreKind#DISTANCE} it drifts when the distance is at or above the threshold.
 */
public enum DriftMethod {
    /** Two-sample Kolmogorov-Smirnov: p-value of the largest gap between the empirical CDFs. */
    KS("ks", ScoreKind.P_VALUE, 0.05, true, false),
    /** Pearson chi-square with expected counts = reference counts scaled to the current size. */
    CHI_SQUARE("chisquare", ScoreKind.P_VALUE, 0.05, true, true),
    /** Two-sided Z-test for two proportions (the first category, in sorted order, against the rest). */
    Z("z", ScoreKind.P_VALUE, 0.05, true, true),
    /** Wasserstein-1 distance divided by max(population std of the reference, 0.001). */
    WASSERSTEIN("wasserstein", ScoreKind.DISTANCE, 0.1, true, false),
    /** Jensen-Shannon distance (square root of the divergence, natural log) of the binned shares. */
    JENSEN_SHANNON("jensenshannon", ScoreKind.DISTANCE, 0.1, true, true),
    /** Population stability index of the binned shares. */
    PSI("psi", ScoreKind.DISTANCE, 0.1, true, true),
    /** Kullback-Leibler divergence of the reference shares from the current shares (natural log). */
    KL_DIV("kl_div", ScoreKind.DISTANCE, 0.1, true, true),
    /** Hellinger distance of the binned shares. */
    HELLINGER("hellinger", ScoreKind.DISTANCE, 0.1, true, true),
    /** p-value of the k-sample Anderson-Darling test (midrank version), between 0.001 and 0.25. */
    ANDERSON("anderson", ScoreKind.P_VALUE, 0.1, true, false),
    /** p-value of the two-sample Cramer-von Mises test (asymptotic distribution). */
    CRAMER_VON_MISES("cramer_von_mises", ScoreKind.P_VALUE, 0.1, true, false),
    /** p-value of the two-sided Mann-Whitney U test (normal approximation, tie and continuity corrections). */
    MANN_WHITNEY("mannw", ScoreKind.P_VALUE, 0.05, true, false),
    /** Energy distance (square root of twice the integrated squared CDF difference). */
    ENERGY_DISTANCE("ed", ScoreKind.DISTANCE, 0.1, true, false);

    /** Whether a score is a p-value (small means drift) or a distance (large means drift). */
    public enum ScoreKind {
        P_VALUE,
        DISTANCE
    }

    private final String wireName;
    private final ScoreKind scoreKind;
    private final double defaultThreshold;
    private final boolean numeric;
    private final boolean categorical;

    DriftMethod(String wireName, ScoreKind scoreKind, double defaultThreshold, boolean numeric, boolean categorical) {
        this.wireName = wireName;
        this.scoreKind = scoreKind;
        this.defaultThreshold = defaultThreshold;
        this.numeric = numeric;
        this.categorical = categorical;
    }

    /** Evidently's name of the method ("ks", "wasserstein", ...), used in JSON and configuration. */
    public String wireName() {
        return wireName;
    }

    public ScoreKind scoreKind() {
        return scoreKind;
    }

    public double defaultThreshold() {
        return defaultThreshold;
    }

    /** Whether the method applies to a column of this type. */
    public boolean supports(ColumnType type) {
        return switch (type) {
            case NUMERIC -> numeric;
            case CATEGORICAL -> categorical;
        };
    }

    /** Whether {@code score} against {@code threshold} means drift. */
    public boolean drifted(double score, double threshold) {
        return switch (scoreKind) {
            case P_VALUE -> this == KS ? score <= threshold : score < threshold;
            case DISTANCE -> score >= threshold;
        };
    }

    public static Optional<DriftMethod> fromWireName(String name) {
        for (DriftMethod method : values()) {
            if (method.wireName.equalsIgnoreCase(name) || method.name().equalsIgnoreCase(name)) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }

    /**
     * Evidently's default choice of test.
     *
     * <table>
     *   <caption>Default test</caption>
     *   <tr><th>column</th><th>reference rows &lt;= 1000</th><th>&gt; 1000</th></tr>
     *   <tr><td>numeric, more than 5 unique values</td><td>KS</td><td>Wasserstein (normed)</td></tr>
     *   <tr><td>numeric, 3 to 5 unique</td><td>chi-square</td><td>Jensen-Shannon</td></tr>
     *   <tr><td>numeric, at most 2 unique</td><td>Z-test</td><td>Jensen-Shannon</td></tr>
     *   <tr><td>categorical, more than 2 unique</td><td>chi-square</td><td>Jensen-Shannon</td></tr>
     *   <tr><td>categorical, at most 2 unique</td><td>Z-test</td><td>Jensen-Shannon</td></tr>
     * </table>
     *
     * @param referenceRows rows of the reference, missing values included
     * @param uniqueValues distinct non-missing values of reference and current together
     */
    public static DriftMethod defaultFor(ColumnType type, long referenceRows, long uniqueValues) {
        boolean small = referenceRows <= 1000;
        return switch (type) {
            case NUMERIC -> {
                if (uniqueValues > 5) {
                    yield small ? KS : WASSERSTEIN;
                }
                if (uniqueValues > 2) {
                    yield small ? CHI_SQUARE : JENSEN_SHANNON;
                }
                yield small ? Z : JENSEN_SHANNON;
            }
            case CATEGORICAL -> {
                if (uniqueValues > 2) {
                    yield small ? CHI_SQUARE : JENSEN_SHANNON;
                }
                yield small ? Z : JENSEN_SHANNON;
            }
        };
    }
}
