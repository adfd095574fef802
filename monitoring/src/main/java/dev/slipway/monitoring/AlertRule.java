package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * An alert rule of a monitor: a condition on an evaluation's drift report or live quality, and what to do when it
 * holds: call a webhook with a JSON body, and/or retrain (run {@code slipway ci} in a pipeline project, whose gate
 * decides whether the new model replaces the champion).
 *
 * <p>A rule fires when its condition holds and did not hold at the previous evaluation, or held but the rule last
 * fired more than {@code repeat} ago; so a lasting drift calls the webhook once a day by default, not at every
 * evaluation.
 *
 * @param features for {@link Condition#FEATURE_DRIFT}, the features watched (empty: any feature)
 * @param metric for the quality conditions, the live metric compared with {@code bound}
 */
public record AlertRule(Condition condition, List<String> features, Optional<String> metric, OptionalDouble bound,
        Optional<URI> webhook, Optional<Retrain> retrain, Duration repeat) {
    public static final Duration DEFAULT_REPEAT = Duration.ofHours(24);

    /** The live quality metrics a rule may name. */
    public static final List<String> QUALITY_METRICS = List.of("accuracy", "precision", "recall", "f1", "roc_auc",
            "log_loss", "mae", "rmse", "r2");

    /** When a rule holds. */
    public enum Condition {
        /** The dataset drifts: the drifted share of features reached the monitor's drift share. */
        DATASET_DRIFT,
        /** One of the watched features (any, when none is named) drifted. */
        FEATURE_DRIFT,
        /** A live quality metric is below the bound (accuracy, F1, ROC AUC, R2...). */
        QUALITY_BELOW,
        /** A live quality metric is above the bound (log loss, MAE, RMSE...). */
        QUALITY_ABOVE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Retraining: {@code slipway ci} run in the pipeline project folder {@code project} with {@code arguments}.
     */
    public record Retrain(String project, List<String> arguments) {
        public Retrain {
            requireNonNull(project, "project is null");
            arguments = List.copyOf(requireNonNull(arguments, "arguments is null"));
        }
    }

    public AlertRule {
        requireNonNull(condition, "condition is null");
        features = List.copyOf(requireNonNull(features, "features is null"));
        requireNonNull(metric, "metric is null");
        requireNonNull(bound, "bound is null");
        requireNonNull(webhook, "webhook is null");
        requireNonNull(retrain, "retrain is null");
        requireNonNull(repeat, "repeat is null");
        switch (condition) {
            case DATASET_DRIFT, FEATURE_DRIFT -> {
                if (metric.isPresent() || bound.isPresent()) {
                    throw new IllegalArgumentException(condition.wireName() + " takes no metric or bound");
                }
            }
            case QUALITY_BELOW, QUALITY_ABOVE -> {
                if (metric.isEmpty() || bound.isEmpty()) {
                    throw new IllegalArgumentException(condition.wireName() + " needs a metric and a bound");
                }
            }
        }
        if (webhook.isEmpty() && retrain.isEmpty()) {
            throw new IllegalArgumentException("a rule needs a webhook or retrain action");
        }
    }

    /** The rule in words, as actions record it: {@code dataset_drift}, {@code quality_below accuracy 0.8}. */
    public String describe() {
        return switch (condition) {
            case DATASET_DRIFT -> condition.wireName();
            case FEATURE_DRIFT -> features.isEmpty() ? condition.wireName()
                    : condition.wireName() + " " + String.join(",", features);
            case QUALITY_BELOW, QUALITY_ABOVE -> condition.wireName() + " " + metric.get() + " "
                    + number(bound.getAsDouble());
        };
    }

    /**
     * Whether the rule holds for an evaluation, and why, with the numbers: absent when it does not hold or cannot be
     * decided (no drift report for a drift rule, the metric not measured for a quality rule: never a made-up alert).
     *
     * @param liveQuality the live quality metrics that have a value in the window
     */
    public Optional<String> cause(Optional<DriftReport> drift, Map<String, Double> liveQuality) {
        requireNonNull(drift, "drift is null");
        requireNonNull(liveQuality, "liveQuality is null");
        return switch (condition) {
            case DATASET_DRIFT -> drift.filter(DriftReport::datasetDrift).map(report -> String.format(Locale.ROOT,
                    "dataset drift: %d of %d features drifted (share %s >= %s): %s", report.driftedFeatures().size(),
                    report.features().size(), number(report.driftShare()),
                    number(report.driftShareThreshold()), names(report.driftedFeatures())));
            case FEATURE_DRIFT -> drift.flatMap(report -> {
                List<DriftResult> drifted = report.driftedFeatures().stream()
                        .filter(feature -> features.isEmpty() || features.contains(feature.column())).toList();
                return drifted.isEmpty() ? Optional.empty() : Optional.of("features drifted: " + drifted.stream()
                        .map(feature -> String.format(Locale.ROOT, "%s (%s %s, threshold %s)", feature.column(),
                                feature.method().wireName(), number(feature.score()),
                                number(feature.threshold())))
                        .collect(Collectors.joining(", ")));
            });
            case QUALITY_BELOW, QUALITY_ABOVE -> {
                Double value = liveQuality.get(metric.get());
                if (value == null || value.isNaN()) {
                    yield Optional.empty();
                }
                boolean below = condition == Condition.QUALITY_BELOW;
                boolean holds = below ? value < bound.getAsDouble() : value > bound.getAsDouble();
                yield holds ? Optional.of(String.format(Locale.ROOT, "live %s %s is %s the bound %s", metric.get(),
                        number(value), below ? "below" : "above",
                        number(bound.getAsDouble()))) : Optional.empty();
            }
        };
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value).replaceFirst("(\\.\\d*?)0+$", "$1").replaceFirst("\\.$", "");
    }

    private static String names(List<DriftResult> features) {
        return features.stream().map(DriftResult::column).collect(Collectors.joining(", "));
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("when", condition.wireName());
        if (!features.isEmpty()) {
            features.forEach(json.putArray("features")::add);
        }
        metric.ifPresent(name -> json.put("metric", name));
        bound.ifPresent(value -> json.put("bound", value));
        webhook.ifPresent(uri -> json.put("webhook", uri.toString()));
        retrain.ifPresent(action -> {
            ObjectNode node = json.putObject("retrain");
            node.put("project", action.project());
            action.arguments().forEach(node.putArray("args")::add);
        });
        json.put("repeat", Durations.text(repeat));
        return json;
    }
}
