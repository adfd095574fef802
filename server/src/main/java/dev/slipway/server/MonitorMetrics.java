package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.ActionCount;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorService;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.monitors.StoredMonitor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus series of the latest result of each monitor, read from the store at scrape time: rows, dataset
 * drift (0 or 1), drifted share, each feature's drift score and verdict, every numeric field of the report's
 * {@code model_quality} except {@code rows}, the time of the evaluation, and the status (1 for the latest status, 0
 * for the others). Every series carries the labels {@code monitor} and {@code model} (the definition's
 * {@code model} URI). Values that are missing, null, not numbers or not finite are left out; a monitor never
 * evaluated has no series. Then the counter {@code slipway_monitor_actions_total} of the actions each monitor's rules
 * took, by {@code kind} and {@code succeeded}. Families come in a fixed order, series within a family sorted by their
 * labels. When the
 * store fails, the scrape goes on without the monitor series and the failure is logged. Thread-safe.
 */
final class MonitorMetrics implements RequestMetrics.Collector {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorMetrics.class);

    private final MonitorService monitors;

    MonitorMetrics(MonitorService monitors) {
        this.monitors = requireNonNull(monitors, "monitors is null");
    }

    /** A monitor's latest result with what its series read from the definition and the report. */
    private record Evaluated(String monitor, String model, MonitorResult result, JsonNode report) {}

    /** The series of one metric: label text to value, sorted; a gauge unless its type says otherwise. */
    private record Family(String name, String help, String type, Map<String, String> series) {
        Family(String name, String help) {
            this(name, help, "gauge", new TreeMap<>());
        }

        void add(String labels, String value) {
            series.put(labels, value);
        }

        void appendTo(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            series.forEach((labels, value) -> out.append(name).append('{').append(labels).append("} ").append(value)
                    .append('\n'));
        }
    }

    @Override
    public void appendTo(StringBuilder out) {
        List<Evaluated> evaluated;
        try {
            evaluated = evaluated();
        } catch (SlipwayException e) {
            LOG.warn("Monitor series left out of the scrape: {}", e.getMessage(), e);
            return;
        }
        Family rows = new Family("slipway_monitor_rows", "Predictions in the window of the latest evaluation.");
        Family datasetDrift = new Family("slipway_monitor_dataset_drift",
                "Whether the latest evaluation found dataset drift (1) or not (0).");
        Family driftShare = new Family("slipway_monitor_drift_share",
                "Share of the features that drifted in the latest evaluation.");
        Family featureScore = new Family("slipway_monitor_feature_drift_score",
                "Drift score of a feature in the latest evaluation, by drift method.");
        Family featureDrifted = new Family("slipway_monitor_feature_drifted",
                "Whether a feature drifted (1) or not (0) in the latest evaluation.");
        Family quality = new Family("slipway_monitor_quality",
                "Live model quality metric of the latest evaluation.");
        Family lastEvaluation = new Family("slipway_monitor_last_evaluation_timestamp_seconds",
                "Time of the latest evaluation, in seconds since the epoch.");
        Family status = new Family("slipway_monitor_status",
                "Status of the latest evaluation: 1 for the current status, 0 for the others.");
        for (Evaluated monitor : evaluated) {
            String labels = "monitor=\"" + RequestMetrics.escape(monitor.monitor()) + "\",model=\""
                    + RequestMetrics.escape(monitor.model()) + "\"";
            MonitorResult result = monitor.result();
            rows.add(labels, Long.toString(result.rows()));
            result.datasetDrift().ifPresent(drift -> datasetDrift.add(labels, drift ? "1" : "0"));
            result.driftShare().filter(Double::isFinite).ifPresent(share -> driftShare.add(labels, number(share)));
            for (JsonNode feature : monitor.report().path("features")) {
                JsonNode name = feature.path("name");
                if (!name.isTextual()) {
                    continue;
                }
                String featureLabels = labels + ",feature=\"" + RequestMetrics.escape(name.textValue()) + "\"";
                finite(feature.path("score")).ifPresent(score -> featureScore.add(featureLabels + ",method=\""
                        + RequestMetrics.escape(feature.path("method").asText("")) + "\"", number(score)));
                JsonNode drifted = feature.path("drifted");
                if (drifted.isBoolean()) {
                    featureDrifted.add(featureLabels, drifted.booleanValue() ? "1" : "0");
                }
            }
            JsonNode modelQuality = monitor.report().path("model_quality");
            for (Iterator<Map.Entry<String, JsonNode>> fields = modelQuality.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getKey().equals("rows")) {
                    finite(field.getValue()).ifPresent(value -> quality.add(labels + ",metric=\""
                            + RequestMetrics.escape(field.getKey()) + "\"", number(value)));
                }
            }
            lastEvaluation.add(labels, seconds(result.time()));
            for (MonitorStatus candidate : MonitorStatus.values()) {
                status.add(labels + ",status=\"" + candidate.wireName() + "\"",
                        candidate == result.status() ? "1" : "0");
            }
        }
        for (Family family : List.of(rows, datasetDrift, driftShare, featureScore, featureDrifted, quality,
                lastEvaluation, status)) {
            family.appendTo(out);
        }
        actions().appendTo(out);
    }

    /** The actions each monitor took (webhooks, retrains), by kind and outcome; none when the store fails. */
    private Family actions() {
        Family actions = new Family("slipway_monitor_actions_total", "Actions taken by monitor rules (webhook calls, "
                + "retrains), by kind and whether they succeeded.", "counter", new TreeMap<>());
        try {
            for (ActionCount count : monitors.actionCounts()) {
                actions.add("monitor=\"" + RequestMetrics.escape(count.monitorName()) + "\",kind=\""
                        + RequestMetrics.escape(count.kind()) + "\",succeeded=\"" + count.succeeded() + "\"",
                        Long.toString(count.count()));
            }
        } catch (SlipwayException e) {
            LOG.warn("Monitor action counts left out of the scrape: {}", e.getMessage(), e);
        }
        return actions;
    }

    private List<Evaluated> evaluated() {
        List<Evaluated> evaluated = new ArrayList<>();
        for (StoredMonitor monitor : monitors.listMonitors()) {
            Optional<MonitorResult> latest = monitors.latestResult(monitor.name());
            if (latest.isPresent()) {
                String model = parse(monitor.definitionJson()).path("model").asText("");
                evaluated.add(new Evaluated(monitor.name(), model, latest.get(), parse(latest.get().reportJson())));
            }
        }
        return evaluated;
    }

    /** The JSON text as a tree; a missing node when it is not JSON, so that every field read of it is missing. */
    private static JsonNode parse(String json) {
        try {
            return WireFormat.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return WireFormat.MAPPER.missingNode();
        }
    }

    private static Optional<Double> finite(JsonNode node) {
        return node.isNumber() && Double.isFinite(node.doubleValue()) ? Optional.of(node.doubleValue())
                : Optional.empty();
    }

    /** Epoch milliseconds as seconds, exactly: {@code 1767225660.5}. */
    private static String seconds(long millis) {
        return BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    /** A sample value: whole numbers without a fraction, others as Java writes doubles (Prometheus reads both). */
    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
