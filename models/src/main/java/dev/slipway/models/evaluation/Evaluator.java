package dev.slipway.models.evaluation;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.scoring.FeatureBatch;
import dev.slipway.models.scoring.ModelTask;
import dev.slipway.models.scoring.OnnxModel;
import dev.slipway.models.scoring.Predictions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Scores a model on a CSV file that holds the true target and computes its metrics, streaming in
 * batches: only the ROC AUC data (one float per class and row) grows with the file.
 *
 * <p>The target column is the one given, else the model's {@code metadata.slipway_target}; it is
 * never fed to the model. Rows whose target is empty are skipped. The task is the model's
 * ({@code metadata.slipway_task}) or, for a foreign model, what its outputs look like (see
 * {@link OnnxModel}). Classification targets are compared with the predicted labels as text, so
 * a target column must hold the class labels ("yes"/"no", "0"/"1", ...).
 *
 * <p>Thread-safe: each call has its own state.
 */
public final class Evaluator {
    private final int batchSize;

    public Evaluator(int batchSize) {
        if (batchSize < 1) {
            throw SlipwayException.invalidParameter("Batch size must be at least 1, got %d", batchSize);
        }
        this.batchSize = batchSize;
    }

    /**
     * Evaluates a model on a CSV file.
     *
     * @param progress called after each batch with the number of rows read so far
     * @throws SlipwayException if there is no target column, the header lacks a feature, a value
     *     is invalid (naming row and column), or the model's outputs are neither labels nor values
     */
    public EvaluationResult evaluate(OnnxModel model, Path data, Optional<String> targetColumn, LongConsumer progress) {
        requireNonNull(data, "data is null");
        try (CsvReader reader = CsvReader.open(data)) {
            return evaluate(model, reader, targetColumn, progress);
        }
    }

    /** Evaluates a model on the remaining rows of a reader (the caller closes it). */
    public EvaluationResult evaluate(OnnxModel model, CsvReader reader, Optional<String> targetColumn,
            LongConsumer progress) {
        requireNonNull(model, "model is null");
        requireNonNull(reader, "reader is null");
        requireNonNull(targetColumn, "targetColumn is null");
        requireNonNull(progress, "progress is null");
        String target = targetColumn.or(model::target).orElseThrow(() -> SlipwayException.invalidParameter(
                "No target column to evaluate %s against: the model does not name one (metadata.slipway_target); "
                        + "give the target column", reader.source()));
        int targetIndex = reader.requireColumn(target);
        FeatureBatch batch = model.newBatch(reader.header(), Set.of(target), reader.source(), batchSize);
        Accumulation accumulation = new Accumulation(model, reader.source(), target, batchSize);
        long rowsRead = 0;
        while (reader.next()) {
            rowsRead++;
            if (reader.isEmpty(targetIndex)) {
                continue;
            }
            accumulation.remember(batch.size(), reader.get(targetIndex), reader.rowNumber(), reader.lineNumber());
            batch.addRow(reader);
            if (batch.isFull()) {
                accumulation.add(batch);
                batch.clear();
                progress.accept(rowsRead);
            }
        }
        if (batch.size() > 0) {
            accumulation.add(batch);
            batch.clear();
        }
        progress.accept(rowsRead);
        return accumulation.result();
    }

    /** The accumulators of one evaluation and the true targets of the current batch. */
    private static final class Accumulation {
        private final OnnxModel model;
        private final String source;
        private final String target;
        private final String[] actuals;
        private final long[] rowNumbers;
        private final long[] lineNumbers;
        private ModelTask task;
        private ClassificationMetrics classification;
        private final RegressionMetrics regression = new RegressionMetrics();
        private float[] probabilities;

        Accumulation(OnnxModel model, String source, String target, int batchSize) {
            this.model = model;
            this.source = source;
            this.target = target;
            this.actuals = new String[batchSize];
            this.rowNumbers = new long[batchSize];
            this.lineNumbers = new long[batchSize];
            this.task = model.task().orElse(null);
        }

        void remember(int index, String actual, long rowNumber, long lineNumber) {
            actuals[index] = actual;
            rowNumbers[index] = rowNumber;
            lineNumbers[index] = lineNumber;
        }

        void add(FeatureBatch batch) {
            Predictions predictions = model.predict(batch);
            if (task == null) {
                task = predictions.task().orElseThrow(() -> SlipwayException.invalidParameter(
                        "Cannot evaluate %s: its outputs (%s) are neither class labels, probabilities nor values",
                        model.onnxFile(), model.outputs()));
            }
            switch (task) {
                case CLASSIFICATION -> addClassification(predictions);
                case REGRESSION -> addRegression(predictions);
            }
        }

        private void addClassification(Predictions predictions) {
            if (predictions.task().orElse(null) != ModelTask.CLASSIFICATION) {
                throw SlipwayException.invalidParameter("Model %s is a classifier but gives no class labels",
                        model.onnxFile());
            }
            if (classification == null) {
                boolean withProbabilities = predictions.hasProbabilities();
                classification = new ClassificationMetrics(withProbabilities ? predictions.classes() : List.of(),
                        withProbabilities);
                probabilities = new float[predictions.classes().size()];
            }
            for (int row = 0; row < predictions.rowCount(); row++) {
                if (predictions.hasProbabilities()) {
                    for (int j = 0; j < probabilities.length; j++) {
                        probabilities[j] = predictions.probability(row, j);
                    }
                    classification.add(actuals[row], predictions.label(row), probabilities);
                } else {
                    classification.add(actuals[row], predictions.label(row));
                }
            }
        }

        private void addRegression(Predictions predictions) {
            if (predictions.task().orElse(null) != ModelTask.REGRESSION) {
                throw SlipwayException.invalidParameter("Model %s is a regressor but gives no predicted value",
                        model.onnxFile());
            }
            for (int row = 0; row < predictions.rowCount(); row++) {
                double actual;
                try {
                    actual = Double.parseDouble(actuals[row].trim());
                } catch (NumberFormatException e) {
                    throw SlipwayException.invalidParameter("%s row %d (line %d), column '%s': '%s' is not a number",
                            source, rowNumbers[row], lineNumbers[row], target, actuals[row]);
                }
                regression.add(actual, predictions.value(row));
            }
        }

        EvaluationResult result() {
            long rows = classification != null ? classification.count() : regression.count();
            if (task == null || rows == 0) {
                throw SlipwayException.invalidParameter("%s has no rows with a value in the target column '%s'",
                        source, target);
            }
            return switch (task) {
                case CLASSIFICATION -> new EvaluationResult(task, rows, classification.metrics());
                case REGRESSION -> new EvaluationResult(task, regression.count(), regression.metrics());
            };
        }
    }
}
