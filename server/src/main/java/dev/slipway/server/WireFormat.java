package dev.slipway.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.core.logged.LoggedModelOutput;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunMetric;
import dev.slipway.core.tracking.Tag;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * MLflow's JSON wire format for the tracking records: snake_case field names, int64 as JSON numbers, enums by
 * name, NaN and infinities as the strings protobuf uses, unset optional fields and empty lists omitted.
 */
final class WireFormat {
    static final String JSON_CONTENT_TYPE = "application/json";

    /**
     * Parses request bodies (Python clients send bare NaN and Infinity tokens) and creates the generators that
     * write responses.
     */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            // a streamed answer cut short by a failure must stay invalid JSON, not be closed into a valid one
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();

    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private WireFormat() {}

    /** Writes the fields of one JSON object. */
    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator generator) throws IOException;
    }

    /** A JSON object holding the fields. */
    static byte[] object(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            fields.write(generator);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static JsonGenerator generator(OutputStream out) throws IOException {
        return FACTORY.createGenerator(out);
    }

    /** Answers 200 with a JSON body. */
    static void send(Context ctx, byte[] json) {
        ctx.contentType(JSON_CONTENT_TYPE).result(json);
    }

    /** Answers 200 with {@code {}}, MLflow's empty response. */
    static void sendEmpty(Context ctx) {
        send(ctx, EMPTY_OBJECT);
    }

    static void experiment(JsonGenerator generator, Experiment experiment) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("experiment_id", experiment.experimentId());
        generator.writeStringField("name", experiment.name());
        generator.writeStringField("artifact_location", experiment.artifactLocation());
        generator.writeStringField("lifecycle_stage", experiment.lifecycleStage().wireName());
        generator.writeNumberField("last_update_time", experiment.lastUpdateTime());
        generator.writeNumberField("creation_time", experiment.creationTime());
        tags(generator, "tags", experiment.tags());
        generator.writeEndObject();
    }

    static void run(JsonGenerator generator, Run run) throws IOException {
        run(generator, run, List.of());
    }

    /** A run with the logged models it produced ({@code outputs.model_outputs}, omitted when there are none). */
    static void run(JsonGenerator generator, Run run, List<LoggedModelOutput> modelOutputs) throws IOException {
        generator.writeStartObject();
        generator.writeFieldName("info");
        runInfo(generator, run.info());
        generator.writeObjectFieldStart("data");
        if (!run.metrics().isEmpty()) {
            generator.writeArrayFieldStart("metrics");
            for (Metric metric : run.metrics()) {
                metric(generator, metric);
            }
            generator.writeEndArray();
        }
        if (!run.params().isEmpty()) {
            generator.writeArrayFieldStart("params");
            for (Param param : run.params()) {
                keyValue(generator, param.key(), param.value());
            }
            generator.writeEndArray();
        }
        tags(generator, "tags", run.tags());
        generator.writeEndObject();
        generator.writeObjectFieldStart("inputs");
        if (!run.inputs().isEmpty()) {
            generator.writeArrayFieldStart("dataset_inputs");
            for (DatasetInput input : run.inputs()) {
                datasetInput(generator, input);
            }
            generator.writeEndArray();
        }
        generator.writeEndObject();
        if (!modelOutputs.isEmpty()) {
            generator.writeObjectFieldStart("outputs");
            generator.writeArrayFieldStart("model_outputs");
            for (LoggedModelOutput output : modelOutputs) {
                generator.writeStartObject();
                generator.writeStringField("model_id", output.modelId());
                generator.writeNumberField("step", output.step());
                generator.writeEndObject();
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }
        generator.writeEndObject();
    }

    static void runInfo(JsonGenerator generator, RunInfo info) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("run_id", info.runId());
        generator.writeStringField("run_uuid", info.runId());
        generator.writeStringField("run_name", info.runName());
        generator.writeStringField("experiment_id", info.experimentId());
        generator.writeStringField("user_id", info.userId());
        generator.writeStringField("status", info.status().name());
        generator.writeNumberField("start_time", info.startTime());
        if (info.endTime().isPresent()) {
            generator.writeNumberField("end_time", info.endTime().get());
        }
        generator.writeStringField("artifact_uri", info.artifactUri());
        generator.writeStringField("lifecycle_stage", info.lifecycleStage().wireName());
        generator.writeEndObject();
    }

    static void metric(JsonGenerator generator, Metric metric) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("key", metric.key());
        generator.writeFieldName("value");
        number(generator, metric.value());
        generator.writeNumberField("timestamp", metric.timestamp());
        generator.writeNumberField("step", metric.step());
        generator.writeEndObject();
    }

    static void runMetric(JsonGenerator generator, RunMetric runMetric) throws IOException {
        Metric metric = runMetric.metric();
        generator.writeStartObject();
        generator.writeStringField("key", metric.key());
        generator.writeFieldName("value");
        number(generator, metric.value());
        generator.writeNumberField("timestamp", metric.timestamp());
        generator.writeNumberField("step", metric.step());
        generator.writeStringField("run_id", runMetric.runId());
        generator.writeEndObject();
    }

    /** A double as protobuf writes it: a number, or "NaN", "Infinity", "-Infinity". */
    static void number(JsonGenerator generator, double value) throws IOException {
        if (Double.isNaN(value)) {
            generator.writeString("NaN");
        } else if (value == Double.POSITIVE_INFINITY) {
            generator.writeString("Infinity");
        } else if (value == Double.NEGATIVE_INFINITY) {
            generator.writeString("-Infinity");
        } else {
            generator.writeNumber(value);
        }
    }

    /** A list of {@code {key, value}} objects, omitted when empty. */
    static void tags(JsonGenerator generator, String field, List<Tag> tags) throws IOException {
        if (tags.isEmpty()) {
            return;
        }
        generator.writeArrayFieldStart(field);
        for (Tag tag : tags) {
            keyValue(generator, tag.key(), tag.value());
        }
        generator.writeEndArray();
    }

    private static void datasetInput(JsonGenerator generator, DatasetInput input) throws IOException {
        generator.writeStartObject();
        tags(generator, "tags", input.tags());
        Dataset dataset = input.dataset();
        generator.writeObjectFieldStart("dataset");
        generator.writeStringField("name", dataset.name());
        generator.writeStringField("digest", dataset.digest());
        generator.writeStringField("source_type", dataset.sourceType());
        generator.writeStringField("source", dataset.source());
        if (dataset.schema().isPresent()) {
            generator.writeStringField("schema", dataset.schema().get());
        }
        if (dataset.profile().isPresent()) {
            generator.writeStringField("profile", dataset.profile().get());
        }
        generator.writeEndObject();
        generator.writeEndObject();
    }

    private static void keyValue(JsonGenerator generator, String key, String value) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("key", key);
        generator.writeStringField("value", value);
        generator.writeEndObject();
    }
}
