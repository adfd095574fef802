package dev.slipway.server;

import static io.javalin.http.HandlerType.GET;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.tracking.Page;
import dev.slipway.monitoring.LiveQualityWindow;
import dev.slipway.monitoring.ModelQuality;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Live model quality from the prediction log's feedback (not part of MLflow), under
 * {@code /api/2.0/slipway/monitoring/quality} and {@code /ajax-api/2.0/slipway/monitoring/quality}.
 *
 * <p>{@code GET quality?model_name=NAME&model_version=V&start_time=MS&end_time=MS[&positive_label=L]} reads the model
 * version's logged predictions scored in {@code [start_time, end_time)} (epoch ms; by default the 24 hours up to now)
 * page by page, joined with their feedback, and answers
 * <pre>{@code
 * {"model_name", "model_version", "start_time", "end_time",
 *  "predictions": n,            // logged predictions in the window
 *  "labelled": m,               // of them, those with feedback
 *  "skipped": k,                // of those, the ones whose outputs or actual value could not be read
 *  "skipped_reason": "...",     // only when k > 0: why the first was skipped
 *  "task": "classification" | "regression" | null,
 *  "positive_label": "yes",     // only for a binary classifier
 *  "quality": {"rows", "<metric>": value or null, ..., "not_enough_data": {"<metric>": reason}} | null,
 *  "not_enough_data": "..."}    // only when quality is null
 * }</pre>
 * Only labelled predictions count: feedback whose request id and row match no logged prediction never joins one, and
 * a window without labelled predictions answers {@code "quality": null} with the reason, never a made-up number. How
 * the task, the labels and the positive class are read from the rows is {@link LiveQualityWindow}'s contract;
 * {@code positive_label} names the positive class of a binary classifier instead. Memory is bounded by one page of
 * rows and the quality window, whatever the window's length.
 */
final class ModelQualityRoutes {
    static final List<String> PREFIXES = MonitoringRoutes.PREFIXES;
    static final int MAX_POSITIVE_LABEL_LENGTH = 256;

    private final PredictionLogService predictionLog;
    private final RequestReader reader;
    private final Clock clock;

    ModelQualityRoutes(PredictionLogService predictionLog, RequestReader reader, Clock clock) {
        this.predictionLog = requireNonNull(predictionLog, "predictionLog is null");
        this.reader = requireNonNull(reader, "reader is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    void register(RoutesConfig routes) {
        for (String prefix : PREFIXES) {
            routes.addHttpHandler(GET, prefix + "quality", this::quality);
        }
    }

    private void quality(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String modelName = request.requiredString("model_name");
        String modelVersion = request.requiredId("model_version");
        Optional<Long> start = request.int64("start_time");
        Optional<Long> end = request.int64("end_time");
        Optional<String> positiveLabel = request.string("positive_label");
        if (positiveLabel.isPresent() && (positiveLabel.get().isEmpty()
                || positiveLabel.get().length() > MAX_POSITIVE_LABEL_LENGTH)) {
            throw SlipwayException.invalidParameter("Invalid value '%s' for parameter 'positive_label': expected a "
                    + "label of 1 to %d characters", positiveLabel.get(), MAX_POSITIVE_LABEL_LENGTH);
        }
        long endTime = end.orElseGet(clock::millis);
        long startTime = start.orElse(endTime - MonitoringRoutes.DEFAULT_WINDOW.toMillis());
        if (startTime < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'start_time': expected epoch "
                    + "milliseconds >= 0", startTime);
        }
        // The service checks the name's and version's lengths and the time range.
        PredictionQuery query = new PredictionQuery(modelName, Optional.of(modelVersion), Optional.empty(),
                Optional.of(startTime), Optional.of(endTime));
        LiveQualityWindow window = new LiveQualityWindow(positiveLabel);
        long predictions = 0;
        long labelled = 0;
        Optional<String> pageToken = Optional.empty();
        do {
            Page<JoinedPrediction> page = predictionLog.searchPredictions(query,
                    Optional.of((long) PredictionLogService.MAX_SEARCH_RESULTS), pageToken);
            for (JoinedPrediction joined : page.items()) {
                predictions++;
                if (joined.feedback().isPresent()) {
                    PredictionFeedback feedback = joined.feedback().get();
                    labelled++;
                    window.add(joined.prediction().outputsJson(), feedback.actualJson());
                }
            }
            pageToken = page.nextPageToken();
        } while (pageToken.isPresent());
        Optional<ModelQuality> quality = window.quality();
        long predictionCount = predictions;
        long labelledCount = labelled;
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeStringField("model_name", modelName);
            generator.writeStringField("model_version", modelVersion);
            generator.writeNumberField("start_time", startTime);
            generator.writeNumberField("end_time", endTime);
            generator.writeNumberField("predictions", predictionCount);
            generator.writeNumberField("labelled", labelledCount);
            generator.writeNumberField("skipped", window.skipped());
            if (window.skippedReason().isPresent()) {
                generator.writeStringField("skipped_reason", window.skippedReason().get());
            }
            if (window.task().isPresent()) {
                generator.writeStringField("task", window.task().get().wireName());
            } else {
                generator.writeNullField("task");
            }
            if (window.positiveLabel().isPresent()) {
                generator.writeStringField("positive_label", window.positiveLabel().get());
            }
            generator.writeFieldName("quality");
            if (quality.isPresent()) {
                generator.writeRawValue(quality.get().toJson().toString());
            } else {
                generator.writeNull();
                generator.writeStringField("not_enough_data", notEnoughData(predictionCount, labelledCount, window));
            }
        }));
    }

    private static String notEnoughData(long predictions, long labelled, LiveQualityWindow window) {
        if (predictions == 0) {
            return "no labelled predictions in the window (it holds no predictions)";
        }
        if (labelled == 0) {
            return "no labelled predictions in the window (feedback counts only when its request id and row match a "
                    + "logged prediction)";
        }
        return "none of the " + labelled + " labelled predictions could be read: "
                + window.skippedReason().orElse("unknown reason");
    }
}
