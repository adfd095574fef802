package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.scoring.ElementType;
import dev.slipway.models.scoring.ModelTask;
import dev.slipway.models.scoring.OnnxModel;
import dev.slipway.models.scoring.Predictions;
import dev.slipway.models.scoring.TensorDescription;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Open Inference Protocol (KServe V2) over REST: server and model metadata, health and readiness, and
 * {@code POST /v2/models/<name>[/versions/<v>]/infer} with tensor JSON. Errors are {@code {"error": "..."}}.
 *
 * <p>Each request input feeds the model column of the same name: an input of shape {@code [N]} or {@code [N, 1]} is
 * one column; an input of shape {@code [N, k]} is k columns (the signature's columns in order, for a model whose
 * single ONNX input takes all features). Inputs then go through the same schema enforcement as MLflow's protocol.
 * Outputs: a classifier's {@code label} (BYTES) and {@code probability_<class>} (FP32) per class, a regressor's
 * {@code prediction} (FP32), each of shape {@code [N]}; the request's {@code outputs} selects among them.
 * {@code parameters.request_key} (or the header {@code X-Request-Key}) makes the canary choice sticky.
 */
final class OpenInferenceRoutes {
    static final String PROTOCOL = "v2";
    static final String PLATFORM = "onnx_onnxv1";
    private static final Set<String> DATATYPES = Set.of("BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8",
            "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES");

    private final ModelRepository models;
    private final Scorer scorer;
    private final ServingOptions options;

    OpenInferenceRoutes(ServingOptions options, Scorer scorer) {
        this.options = requireNonNull(options, "options is null");
        this.models = options.models();
        this.scorer = requireNonNull(scorer, "scorer is null");
    }

    void register(RoutesConfig routes) {
        routes.get("/v2", this::serverMetadata);
        routes.get("/v2/health/live", ctx -> ctx.contentType("application/json").result("{\"live\":true}"));
        routes.get("/v2/health/ready", ctx -> {
            boolean ready = models.ready();
            ctx.status(ready ? 200 : 400).contentType("application/json").result("{\"ready\":" + ready + "}");
        });
        routes.get("/v2/models/{name}", ctx -> modelMetadata(ctx, Optional.empty()));
        routes.get("/v2/models/{name}/versions/{version}", ctx -> modelMetadata(ctx,
                Optional.of(ctx.pathParam("version"))));
        routes.get("/v2/models/{name}/ready", ctx -> modelReady(ctx, Optional.empty()));
        routes.get("/v2/models/{name}/versions/{version}/ready", ctx -> modelReady(ctx,
                Optional.of(ctx.pathParam("version"))));
        routes.post("/v2/models/{name}/infer", ctx -> infer(ctx, Optional.empty()));
        routes.post("/v2/models/{name}/versions/{version}/infer", ctx -> infer(ctx,
                Optional.of(ctx.pathParam("version"))));
    }

    private void serverMetadata(Context ctx) {
        ctx.contentType("application/json").result(json(generator -> {
            generator.writeStartObject();
            generator.writeStringField("name", "slipway");
            generator.writeStringField("version", options.version());
            generator.writeArrayFieldStart("extensions");
            generator.writeEndArray();
            generator.writeEndObject();
        }));
    }

    private ServedModel served(String name, Optional<String> version) {
        return models.current(name, version).orElseThrow(() -> new ServingFailure(404, "RESOURCE_DOES_NOT_EXIST",
                version.map(v -> "Model '%s' version %s is not served here".formatted(name, v))
                        .orElse("Model '%s' is not served here".formatted(name))
                        + "; served models: " + String.join(", ", models.modelNames())));
    }

    private void modelReady(Context ctx, Optional<String> version) {
        String name = ctx.pathParam("name");
        ServedModel model = served(name, version);
        boolean ready = !model.isRetired();
        ctx.status(ready ? 200 : 400).contentType("application/json").result(json(generator -> {
            generator.writeStartObject();
            generator.writeStringField("name", name);
            generator.writeBooleanField("ready", ready);
            generator.writeEndObject();
        }));
    }

    private void modelMetadata(Context ctx, Optional<String> version) {
        String name = ctx.pathParam("name");
        ServedModel model = served(name, version);
        OnnxModel onnx = model.onnx();
        ctx.contentType("application/json").result(json(generator -> {
            generator.writeStartObject();
            generator.writeStringField("name", name);
            generator.writeArrayFieldStart("versions");
            generator.writeString(model.version());
            generator.writeEndArray();
            generator.writeStringField("platform", PLATFORM);
            generator.writeArrayFieldStart("inputs");
            for (TensorDescription input : onnx.inputs()) {
                tensorMetadata(generator, input);
            }
            generator.writeEndArray();
            generator.writeArrayFieldStart("outputs");
            for (TensorDescription output : onnx.outputs()) {
                tensorMetadata(generator, output);
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }));
    }

    private static void tensorMetadata(JsonGenerator generator, TensorDescription tensor) throws IOException {
        if (tensor.type() == ElementType.OTHER) {
            return;
        }
        generator.writeStartObject();
        generator.writeStringField("name", tensor.name());
        generator.writeStringField("datatype", datatype(tensor.type()));
        generator.writeArrayFieldStart("shape");
        for (long dimension : tensor.shape()) {
            generator.writeNumber(dimension);
        }
        generator.writeEndArray();
        generator.writeEndObject();
    }

    static String datatype(ElementType type) {
        return switch (type) {
            case FLOAT -> "FP32";
            case DOUBLE -> "FP64";
            case INT64 -> "INT64";
            case INT32 -> "INT32";
            case STRING, OTHER -> "BYTES";
            case BOOL -> "BOOL";
        };
    }

    private void infer(Context ctx, Optional<String> version) {
        long deadline = System.nanoTime() + options.requestTimeout().toNanos();
        ctx.attribute(ServingServer.PROTOCOL_ATTRIBUTE, PROTOCOL);
        Scorer.Outcome outcome = new Scorer.Outcome();
        ctx.attribute(ServingServer.OUTCOME_ATTRIBUTE, outcome);
        String name = ctx.pathParam("name");
        outcome.model = name;
        String contentType = ctx.header("Content-Type");
        if (contentType != null && !MlflowRequests.mediaType(contentType).equals(MlflowRequests.JSON_TYPE)) {
            throw new ServingFailure(415, "BAD_REQUEST", "Inference requests must be application/json");
        }
        JsonNode root = MlflowRequests.parseJson(RequestBodies.read(ctx, options.maxRequestBytes()));
        if (!root.isObject()) {
            throw ServingFailure.badRequest("The inference request must be a JSON object with \"inputs\"");
        }
        JsonNode idNode = root.get("id");
        Optional<String> givenId = idNode != null && idNode.isTextual() ? Optional.of(idNode.textValue())
                : RequestBodies.header(ctx, RequestBodies.REQUEST_ID_HEADER);
        String requestId = RequestBodies.requestId(givenId);
        ctx.header(RequestBodies.REQUEST_ID_HEADER, requestId);
        ctx.attribute(ServingServer.REQUEST_ID_ATTRIBUTE, requestId);
        Optional<String> requestKey = requestKey(root).or(() -> RequestBodies.header(ctx,
                RequestBodies.REQUEST_KEY_HEADER));
        ServedModel target = served(name, version);
        InputTable table = table(root, target);
        List<String> selected = selectedOutputs(root);
        Supplier<Route> router = version.isEmpty() ? () -> models.route(name, requestKey)
                : () -> pinned(name, version.orElseThrow());
        Scorer.Scored scored = scorer.score(name, router, table, requestId, deadline, outcome);
        Predictions first = scored.chunks().get(0);
        List<String> available = PredictionFields.names(first);
        for (String output : selected) {
            if (!available.contains(output)) {
                throw ServingFailure.badRequest("Output '%s' is not an output of model '%s'; its outputs are: %s",
                        output, name, String.join(", ", available));
            }
        }
        List<String> outputs = selected.isEmpty() ? available : selected;
        RequestBodies.send(ctx, "application/json", json(generator -> {
            generator.writeStartObject();
            generator.writeStringField("model_name", scored.model());
            generator.writeStringField("model_version", scored.version());
            generator.writeStringField("id", requestId);
            generator.writeArrayFieldStart("outputs");
            for (String output : outputs) {
                writeOutput(generator, scored, output);
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }));
    }

    private Route pinned(String name, String version) {
        ServedModel model = served(name, Optional.of(version));
        String variant = models.current(name, Optional.empty()).filter(stable -> stable == model).isPresent()
                ? Lease.STABLE : Lease.CANARY;
        return Lease.acquire(model, variant).map(lease -> new Route(lease, Optional.<Lease>empty()))
                .orElseThrow(() -> new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                        "Model '%s' version %s is being retired; retry".formatted(name, version)));
    }

    private static Optional<String> requestKey(JsonNode root) {
        JsonNode key = root.path("parameters").path("request_key");
        return key.isValueNode() && !key.isNull() ? Optional.of(key.asText()) : Optional.empty();
    }

    private static List<String> selectedOutputs(JsonNode root) {
        JsonNode outputs = root.get("outputs");
        if (outputs == null || outputs.isNull()) {
            return List.of();
        }
        if (!outputs.isArray()) {
            throw ServingFailure.badRequest("\"outputs\" must be a list of {\"name\": ...} objects");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode output : outputs) {
            JsonNode outputName = output.get("name");
            if (outputName == null || !outputName.isTextual()) {
                throw ServingFailure.badRequest("Each requested output needs a \"name\"");
            }
            names.add(outputName.textValue());
        }
        return List.copyOf(names);
    }

    /** The request's tensors as a table of columns, N rows. */
    private InputTable table(JsonNode root, ServedModel model) {
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ServingFailure.badRequest("The inference request needs \"inputs\": a non-empty list of tensors");
        }
        ModelInput modelInput = scorer.input(model);
        List<String> columns = new ArrayList<>();
        List<JsonNode[]> columnValues = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long rows = -1;
        for (JsonNode input : inputs) {
            JsonNode nameNode = input.get("name");
            if (nameNode == null || !nameNode.isTextual()) {
                throw ServingFailure.badRequest("Each input tensor needs a \"name\"");
            }
            String name = nameNode.textValue();
            if (!seen.add(name)) {
                throw ServingFailure.badRequest("Input '%s' is given twice", name);
            }
            String datatype = input.path("datatype").asText("");
            if (!DATATYPES.contains(datatype)) {
                throw ServingFailure.badRequest("Input '%s' has datatype '%s'; expected one of BOOL, INT8-INT64,"
                        + " UINT8-UINT64, FP16, FP32, FP64, BYTES", name, datatype);
            }
            long[] shape = shape(input, name);
            JsonNode data = input.get("data");
            if (data == null || !data.isArray()) {
                throw ServingFailure.badRequest("Input '%s' needs \"data\": a list of values", name);
            }
            List<JsonNode> flat = new ArrayList<>();
            flatten(data, flat);
            long elements = 1;
            for (long dimension : shape) {
                elements *= dimension;
            }
            if (elements != flat.size()) {
                throw ServingFailure.badRequest("Input '%s' has shape %s (%d values) but holds %d values", name,
                        java.util.Arrays.toString(shape), elements, flat.size());
            }
            for (JsonNode value : flat) {
                checkDatatype(name, datatype, value);
            }
            long n = shape.length == 0 ? 1 : shape[0];
            int width = shape.length <= 1 ? 1 : (int) (elements / Math.max(n, 1));
            if (shape.length > 2) {
                throw ServingFailure.badRequest("Input '%s' has shape %s; inputs are [N] or [N, k]", name,
                        java.util.Arrays.toString(shape));
            }
            if (rows >= 0 && n != rows) {
                throw ServingFailure.badRequest("Input '%s' has %d rows, the first input has %d", name, n, rows);
            }
            rows = n;
            List<String> names = columnNames(name, width, modelInput, model.onnx());
            for (int j = 0; j < width; j++) {
                JsonNode[] values = new JsonNode[(int) n];
                for (int row = 0; row < n; row++) {
                    values[row] = flat.get(row * width + j);
                }
                columns.add(names.get(j));
                columnValues.add(values);
            }
        }
        List<JsonNode[]> tableRows = new ArrayList<>((int) rows);
        for (int row = 0; row < rows; row++) {
            JsonNode[] cells = new JsonNode[columns.size()];
            for (int column = 0; column < cells.length; column++) {
                cells[column] = columnValues.get(column)[row];
            }
            tableRows.add(cells);
        }
        return new InputTable(Optional.of(List.copyOf(columns)), tableRows, false);
    }

    private static List<String> columnNames(String name, int width, ModelInput modelInput, OnnxModel onnx) {
        if (width == 1) {
            return List.of(name);
        }
        boolean singleTensor = onnx.inputs().size() == 1 && onnx.inputs().get(0).name().equals(name);
        if (singleTensor && modelInput.typed() && modelInput.signatureColumns().size() == width) {
            return modelInput.signatureColumns();
        }
        if (modelInput.typed()) {
            throw ServingFailure.badRequest("Input '%s' has %d values per row; send one tensor of shape [N] per"
                    + " column: %s", name, width, modelInput.describeColumns());
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            names.add(name + "_" + j);
        }
        return names;
    }

    private static long[] shape(JsonNode input, String name) {
        JsonNode shape = input.get("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw ServingFailure.badRequest("Input '%s' needs \"shape\": a list of dimensions, e.g. [1] or [2, 3]",
                    name);
        }
        long[] dimensions = new long[shape.size()];
        for (int i = 0; i < dimensions.length; i++) {
            JsonNode dimension = shape.get(i);
            if (!dimension.isIntegralNumber() || dimension.longValue() < 0 || dimension.longValue() > Integer.MAX_VALUE) {
                throw ServingFailure.badRequest("Input '%s' has an invalid shape %s", name, shape);
            }
            dimensions[i] = dimension.longValue();
        }
        return dimensions;
    }

    private static void flatten(JsonNode data, List<JsonNode> flat) {
        for (JsonNode value : data) {
            if (value.isArray()) {
                flatten(value, flat);
            } else {
                flat.add(value);
            }
        }
    }

    private static void checkDatatype(String name, String datatype, JsonNode value) {
        boolean ok = switch (datatype) {
            case "BYTES" -> value.isTextual();
            case "BOOL" -> value.isBoolean();
            case "FP16", "FP32", "FP64" -> value.isNumber() || value.isNull();
            default -> value.isIntegralNumber()
                    || value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue());
        };
        if (!ok) {
            throw ServingFailure.badRequest("Input '%s' is %s but holds %s", name, datatype,
                    MlflowRequests.abbreviate(value.toString()));
        }
    }

    private static void writeOutput(JsonGenerator generator, Scorer.Scored scored, String output) throws IOException {
        Predictions first = scored.chunks().get(0);
        boolean label = first.task().filter(task -> task == ModelTask.CLASSIFICATION).isPresent()
                && output.equals(OnnxModel.LABEL_OUTPUT);
        int classIndex = -1;
        if (first.task().filter(task -> task == ModelTask.CLASSIFICATION).isPresent() && !label) {
            classIndex = first.classes().indexOf(output.substring(OnnxModel.PROBABILITY_OUTPUT_PREFIX.length()));
        }
        generator.writeStartObject();
        generator.writeStringField("name", output);
        boolean raw = first.task().isEmpty();
        generator.writeStringField("datatype", label ? "BYTES" : raw ? rawDatatype(scored, output) : "FP32");
        generator.writeArrayFieldStart("shape");
        generator.writeNumber(scored.rows());
        generator.writeEndArray();
        generator.writeArrayFieldStart("data");
        for (int row = 0; row < scored.rows(); row++) {
            Predictions chunk = scored.chunk(row);
            int inChunk = scored.rowInChunk(row);
            if (label) {
                generator.writeString(chunk.label(inChunk));
            } else if (classIndex >= 0) {
                generator.writeNumber(chunk.probability(inChunk, classIndex));
            } else if (raw) {
                generator.writeTree(rawValue(chunk, inChunk, output));
            } else {
                PredictionFields.writeNumber(generator, chunk.value(inChunk));
            }
        }
        generator.writeEndArray();
        generator.writeEndObject();
    }

    private static String rawDatatype(Scorer.Scored scored, String output) throws IOException {
        JsonNode value = rawValue(scored.chunk(0), 0, output);
        return value.isNumber() ? "FP64" : "BYTES";
    }

    /** One output value of a foreign model, through the record form (rare, not optimised). */
    private static JsonNode rawValue(Predictions predictions, int row, String output) throws IOException {
        com.fasterxml.jackson.databind.util.TokenBuffer buffer =
                new com.fasterxml.jackson.databind.util.TokenBuffer(MlflowRequests.JSON, false);
        buffer.writeStartObject();
        PredictionFields.write(buffer, predictions, row);
        buffer.writeEndObject();
        JsonNode record = MlflowRequests.JSON.readTree(buffer.asParser());
        JsonNode value = record.get(output);
        return value == null ? JsonNodeFactory.instance.nullNode() : value;
    }

    interface JsonWriter {
        void write(JsonGenerator generator) throws IOException;
    }

    static byte[] json(JsonWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = MlflowRequests.JSON.getFactory().createGenerator(out)) {
            writer.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
