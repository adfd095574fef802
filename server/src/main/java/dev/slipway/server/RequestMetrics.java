package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests by route pattern, method and status, and keeps a latency histogram per route pattern, in the
 * Prometheus text exposition format. Routes are patterns ({@code /api/2.0/mlflow/runs/get}), never raw paths, so
 * the number of series stays bounded. Other parts of the server add their own series with {@link #addCollector};
 * they follow the request series in every scrape. Thread-safe; recording is lock-free.
 */
final class RequestMetrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final double[] BUCKET_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10};

    private final Map<RequestKey, LongAdder> requestCounts = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latencies = new ConcurrentHashMap<>();

    private final List<Collector> collectors = new CopyOnWriteArrayList<>(List.of(new JvmMetrics()));

    /** Series computed at scrape time, in the Prometheus text format with their HELP and TYPE lines. */
    @FunctionalInterface
    interface Collector {
        /** Appends the series; called by each scrape, from any thread. */
        void appendTo(StringBuilder out);
    }

    /** Adds series to every later scrape, after those added before. */
    void addCollector(Collector collector) {
        collectors.add(requireNonNull(collector, "collector is null"));
    }

    private record RequestKey(String route, String method, int status) {}

    private static final class Histogram {
        private final LongAdder[] buckets = new LongAdder[BUCKET_BOUNDS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int index = 0; index < buckets.length; index++) {
                buckets[index] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int index = 0; index < BUCKET_BOUNDS.length; index++) {
                if (seconds <= BUCKET_BOUNDS[index]) {
                    buckets[index].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }
    }

    void record(String route, String method, int status, double seconds) {
        requestCounts.computeIfAbsent(new RequestKey(route, method, status), key -> new LongAdder()).increment();
        latencies.computeIfAbsent(route, key -> new Histogram()).observe(seconds);
    }

    /** All series in the Prometheus text format, sorted for a stable output. */
    String scrape() {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP slipway_http_requests_total HTTP requests by route pattern, method and status.\n");
        out.append("# TYPE slipway_http_requests_total counter\n");
        Map<String, Long> counts = new TreeMap<>();
        requestCounts.forEach((key, count) -> counts.put("{route=\"" + escape(key.route()) + "\",method=\""
                + escape(key.method()) + "\",status=\"" + key.status() + "\"}", count.sum()));
        counts.forEach((labels, count) -> out.append("slipway_http_requests_total").append(labels).append(' ')
                .append(count).append('\n'));

        out.append("# HELP slipway_http_request_duration_seconds HTTP request latency by route pattern.\n");
        out.append("# TYPE slipway_http_request_duration_seconds histogram\n");
        new TreeMap<>(latencies).forEach((route, histogram) -> {
            String label = "route=\"" + escape(route) + "\"";
            long cumulative = 0;
            for (int index = 0; index < BUCKET_BOUNDS.length; index++) {
                cumulative += histogram.buckets[index].sum();
                out.append("slipway_http_request_duration_seconds_bucket{").append(label).append(",le=\"")
                        .append(BUCKET_BOUNDS[index]).append("\"} ").append(cumulative).append('\n');
            }
            // a concurrent observation may be in a bucket before it is in the count; keep +Inf monotonic
            long count = Math.max(histogram.count.sum(), cumulative);
            out.append("slipway_http_request_duration_seconds_bucket{").append(label).append(",le=\"+Inf\"} ")
                    .append(count).append('\n');
            out.append("slipway_http_request_duration_seconds_sum{").append(label).append("} ")
                    .append(histogram.sum.sum()).append('\n');
            out.append("slipway_http_request_duration_seconds_count{").append(label).append("} ").append(count)
                    .append('\n');
        });
        for (Collector collector : collectors) {
            collector.appendTo(out);
        }
        return out.toString();
    }

    /** A label value with backslash, double quote and line feed escaped. */
    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
