package dev.slipway.server;

import static dev.slipway.server.MlflowPaths.tracking;
import static io.javalin.http.HandlerType.GET;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.RunMetric;
import dev.slipway.core.tracking.TrackingService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The metric history endpoints. {@code metrics/get-history} streams its answer: points go from the store's cursor
 * through a JSON generator straight to the socket, so a history of millions of points needs constant heap. All
 * arguments are validated before the first byte is written, so errors still get a proper status and JSON body.
 */
final class MetricRoutes {
    /** The ajax-only bulk endpoint serves at most this many points (MLflow's MAX_RESULTS_GET_METRIC_HISTORY). */
    static final int MAX_BULK_RESULTS = 25_000;
    static final int MAX_BULK_RUNS = 100;

    private static final int STREAM_BUFFER_BYTES = 64 * 1024;
    private static final Comparator<Metric> HISTORY_ORDER = Comparator.comparingLong(Metric::timestamp)
            .thenComparingLong(Metric::step).thenComparingDouble(Metric::value);

    private final TrackingService tracking;
    private final RequestReader reader;

    MetricRoutes(TrackingService tracking, RequestReader reader) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        tracking(routes, GET, "metrics/get-history", this::getHistory);
        tracking(routes, GET, "metrics/get-history-bulk-interval", this::getHistoryBulkInterval);
        routes.get("/ajax-api/2.0/mlflow/metrics/get-history-bulk", this::getHistoryBulk);
    }

    private void getHistory(Context ctx) throws IOException {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        String metricKey = request.requiredString("metric_key");
        Optional<Integer> maxResults = request.int32("max_results");
        long offset = PageToken.decode(request.string("page_token"));
        if (maxResults.isPresent() && maxResults.get() < 1) {
            throw SlipwayException.invalidParameter(
                    "Invalid value %d for parameter 'max_results' supplied: it must be at least 1", maxResults.get());
        }
        tracking.checkMetricHistoryRequest(runId, metricKey);

        ctx.contentType(WireFormat.JSON_CONTENT_TYPE);
        // not closed on failure: the error handler then aborts the connection instead of ending the body normally
        OutputStream out = new BufferedOutputStream(ctx.outputStream(), STREAM_BUFFER_BYTES);
        JsonGenerator generator = WireFormat.generator(out);
        HistoryWriter writer = new HistoryWriter(generator, maxResults.map(Integer::longValue).orElse(Long.MAX_VALUE));
        // the run was checked above; one point past the page only tells that there is a next page
        long limit = maxResults.map(value -> value + 1L).orElse(Long.MAX_VALUE);
        tracking.streamMetricHistoryPage(runId, metricKey, offset, limit, writer);
        writer.finish(offset);
        generator.close();
    }

    /**
     * Writes {@code {"metrics": [...], "next_page_token": ...}} point by point. The array is opened at the first
     * point, so an empty history is {@code {}}; a point past the page size only signals that there is a next page.
     */
    private static final class HistoryWriter implements Consumer<Metric> {
        private final JsonGenerator generator;
        private final long pageSize;
        private long written;
        private boolean morePoints;

        HistoryWriter(JsonGenerator generator, long pageSize) {
            this.generator = generator;
            this.pageSize = pageSize;
        }

        @Override
        public void accept(Metric metric) {
            try {
                if (written == pageSize) {
                    morePoints = true;
                    return;
                }
                if (written == 0) {
                    generator.writeStartObject();
                    generator.writeArrayFieldStart("metrics");
                }
                WireFormat.metric(generator, metric);
                written++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void finish(long offset) throws IOException {
            if (written == 0) {
                generator.writeStartObject();
            } else {
                generator.writeEndArray();
            }
            if (morePoints) {
                generator.writeStringField("next_page_token", PageToken.encode(offset + written));
            }
            generator.writeEndObject();
        }
    }

    private void getHistoryBulkInterval(Context ctx) {
        ApiRequest request = reader.read(ctx);
        List<RunMetric> metrics = tracking.metricHistoryBulkInterval(request.strings("run_ids"),
                request.string("metric_key").orElse(""), request.int64("start_step"), request.int64("end_step"),
                request.int32("max_results"));
        sendRunMetrics(ctx, metrics);
    }

    /**
     * The history of one metric for up to 100 runs, ordered by run id, then timestamp, step and value, cut at
     * max_results points overall. Only as many points as can still be returned are held in memory.
     */
    private void getHistoryBulk(Context ctx) {
        ApiRequest request = reader.read(ctx);
        List<String> runIds = request.strings("run_id");
        if (runIds.isEmpty()) {
            throw SlipwayException.invalidParameter("GetMetricHistoryBulk request must specify at least one run_id.");
        }
        if (runIds.size() > MAX_BULK_RUNS) {
            throw SlipwayException.invalidParameter(
                    "GetMetricHistoryBulk request cannot specify more than %d run_ids. Received %d run_ids.",
                    MAX_BULK_RUNS, runIds.size());
        }
        String metricKey = request.requiredString("metric_key");
        int maxResults = request.int32("max_results").orElse(MAX_BULK_RESULTS);
        if (maxResults < 0) {
            throw SlipwayException.invalidParameter(
                    "Invalid value %d for parameter 'max_results' supplied: it must not be negative", maxResults);
        }
        int remaining = Math.min(maxResults, MAX_BULK_RESULTS);
        for (String runId : runIds) {
            tracking.checkMetricHistoryRequest(runId, metricKey);
        }
        List<RunMetric> result = new ArrayList<>();
        for (String runId : new TreeSet<>(runIds)) {
            if (remaining == 0) {
                break;
            }
            List<Metric> earliest = earliestPoints(runId, metricKey, remaining);
            for (Metric metric : earliest) {
                result.add(new RunMetric(runId, metric));
            }
            remaining -= earliest.size();
        }
        sendRunMetrics(ctx, result);
    }

    /** The first {@code count} points of a run's history in (timestamp, step, value) order. */
    private List<Metric> earliestPoints(String runId, String metricKey, int count) {
        PriorityQueue<Metric> latestFirst = new PriorityQueue<>(Math.min(count, 1024), HISTORY_ORDER.reversed());
        tracking.streamMetricHistory(runId, metricKey, metric -> {
            if (latestFirst.size() < count) {
                latestFirst.add(metric);
            } else if (HISTORY_ORDER.compare(metric, latestFirst.peek()) < 0) {
                latestFirst.poll();
                latestFirst.add(metric);
            }
        });
        List<Metric> points = new ArrayList<>(latestFirst);
        points.sort(HISTORY_ORDER);
        return points;
    }

    private static void sendRunMetrics(Context ctx, List<RunMetric> metrics) {
        WireFormat.send(ctx, WireFormat.object(generator -> {
            if (!metrics.isEmpty()) {
                generator.writeArrayFieldStart("metrics");
                for (RunMetric metric : metrics) {
                    WireFormat.runMetric(generator, metric);
                }
                generator.writeEndArray();
            }
        }));
    }
}
