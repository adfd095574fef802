package dev.slipway.server;

import static io.javalin.http.HandlerType.GET;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.PredictionLogService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Slipway's monitoring endpoints (not part of MLflow), under {@code /api/2.0/slipway/monitoring/} and
 * {@code /ajax-api/2.0/slipway/monitoring/}.
 *
 * <p>{@code GET window?model_name=NAME&model_version=V&start_time=MS&end_time=MS} answers
 * {@code {"model_name", "model_version", "start_time", "end_time", "rows", "sketch"}}: the number of predictions the
 * model version logged in the window and the merged sketch of their inputs and outputs (the JSON of the monitoring
 * module's {@code DatasetSketch}; output columns are prefixed with {@code prediction.}), or {@code "sketch": null}
 * and 0 rows when there are none, also for an unknown model. The window is {@code [start_time, end_time)} in epoch
 * ms, by default the 24 hours up to now, widened to whole buckets (an hour by default): a bucket counts when it
 * overlaps the window. Rows the server has not stored yet are included.
 */
final class MonitoringRoutes {
    static final List<String> PREFIXES = List.of("/api/2.0/slipway/monitoring/",
            "/ajax-api/2.0/slipway/monitoring/");
    static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    private final Optional<PredictionSketches> sketches;
    private final RequestReader reader;
    private final Clock clock;

    MonitoringRoutes(Optional<PredictionSketches> sketches, RequestReader reader, Clock clock) {
        this.sketches = requireNonNull(sketches, "sketches is null");
        this.reader = requireNonNull(reader, "reader is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    void register(RoutesConfig routes) {
        for (String prefix : PREFIXES) {
            routes.addHttpHandler(GET, prefix + "window", this::window);
        }
    }

    private void window(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String modelName = request.requiredString("model_name");
        String modelVersion = request.requiredId("model_version");
        checkLength("model_name", modelName, PredictionLogService.MAX_MODEL_NAME_LENGTH);
        checkLength("model_version", modelVersion, PredictionLogService.MAX_MODEL_VERSION_LENGTH);
        Optional<Long> start = request.int64("start_time");
        Optional<Long> end = request.int64("end_time");
        long endTime = end.orElseGet(clock::millis);
        long startTime = start.orElse(endTime - DEFAULT_WINDOW.toMillis());
        if (startTime > endTime) {
            throw SlipwayException.invalidParameter("Invalid time range: start_time %d is after end_time %d",
                    startTime, endTime);
        }
        PredictionSketches.Window window = sketches.orElseThrow(() -> new SlipwayException(ErrorCode.NOT_IMPLEMENTED,
                "The backend store of this server keeps no prediction sketches"))
                .window(modelName, modelVersion, startTime, endTime);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeStringField("model_name", modelName);
            generator.writeStringField("model_version", modelVersion);
            generator.writeNumberField("start_time", startTime);
            generator.writeNumberField("end_time", endTime);
            generator.writeNumberField("rows", window.rows());
            generator.writeFieldName("sketch");
            if (window.sketch().isPresent()) {
                generator.writeRawValue(window.sketch().get().toJson().toString());
            } else {
                generator.writeNull();
            }
        }));
    }

    private static void checkLength(String field, String value, int maxLength) {
        if (value.length() > maxLength) {
            throw SlipwayException.invalidParameter("'%s' may be at most %d characters long, got %d", field,
                    maxLength, value.length());
        }
    }
}
