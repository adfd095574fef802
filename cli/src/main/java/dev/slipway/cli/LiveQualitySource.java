package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.PredictionLogClient;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Metric;
import dev.slipway.monitoring.LiveQualityWindow;
import dev.slipway.monitoring.ModelQuality;
import dev.slipway.monitoring.QualityMetric;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live quality of a model version over a time window, as the tracking server computes it from the logged
 * predictions that have feedback ({@code GET /api/2.0/slipway/monitoring/quality}; how the task, labels and positive
 * class are read is {@link LiveQualityWindow}'s contract), beside the validation metrics of training: the latest
 * value in the version's source run of {@code val_<metric>} (as {@code slipway train} logs them), else of
 * {@code <metric>}. Only labelled predictions count: feedback whose request id and row match no logged prediction
 * never joins one. Thread-safe (stateless besides the client).
 */
final class LiveQualitySource {
    /** The prefix of the validation metrics training logs ({@code val_accuracy}, {@code val_roc_auc}, ...). */
    static final String VALIDATION_PREFIX = "val_";
    /** Every live metric name, in report order: classification, multiclass, then regression. */
    static final List<String> METRICS = List.of("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss",
            "precision_macro", "recall_macro", "f1_macro", "mean_error", "mae", "rmse", "r2");
    static final String NO_LABELS = "no labelled predictions in the window";

    private final TrackingClient client;

    LiveQualitySource(TrackingClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /**
     * Reads the live quality of the model version's predictions scored in {@code [startTime, endTime)} (epoch ms)
     * and the training metrics of its source run. A window without labelled predictions, or a server without the
     * quality endpoint, gives a result without quality and with the reason, not an exception.
     *
     * @param positiveLabel the positive class of a binary classifier; absent to let the server pick it
     * @throws SlipwayException when the tracking server cannot answer or refuses the parameters
     */
    LiveQuality read(MonitoredModel model, long startTime, long endTime, Optional<String> positiveLabel) {
        requireNonNull(model, "model is null");
        requireNonNull(positiveLabel, "positiveLabel is null");
        PredictionLogClient.QualityWindow window;
        try {
            window = client.predictions().quality(model.version().name(), Long.toString(model.version().version()),
                    Optional.of(startTime), Optional.of(endTime), positiveLabel);
        } catch (SlipwayException e) {
            if (e.errorCode() != ErrorCode.ENDPOINT_NOT_FOUND) {
                throw e;
            }
            return new LiveQuality(startTime, endTime, 0, 0, 0, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), trainingMetrics(model, METRICS), Optional.of("the tracking server at "
                            + client.trackingUri() + " does not compute live model quality (no "
                            + "/api/2.0/slipway/monitoring/quality)"));
        }
        Optional<ModelQuality> quality = window.quality().map(ModelQuality::fromJson);
        List<String> names = quality.map(found -> found.metrics().stream().map(QualityMetric::name).toList())
                .orElse(METRICS);
        Optional<String> notEnoughData = quality.isPresent() ? Optional.empty()
                : Optional.of(window.notEnoughData().orElse(NO_LABELS));
        return new LiveQuality(window.startTime(), window.endTime(), window.predictions(), window.labelled(),
                window.skipped(), window.skippedReason(), window.task(), window.positiveLabel(), quality,
                trainingMetrics(model, names), notEnoughData);
    }

    /** The latest value of {@code val_<name>}, else of {@code <name>}, in the source run, for each name it has. */
    private Map<String, Double> trainingMetrics(MonitoredModel model, List<String> names) {
        Map<String, Double> logged = new HashMap<>();
        for (Metric metric : client.getRun(model.runId()).metrics()) {
            logged.put(metric.key(), metric.value());
        }
        Map<String, Double> training = new LinkedHashMap<>();
        for (String name : names) {
            Double value = logged.getOrDefault(VALIDATION_PREFIX + name, logged.get(name));
            if (value != null) {
                training.put(name, value);
            }
        }
        return training;
    }

    /**
     * The live quality of a window and the training metrics to compare it with.
     *
     * @param startTime the window's start (epoch ms), inclusive
     * @param endTime the window's end (epoch ms), exclusive
     * @param predictions the predictions logged in the window
     * @param labelled of them, those with feedback
     * @param skipped of those, the ones whose outputs or actual value could not be read
     * @param skippedReason why the first was skipped, when one was
     * @param task {@code classification} or {@code regression}, absent without labelled rows
     * @param positiveLabel the positive class of a binary classifier
     * @param quality the live metrics; absent when no labelled row counted
     * @param training the training (validation) value per live metric name that the source run logged
     * @param notEnoughData why there is no quality, exactly when {@code quality} is absent
     */
    record LiveQuality(long startTime, long endTime, long predictions, long labelled, long skipped,
            Optional<String> skippedReason, Optional<String> task, Optional<String> positiveLabel,
            Optional<ModelQuality> quality, Map<String, Double> training, Optional<String> notEnoughData) {
        LiveQuality {
            requireNonNull(skippedReason, "skippedReason is null");
            requireNonNull(task, "task is null");
            requireNonNull(positiveLabel, "positiveLabel is null");
            requireNonNull(quality, "quality is null");
            training = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(training, "training is null")));
            requireNonNull(notEnoughData, "notEnoughData is null");
            if (quality.isPresent() == notEnoughData.isPresent()) {
                throw new IllegalArgumentException("exactly one of quality and notEnoughData must be present");
            }
        }

        /** The labelled predictions the quality counts (0 without quality). */
        long rows() {
            return quality.map(ModelQuality::rows).orElse(0L);
        }

        /**
         * The live metrics that have a value, by name, in report order, for alert rules; a multiclass window's
         * macro averages appear under their own names and also as {@code precision}, {@code recall} and
         * {@code f1}. Empty without quality.
         */
        Map<String, Double> metrics() {
            Map<String, Double> metrics = new LinkedHashMap<>();
            quality.ifPresent(found -> found.metrics().stream().filter(QualityMetric::hasValue)
                    .forEach(metric -> metrics.put(metric.name(), metric.value())));
            for (String name : List.of("precision", "recall", "f1")) {
                Double macro = metrics.get(name + "_macro");
                if (macro != null) {
                    metrics.putIfAbsent(name, macro);
                }
            }
            return Collections.unmodifiableMap(metrics);
        }

        /**
         * The JSON that monitor reports put under {@code model_quality}:
         * <pre>{@code
         * {"start_time": ms, "end_time": ms,        // the window [start_time, end_time)
         *  "rows": r,                               // labelled predictions counted (0 without quality)
         *  "predictions": n, "labelled": m,         // predictions in the window; of them, those with feedback
         *  "skipped": k, "skipped_reason": "...",   // labelled rows whose values could not be read (reason if k > 0)
         *  "task": "classification" | "regression" | null,
         *  "positive_label": "yes",                 // binary classifiers only
         *  "accuracy": 0.91, "roc_auc": null, ...,  // with quality: each live metric, null when undefined
         *  "training": {"accuracy": 0.93, ...},     // the source run's validation value of each metric it logged
         *  "not_enough_data": ...}
         * }</pre>
         * {@code not_enough_data} is the reason text when there is no quality at all (no labelled predictions in the
         * window); with quality it is present only when some metric is undefined, as an object from metric name to
         * reason.
         */
        ObjectNode toJson() {
            ObjectNode json = TrackingCommand.json().createObjectNode();
            json.put("start_time", startTime);
            json.put("end_time", endTime);
            json.put("rows", rows());
            json.put("predictions", predictions);
            json.put("labelled", labelled);
            json.put("skipped", skipped);
            skippedReason.ifPresent(reason -> json.put("skipped_reason", reason));
            if (task.isPresent()) {
                json.put("task", task.get());
            } else {
                json.putNull("task");
            }
            positiveLabel.ifPresent(label -> json.put("positive_label", label));
            if (quality.isPresent()) {
                ObjectNode metrics = quality.get().toJson();
                metrics.remove("rows");
                json.setAll(metrics);
            }
            ObjectNode trainingJson = json.putObject("training");
            training.forEach(trainingJson::put);
            notEnoughData.ifPresent(reason -> json.put("not_enough_data", reason));
            return json;
        }
    }
}
