package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Run;
import dev.slipway.models.data.CsvReader;
import dev.slipway.monitoring.ColumnSpec;
import dev.slipway.monitoring.DatasetSketch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The reference data of a model version, as a {@link DatasetSketch} kept in the artifacts of the version's source run
 * at {@value #ARTIFACT_PATH}; when none was stored, the sketch of the training dataset recorded in the run's lineage
 * (a dataset input whose source is a readable local CSV file), built on the fly.
 */
final class ReferenceSketches {
    static final String ARTIFACT_PATH = "slipway-monitoring/reference.json";

    /** Where a reference came from, for messages and the report. */
    record Reference(DatasetSketch sketch, String origin) {
        Reference {
            requireNonNull(sketch, "sketch is null");
            requireNonNull(origin, "origin is null");
        }
    }

    private final TrackingClient client;

    ReferenceSketches(TrackingClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Stores the sketch as the model version's reference, replacing any earlier one. */
    void store(MonitoredModel model, DatasetSketch sketch) {
        client.logArtifact(model.runId(), ARTIFACT_PATH, sketch.toBytes());
    }

    /**
     * The stored reference, else the training dataset of the run's lineage.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST, telling the user to run {@code slipway monitor reference},
     *     when there is neither
     */
    Reference reference(MonitoredModel model) {
        Optional<DatasetSketch> stored = stored(model);
        if (stored.isPresent()) {
            return new Reference(stored.get(), "runs:/" + model.runId() + "/" + ARTIFACT_PATH);
        }
        Run run = client.getRun(model.runId());
        Optional<Path> training = trainingCsv(run);
        if (training.isPresent()) {
            return new Reference(fromCsv(training.get(), model), "training dataset " + training.get());
        }
        throw SlipwayException.notFound("Model %s has no reference data: none was set and its run %s records no "
                + "training dataset readable here. Set one with: slipway monitor reference -m models:/%s/%d --data REFERENCE.csv",
                model.describe(), model.runId(), model.version().name(), model.version().version());
    }

    Optional<DatasetSketch> stored(MonitoredModel model) {
        try (InputStream in = client.openRunArtifact(model.runId(), ARTIFACT_PATH)) {
            return Optional.of(DatasetSketch.fromBytes(in.readAllBytes()));
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Reading the reference of model " + model.describe()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The local CSV files among the run's dataset inputs, those with {@code mlflow.data.context = training} first; the
     * first that is readable.
     */
    static Optional<Path> trainingCsv(Run run) {
        List<DatasetInput> inputs = new ArrayList<>(run.inputs());
        inputs.sort(Comparator.comparing(input -> !isTraining(input)));
        for (DatasetInput input : inputs) {
            Optional<Path> file = localFile(input.dataset().source());
            if (file.isPresent() && Files.isReadable(file.get()) && Files.isRegularFile(file.get())) {
                return file;
            }
        }
        return Optional.empty();
    }

    private static boolean isTraining(DatasetInput input) {
        return input.tags().stream().anyMatch(tag -> tag.key().equals("mlflow.data.context") && tag.value().equals("training"));
    }

    private static Optional<Path> localFile(String source) {
        try {
            JsonNode json = TrackingCommand.json().readTree(source);
            String uri = json == null ? "" : json.path("uri").asText("");
            if (uri.startsWith("file://")) {
                return Optional.of(Path.of(java.net.URI.create(uri)));
            }
            if (uri.startsWith("/")) {
                return Optional.of(Path.of(uri));
            }
        } catch (IOException | IllegalArgumentException e) {
            // a source that is not MLflow's {"uri": ...} JSON names no file here
        }
        return Optional.empty();
    }

    /**
     * Sketches a CSV file in one streaming pass over the model's input columns, which it must all have, and its
     * output columns that it has (a column {@code label} or {@code prediction.label} becomes the sketch's
     * {@code prediction.label}). Empty cells are missing values.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the columns the file lacks, or when it has no rows
     */
    static DatasetSketch fromCsv(Path file, MonitoredModel model) {
        try (CsvReader csv = CsvReader.open(file)) {
            List<ColumnSpec> columns = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            List<String> absent = new ArrayList<>();
            for (ColumnSpec column : model.features()) {
                OptionalInt index = csv.columnIndex(column.name());
                if (index.isEmpty()) {
                    absent.add(column.name());
                } else {
                    columns.add(column);
                    indexes.add(index.getAsInt());
                }
            }
            if (!absent.isEmpty()) {
                throw SlipwayException.invalidParameter("%s has no column %s of model %s (header: %s)", file,
                        String.join(", ", absent), model.describe(), String.join(", ", csv.header()));
            }
            for (ColumnSpec column : model.outputs()) {
                // an output column may be named as the model names it or with the prefix of the sketches
                String unprefixed = column.name().substring(MonitoredModel.OUTPUT_PREFIX.length());
                OptionalInt index = csv.columnIndex(column.name());
                if (index.isEmpty()) {
                    index = csv.columnIndex(unprefixed);
                }
                if (index.isPresent() && !indexes.contains(index.getAsInt())) {
                    columns.add(column);
                    indexes.add(index.getAsInt());
                }
            }
            DatasetSketch sketch = new DatasetSketch(columns);
            Object[] row = new Object[columns.size()];
            while (csv.next()) {
                for (int i = 0; i < row.length; i++) {
                    String cell = csv.get(indexes.get(i));
                    row[i] = cell == null || cell.isEmpty() ? null : cell;
                }
                sketch.add(row);
            }
            if (sketch.rows() == 0) {
                throw SlipwayException.invalidParameter("%s has no data rows", file);
            }
            return sketch;
        }
    }
}
