package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.ModelResolver;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.models.format.MLmodel;
import dev.slipway.models.format.Schema;
import dev.slipway.models.format.Signature;
import dev.slipway.monitoring.ColumnSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A registered model version as monitoring sees it: the version, the run it was logged from (where its reference is
 * stored) and the columns its signature names, as monitored columns.
 *
 * @param features the signature's input columns that can be monitored (numbers are numeric; strings and booleans
 *     categorical; binary and datetime columns are left out)
 * @param outputs the signature's output columns, the same way (empty without an output schema), named with the prefix
 *     {@value #OUTPUT_PREFIX} as the prediction log's sketches name them ({@code label} is {@code prediction.label})
 */
record MonitoredModel(ModelVersion version, String runId, List<ColumnSpec> features, List<ColumnSpec> outputs) {
    /** The prefix of output columns in sketches, the server's for its window sketches. */
    static final String OUTPUT_PREFIX = "prediction.";

    MonitoredModel {
        requireNonNull(version, "version is null");
        requireNonNull(runId, "runId is null");
        features = List.copyOf(requireNonNull(features, "features is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    }

    /**
     * Resolves a registry URI ({@code models:/name/N}, {@code models:/name@alias}, {@code models:/name/latest}) and
     * reads the version's signature from its MLmodel file.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a URI that is not a registry version, a version without a
     *     source run, or a model without a column-based signature; RESOURCE_DOES_NOT_EXIST for an unknown model
     */
    static MonitoredModel resolve(TrackingClient client, String modelUri) {
        ModelResolver.ResolvedModel resolved = new ModelResolver(Optional.of(client)).resolve(modelUri);
        ModelVersion version = resolved.version().orElseThrow(() -> SlipwayException.invalidParameter(
                "'%s' is not a registered model version; monitoring needs models:/NAME/VERSION or models:/NAME@ALIAS",
                modelUri));
        String runId = version.runId().filter(id -> !id.isEmpty()).orElseThrow(() -> SlipwayException.invalidParameter(
                "Model '%s' version %d has no source run to keep its monitoring reference in", version.name(),
                version.version()));
        MLmodel mlmodel = MLmodel.parse(readMlmodel(client, resolved.location()), resolved.location() + "/MLmodel");
        Signature signature = mlmodel.signature().orElseThrow(() -> SlipwayException.invalidParameter(
                "Model '%s' version %d has no signature, so its columns are unknown; log it with a signature",
                version.name(), version.version()));
        List<ColumnSpec> features = columns(signature.inputs(), "");
        if (features.isEmpty()) {
            throw SlipwayException.invalidParameter("Model '%s' version %d has no named numeric, string or boolean "
                    + "input column to monitor", version.name(), version.version());
        }
        return new MonitoredModel(version, runId, features, signature.outputs().map(outputs -> columns(outputs, OUTPUT_PREFIX)).orElse(List.of()));
    }

    /** The model's name and version, for messages: {@code churn version 3}. */
    String describe() {
        return version.name() + " version " + version.version();
    }

    private static List<ColumnSpec> columns(Schema schema, String prefix) {
        if (schema.isTensorBased()) {
            return List.of();
        }
        List<ColumnSpec> columns = new ArrayList<>();
        for (dev.slipway.models.format.ColumnSpec column : schema.columns()) {
            if (column.name().isEmpty()) {
                continue;
            }
            switch (column.type()) {
                case DOUBLE, FLOAT, LONG, INTEGER -> columns.add(ColumnSpec.numeric(prefix + column.name().get()));
                case STRING, BOOLEAN -> columns.add(ColumnSpec.categorical(prefix + column.name().get()));
                case BINARY, DATETIME -> { }
            }
        }
        return columns;
    }

    private static String readMlmodel(TrackingClient client, String location) {
        String folder = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        if (folder.toLowerCase(Locale.ROOT).startsWith(ArtifactRepositories.PROXY_SCHEME + ":")) {
            try (InputStream in = client.openArtifact(ArtifactRepositories.proxyPath(folder) + "/" + MLmodel.FILE_NAME)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw SlipwayException.invalidParameter("Cannot read the MLmodel file at '%s': %s", folder, e.getMessage());
            }
        }
        Path file = (folder.startsWith("file:") ? Path.of(java.net.URI.create(folder)) : Path.of(folder))
                .resolve(MLmodel.FILE_NAME);
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw SlipwayException.notFound("No MLmodel file at '%s'", file);
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Cannot read the MLmodel file '%s': %s", file, e.getMessage());
        }
    }
}
