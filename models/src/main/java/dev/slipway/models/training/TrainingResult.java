package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.Dataset;
import dev.slipway.models.format.ModelDirectory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What training produced.
 *
 * @param model the written model folder
 * @param target the target column, task and classes
 * @param parameters the run params to log: {@code algorithm}, {@code task}, {@code target}, {@code seed},
 *        {@code validation_split} or {@code validation_data}, then every algorithm parameter as used
 * @param metrics final metrics on the validation rows (see {@link ValidationMetrics})
 * @param trainingDataset the training file as an MLflow dataset input (context "training")
 * @param validationDataset the validation file, when validation used a separate file (context "validation")
 * @param trainingRows rows the model was fitted on
 * @param validationRows rows the metrics were computed on
 */
public record TrainingResult(ModelDirectory model, Target target, Map<String, String> parameters,
        Map<String, Double> metrics, Dataset trainingDataset, Optional<Dataset> validationDataset, int trainingRows,
        int validationRows) {
    public TrainingResult {
        requireNonNull(model, "model is null");
        requireNonNull(target, "target is null");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(parameters, "parameters is null")));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(metrics, "metrics is null")));
        requireNonNull(trainingDataset, "trainingDataset is null");
        requireNonNull(validationDataset, "validationDataset is null");
    }
}
