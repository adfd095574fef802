package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.InputExample;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.format.NewModel;
import dev.slipway.models.format.Schema;
import dev.slipway.models.format.Signature;
import dev.slipway.models.onnx.ColumnEncoding;
import dev.slipway.models.onnx.Outputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Trains a model from a CSV file and writes it as a model folder (MLmodel, one self-contained
 * model.onnx, input examples), returning what a run logs: params, validation metrics and dataset inputs.
 *
 * <p>The training file is read into memory. Column types are inferred on the whole file (numeric when
 * every non-empty cell is a number), the task on the whole target column (see {@link Target#resolve}),
 * the encoding (means, categories, scaling) and the classes on the training rows only. Nothing is
 * written unless training succeeds, and the model folder appears complete or not at all.
 *
 * <p>Thread-safe; trainings may run concurrently.
 */
public final class Trainer {
    /** Rows of the training file saved as the model's input example. */
    public static final int INPUT_EXAMPLE_ROWS = 5;

    private final Clock clock;

    public Trainer(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for bad input (missing target column, empty target
     *         cell, ragged row, empty file, unknown or bad {@code --param}, an algorithm that does not do
     *         the task), RESOURCE_DOES_NOT_EXIST for a missing file, RESOURCE_ALREADY_EXISTS when the model
     *         folder exists and is not empty; each message names the file, row, column or key at fault
     */
    public TrainingResult train(TrainingRequest request, TrainingListener listener) {
        requireNonNull(request, "request is null");
        requireNonNull(listener, "listener is null");
        requireWritableFolder(request.modelDirectory());
        TrainingTable file = TrainingTable.read(request.trainingCsv());
        Task task = Target.resolve(file, request.target(), request.task()).task();
        if (!request.algorithm().supports(task)) {
            throw SlipwayException.invalidParameter("Algorithm '%s' does not do %s, and target column '%s' is a %s"
                    + " target%s; choose another --algorithm or set --task", request.algorithm().wireName(),
                    task.wireName(), request.target(), task.wireName(),
                    request.task().isEmpty() ? " (detected)" : "");
        }
        AlgorithmParameters parameters = AlgorithmParameters.resolve(request.algorithm(), task, request.parameters());
        for (String excluded : request.excludedColumns()) {
            file.columnIndex(excluded, "Excluded");
            if (excluded.equals(request.target())) {
                throw SlipwayException.invalidParameter("Target column '%s' cannot also be excluded", excluded);
            }
        }
        Map<String, ColumnKind> types = new LinkedHashMap<>();
        for (int column = 0; column < file.header().size(); column++) {
            types.put(file.header().get(column), file.columnKind(column));
        }

        Map<String, String> runParameters = new LinkedHashMap<>();
        runParameters.put("algorithm", request.algorithm().wireName());
        runParameters.put("task", task.wireName());
        runParameters.put("target", request.target());
        runParameters.put("seed", Long.toString(request.seed()));
        if (!request.excludedColumns().isEmpty()) {
            runParameters.put("excluded_columns", String.join(",", request.excludedColumns().stream().sorted().toList()));
        }
        Partition partition = partition(file, request);
        TrainingTable training = partition.training();
        TrainingTable validation = partition.validation();
        runParameters.putAll(partition.parameters());
        runParameters.putAll(parameters.values());

        Target target = Target.resolve(training, request.target(), Optional.of(task));
        FeatureEncoder encoder = FeatureEncoder.fit(training, types, request.target(), request.excludedColumns(),
                request.algorithm().standardizes(parameters));
        ModelGraph.checkColumnNames(encoder, target);
        EncodedData trainingData = new EncodedData(encoder.encode(training), target.encode(training));
        EncodedData validationData = new EncodedData(encoder.encode(validation), target.encode(validation));
        listener.onProgress("Training %s (%s of '%s') on %d rows, validating on %d rows".formatted(
                request.algorithm().wireName(), task.wireName(), request.target(), training.rowCount(),
                validation.rowCount()));

        Map<String, Double> metrics;
        byte[] onnx;
        try (FittedModel model = request.algorithm().learner().fit(trainingData, validationData, target, parameters,
                request.seed(), listener)) {
            double[][] predictions = model.predict(validationData.features());
            metrics = switch (task) {
                case CLASSIFICATION -> ValidationMetrics.classification(predictions, validationData.targets());
                case REGRESSION -> ValidationMetrics.regression(predictions, validationData.targets());
            };
            ModelProto proto = ModelGraph.build(encoder, model, target, request.algorithm(), producerVersion());
            onnx = proto.toByteArray();
        }

        NewModel newModel = new NewModel(onnx, signature(encoder, target, file), metadata(target, request.algorithm()),
                Optional.of(inputExample(file, encoder)), request.runId(), request.artifactPath());
        ModelDirectory directory = ModelDirectory.write(request.modelDirectory(), newModel, clock);
        listener.onProgress("Wrote model folder " + directory.path());
        return new TrainingResult(directory, target, runParameters, metrics,
                TrainingDataset.describe(request.trainingCsv(), file), partition.validationDataset(),
                training.rowCount(), validation.rowCount());
    }

    /** The training and validation rows, the validation file as a dataset, and the run params saying how. */
    private record Partition(TrainingTable training, TrainingTable validation, Optional<Dataset> validationDataset,
            Map<String, String> parameters) {
    }

    private static Partition partition(TrainingTable file, TrainingRequest request) {
        if (request.validation() instanceof Validation.Split split) {
            List<Integer> order = new ArrayList<>(IntStream.range(0, file.rowCount()).boxed().toList());
            Collections.shuffle(order, new Random(request.seed()));
            int held = (int) Math.round(file.rowCount() * split.fraction());
            if (held < 1 || held >= file.rowCount()) {
                throw SlipwayException.invalidParameter("%s has %d rows: too few to hold out %s of them for"
                        + " validation and train on the rest", file.source(), file.rowCount(), split.fraction());
            }
            return new Partition(
                    file.select(order.subList(held, order.size()).stream().sorted().toList(),
                            file.source() + " (training split)"),
                    file.select(order.subList(0, held).stream().sorted().toList(),
                            file.source() + " (validation split)"),
                    Optional.empty(), Map.of("validation_split", Double.toString(split.fraction())));
        }
        Validation.File validationFile = (Validation.File) request.validation();
        TrainingTable read = TrainingTable.read(validationFile.csv());
        TrainingTable validation = read.withColumns(file.header().stream()
                .filter(column -> !request.excludedColumns().contains(column)).toList());
        return new Partition(file, validation, Optional.of(TrainingDataset.describe(validationFile.csv(), read)),
                Map.of("validation_data", validationFile.csv().toString()));
    }

    /** Fails before training, rather than after it, when the model folder cannot be written. */
    private static void requireWritableFolder(Path directory) {
        if (Files.isDirectory(directory)) {
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isEmpty()) {
                    return;
                }
            } catch (IOException e) {
                throw SlipwayException.invalidParameter("Cannot list model folder '%s': %s", directory, e.getMessage());
            }
        } else if (!Files.exists(directory)) {
            return;
        }
        throw SlipwayException.alreadyExists("Cannot write model folder '%s': it already exists and is not empty",
                directory);
    }

    /**
     * A column signature; a column is required unless the training file had missing values in it, since the graph
     * imputes those (MLflow's infer_signature marks columns the same way).
     */
    private static Signature signature(FeatureEncoder encoder, Target target, TrainingTable file) {
        List<ColumnSpec> inputs = new ArrayList<>();
        for (ColumnEncoding column : encoder.columns()) {
            boolean hasMissing = hasMissingValues(file, file.columnIndex(column.name(), "Feature"));
            inputs.add(new ColumnSpec(Optional.of(column.name()), column instanceof ColumnEncoding.Numeric
                    ? ColumnType.DOUBLE : ColumnType.STRING, !hasMissing));
        }
        List<ColumnSpec> outputs = new ArrayList<>();
        switch (target.task()) {
            case CLASSIFICATION -> {
                outputs.add(ColumnSpec.of(Outputs.LABEL, ColumnType.STRING));
                target.classes().forEach(className -> outputs.add(
                        ColumnSpec.of(Outputs.probabilityName(className), ColumnType.FLOAT)));
            }
            case REGRESSION -> outputs.add(ColumnSpec.of(Outputs.PREDICTION, ColumnType.FLOAT));
        }
        return Signature.of(Schema.ofColumns(inputs), Schema.ofColumns(outputs));
    }

    private static boolean hasMissingValues(TrainingTable file, int column) {
        for (int row = 0; row < file.rowCount(); row++) {
            String cell = file.cell(row, column);
            if (cell.isBlank() || TrainingTable.isNumber(cell) && Double.isNaN(TrainingTable.parseNumber(cell))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> metadata(Target target, Algorithm algorithm) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("slipway_task", target.task().wireName());
        metadata.put("slipway_target", target.name());
        if (target.task() == Task.CLASSIFICATION) {
            metadata.put("slipway_classes", target.classes());
        }
        metadata.put("slipway_algorithm", algorithm.wireName());
        return metadata;
    }

    /** The first rows of the training file, input columns only: numbers (null when missing) and strings. */
    private static InputExample inputExample(TrainingTable file, FeatureEncoder encoder) {
        List<String> columns = encoder.columns().stream().map(ColumnEncoding::name).toList();
        List<List<Object>> rows = new ArrayList<>();
        for (int row = 0; row < Math.min(INPUT_EXAMPLE_ROWS, file.rowCount()); row++) {
            List<Object> values = new ArrayList<>();
            for (ColumnEncoding column : encoder.columns()) {
                String cell = file.cell(row, file.header().indexOf(column.name()));
                if (column instanceof ColumnEncoding.Numeric) {
                    double value = TrainingTable.parseNumber(cell);
                    values.add(Double.isNaN(value) ? null : value);
                } else {
                    values.add(cell);
                }
            }
            rows.add(values);
        }
        return new InputExample(columns, rows);
    }

    private static String producerVersion() {
        String version = Trainer.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
