package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to train.
 *
 * @param trainingCsv the training file (UTF-8 CSV with a header row)
 * @param target the column to predict
 * @param algorithm the algorithm
 * @param parameters {@code --param} values; unknown keys are refused, missing ones take their defaults
 * @param excludedColumns columns of the training file that are not features (identifiers, leaks)
 * @param validation where the validation rows come from
 * @param seed seeds the validation split and the algorithm
 * @param task the task, or empty to detect it from the target column
 * @param modelDirectory the model folder to write; must not exist or be empty
 * @param runId the run the model belongs to, written into MLmodel
 * @param artifactPath the model's path under the run's artifacts, written into MLmodel
 */
public record TrainingRequest(Path trainingCsv, String target, Algorithm algorithm, Map<String, String> parameters,
        Set<String> excludedColumns, Validation validation, long seed, Optional<Task> task, Path modelDirectory, Optional<String> runId,
        Optional<String> artifactPath) {
    public TrainingRequest {
        requireNonNull(trainingCsv, "trainingCsv is null");
        requireNonNull(target, "target is null");
        requireNonNull(algorithm, "algorithm is null");
        parameters = Collections.unmodifiableMap(
                new LinkedHashMap<>(requireNonNull(parameters, "parameters is null")));
        excludedColumns = Set.copyOf(requireNonNull(excludedColumns, "excludedColumns is null"));
        requireNonNull(validation, "validation is null");
        requireNonNull(task, "task is null");
        requireNonNull(modelDirectory, "modelDirectory is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(artifactPath, "artifactPath is null");
    }
}
