package dev.slipway.serving;

import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The serving counters, rendered in the Prometheus text format: requests and errors by model, version, variant and
 * protocol; a scoring latency histogram by model, version and variant; the prediction log's queue depth and
 * dropped rows; shadow requests dropped because the shadow scorer was busy. Thread-safe; recording never blocks.
 */
final class ServingMetrics {
    /** Histogram bucket bounds in seconds. */
    private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
        2.5, 5, 10};

    private final Map<RequestLabels, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<RequestLabels, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<ModelLabels, Histogram> latencies = new ConcurrentHashMap<>();
    private final LongAdder shadowDropped = new LongAdder();

    /** Counts one request (an error when its status is 400 or more). */
    void request(String model, String version, String variant, String protocol, int status) {
        RequestLabels labels = new RequestLabels(model, version, variant, protocol);
        requests.computeIfAbsent(labels, key -> new LongAdder()).increment();
        if (status >= 400) {
            errors.computeIfAbsent(labels, key -> new LongAdder()).increment();
        }
    }

    /** Records how long one model version took to answer (parsing, scoring and logging). */
    void latency(String model, String version, String variant, double seconds) {
        latencies.computeIfAbsent(new ModelLabels(model, version, variant), key -> new Histogram()).observe(seconds);
    }

    void shadowDropped() {
        shadowDropped.increment();
    }

    String render(PredictionLog log, ModelRepository models) {
        StringBuilder text = new StringBuilder(4096);
        text.append("# HELP slipway_serving_requests_total Scoring requests, by model, version, variant and protocol.\n");
        text.append("# TYPE slipway_serving_requests_total counter\n");
        counters(text, "slipway_serving_requests_total", requests);
        text.append("# HELP slipway_serving_errors_total Scoring requests answered with a status of 400 or more.\n");
        text.append("# TYPE slipway_serving_errors_total counter\n");
        counters(text, "slipway_serving_errors_total", errors);
        text.append("# HELP slipway_serving_request_duration_seconds Time to answer a scoring request.\n");
        text.append("# TYPE slipway_serving_request_duration_seconds histogram\n");
        latencies.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparing(ModelLabels::toString)))
                .forEach(entry -> entry.getValue().render(text, entry.getKey()));
        text.append("# HELP slipway_serving_prediction_log_queue_depth Scored rows waiting to be written.\n");
        text.append("# TYPE slipway_serving_prediction_log_queue_depth gauge\n");
        text.append("slipway_serving_prediction_log_queue_depth ").append(log.queueDepth()).append('\n');
        text.append("# HELP slipway_serving_prediction_log_dropped_rows_total Scored rows dropped from a full queue.\n");
        text.append("# TYPE slipway_serving_prediction_log_dropped_rows_total counter\n");
        text.append("slipway_serving_prediction_log_dropped_rows_total ").append(log.droppedRows()).append('\n');
        text.append("# HELP slipway_serving_shadow_dropped_total Shadow copies not scored because the shadow scorer"
                + " was busy.\n");
        text.append("# TYPE slipway_serving_shadow_dropped_total counter\n");
        text.append("slipway_serving_shadow_dropped_total ").append(shadowDropped.sum()).append('\n');
        text.append("# HELP slipway_serving_model_swaps_total Live swaps to a new model version since start.\n");
        text.append("# TYPE slipway_serving_model_swaps_total counter\n");
        text.append("slipway_serving_model_swaps_total ").append(models.swaps()).append('\n');
        text.append("# HELP slipway_serving_model_swap_failures_total Swaps that failed; the previous version kept "
                + "serving.\n");
        text.append("# TYPE slipway_serving_model_swap_failures_total counter\n");
        text.append("slipway_serving_model_swap_failures_total ").append(models.swapFailures()).append('\n');
        return text.toString();
    }

    private static void counters(StringBuilder text, String name, Map<RequestLabels, LongAdder> counters) {
        counters.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparing(RequestLabels::toString)))
                .forEach(entry -> text.append(name).append('{').append(entry.getKey()).append("} ")
                        .append(entry.getValue().sum()).append('\n'));
    }

    private static void label(StringBuilder text, String name, String value, boolean last) {
        text.append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char character = value.charAt(i);
            switch (character) {
                case '\\' -> text.append("\\\\");
                case '"' -> text.append("\\\"");
                case '\n' -> text.append("\\n");
                default -> text.append(character);
            }
        }
        text.append('"');
        if (!last) {
            text.append(',');
        }
    }

    private record RequestLabels(String model, String version, String variant, String protocol) {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            label(text, "model", model, false);
            label(text, "version", version, false);
            label(text, "variant", variant, false);
            label(text, "protocol", protocol, true);
            return text.toString();
        }
    }

    private record ModelLabels(String model, String version, String variant) {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            label(text, "model", model, false);
            label(text, "version", version, false);
            label(text, "variant", variant, true);
            return text.toString();
        }
    }

    private static final class Histogram {
        private final LongAdder[] counts = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }

        void render(StringBuilder text, ModelLabels labels) {
            String name = "slipway_serving_request_duration_seconds";
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += counts[i].sum();
                text.append(name).append("_bucket{").append(labels).append(",le=\"").append(BUCKETS[i])
                        .append("\"} ").append(cumulative).append('\n');
            }
            long total = count.sum();
            text.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(total).append('\n');
            text.append(name).append("_sum{").append(labels).append("} ").append(sum.sum()).append('\n');
            text.append(name).append("_count{").append(labels).append("} ").append(total).append('\n');
        }
    }
}
