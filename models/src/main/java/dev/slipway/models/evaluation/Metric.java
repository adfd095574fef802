package dev.slipway.models.evaluation;

import dev.slipway.core.SlipwayException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The metrics Slipway computes, with their names and which direction is better. */
public enum Metric {
    ACCURACY(true),
    PRECISION(true),
    RECALL(true),
    F1(true),
    ROC_AUC(true),
    LOG_LOSS(false),
    MAE(false),
    RMSE(false),
    R2(true);

    private final boolean higherIsBetter;

    Metric(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    /** The name used in reports, tracking and on the command line, e.g. {@code roc_auc}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a larger value is better (false for log loss, MAE and RMSE). */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * Parses a metric name such as {@code roc_auc} (case-insensitive; {@code auc} and
     * {@code logloss} are accepted too).
     *
     * @throws SlipwayException naming the accepted names
     */
    public static Metric of(String key) {
        String normalized = key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (normalized) {
            case "auc":
                return ROC_AUC;
            case "logloss":
                return LOG_LOSS;
            default:
                break;
        }
        for (Metric metric : values()) {
            if (metric.key().equals(normalized)) {
                return metric;
            }
        }
        throw SlipwayException.invalidParameter("Unknown metric '%s'; expected one of %s", key,
                Arrays.stream(values()).map(Metric::key).collect(Collectors.joining(", ")));
    }
}
