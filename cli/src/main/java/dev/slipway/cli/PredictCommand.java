package dev.slipway.cli;

import dev.slipway.models.scoring.BatchPredictor;
import dev.slipway.models.scoring.OnnxModel;
import dev.slipway.models.scoring.PredictionSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code slipway models predict}: batch scoring of a CSV file with ONNX Runtime, streaming. */
@Command(name = "predict", description = {"Score a CSV file with a model and write the predictions as CSV.",
        "The file is streamed in batches: it never sits in memory whole."})
final class PredictCommand extends ModelCommand {
    @Option(names = {"-m", "--model-uri"}, required = true, paramLabel = "MODEL_URI", description = {
            "The model: models:/name/3, models:/name@champion, models:/name/Production, runs:/<run_id>/model, "
                    + "mlflow-artifacts:/..., or a model folder."})
    String modelUri;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "CSV",
            description = "The rows to score: a CSV file with a header row naming the model's input columns.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "CSV", description = {
            "Where to write the predictions (replaced if it exists): a column 'prediction' and, for classifiers, "
                    + "'probability_<class>' per class, one row per input row, in input order."})
    Path output;

    @Option(names = "--exclude-column", paramLabel = "NAME",
            description = "A column of the input that is not a feature (an id, the label); repeatable.")
    List<String> excludedColumns = List.of();

    @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "1000",
            description = "Rows per ONNX Runtime call (default: 1000).")
    int batchSize;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads ONNX Runtime may use inside one call (default: 1).")
    int threads;

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    PredictCommand(Environment environment) {
        super(environment);
    }

    @Override
    void validate() {
        if (batchSize < 1) {
            throw usageError("--batch-size must be at least 1, got %d", batchSize);
        }
        if (threads < 1) {
            throw usageError("--threads must be at least 1, got %d", threads);
        }
    }

    @Override
    int run(PrintWriter out) throws Exception {
        Path inputFile = environment.workingDirectory().resolve(input).normalize();
        Path outputFile = environment.workingDirectory().resolve(output).normalize();
        Set<String> excluded = new LinkedHashSet<>(excludedColumns);
        long started;
        PredictionSummary summary;
        try (ModelFiles model = modelFiles(modelUri);
                OnnxModel onnx = OnnxModel.load(model.directory(), threads);
                Progress progress = Progress.start("Scoring", "rows", OptionalLong.empty(), !noProgress && !json)) {
            started = System.nanoTime();
            summary = new BatchPredictor(onnx, batchSize).predict(inputFile, outputFile, excluded, progress::stepTo);
        }
        // the scoring time: reading, scoring and writing the rows, without fetching and loading the model
        double seconds = (System.nanoTime() - started) / 1e9;
        double rowsPerSecond = seconds > 0 ? summary.rows() / seconds : 0;
        if (json) {
            TrackingCommand.printJson(out, TrackingCommand.json().createObjectNode().put("model_uri", modelUri)
                    .put("input", inputFile.toString()).put("output", outputFile.toString())
                    .put("rows", summary.rows()).put("seconds", seconds).put("rows_per_second", rowsPerSecond));
        } else {
            out.printf(Locale.ROOT, "Scored %,d rows with %s in %.2f s (%,.0f rows/s) -> %s%n", summary.rows(),
                    modelUri, seconds, rowsPerSecond, outputFile);
        }
        return 0;
    }
}
