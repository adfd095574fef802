package dev.slipway.models.evaluation;

import static java.util.Objects.requireNonNull;

import dev.slipway.models.scoring.ModelTask;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics of one model on one data set. A metric that is undefined on the data (ROC AUC when
 * only one class occurs, probabilities-based metrics for a model without probabilities) is absent.
 */
public record EvaluationResult(ModelTask task, long rows, Map<Metric, Double> metrics) {
    public EvaluationResult {
        requireNonNull(task, "task is null");
        requireNonNull(metrics, "metrics is null");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative: " + rows);
        }
        EnumMap<Metric, Double> copy = new EnumMap<>(Metric.class);
        metrics.forEach((metric, value) -> copy.put(requireNonNull(metric, "metric is null"),
                requireNonNull(value, "value is null")));
        metrics = Collections.unmodifiableMap(copy);
    }

    /** The value of a metric, if it is defined. */
    public Optional<Double> metric(Metric metric) {
        return Optional.ofNullable(metrics.get(requireNonNull(metric, "metric is null")));
    }
}
