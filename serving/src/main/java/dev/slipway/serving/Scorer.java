package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.models.scoring.FeatureBatch;
import dev.slipway.models.scoring.Predictions;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Scores request tables: routes each request through the {@link ModelRepository}, enforces the model's schema,
 * fills a reused {@link FeatureBatch} (one per thread, model and column set; capacity grows up to
 * {@value ServingServer#CHUNK_ROWS} rows, larger requests are scored chunk by chunk), scores with the primary lease,
 * hands a copy to the shadow model on a small bounded executor (dropped when it is busy), and logs every scored row
 * to the {@link PredictionLog}. Thread-safe.
 */
final class Scorer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Scorer.class);
    private static final int SHADOW_QUEUE = 64;
    private static final int MAX_BATCHES_PER_MODEL = 16;
    private static final String SOURCE = "request";

    private final ModelRepository models;
    private final PredictionLog log;
    private final Clock clock;
    private final ServingMetrics metrics;
    private final ThreadPoolExecutor shadows;
    private final ThreadLocal<Map<ServedModel, ModelState>> states =
            ThreadLocal.withInitial(WeakHashMap::new);

    Scorer(ModelRepository models, PredictionLog log, Clock clock, ServingMetrics metrics) {
        this.models = requireNonNull(models, "models is null");
        this.log = requireNonNull(log, "log is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        AtomicInteger threads = new AtomicInteger();
        this.shadows = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(SHADOW_QUEUE),
                runnable -> {
                    Thread thread = new Thread(runnable, "slipway-shadow-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** The answer to one request: which model version and variant answered, and its predictions by chunk. */
    record Scored(String model, String version, String variant, List<Predictions> chunks, int chunkRows,
            int rows) {

        /** The predictions holding row {@code row} of the request. */
        Predictions chunk(int row) {
            return chunks.get(row / chunkRows);
        }

        /** The index of row {@code row} of the request inside {@link #chunk(int)}. */
        int rowInChunk(int row) {
            return row % chunkRows;
        }
    }

    /** What the request handler learnt about the request so far, for the access log and metrics. */
    static final class Outcome {
        String model = "";
        String version = "";
        String variant = "";
    }

    /**
     * Scores a request.
     *
     * @param deadline {@link System#nanoTime()} after which the request is answered 504
     * @throws ServingFailure for an empty request, a schema violation or a passed deadline
     * @throws dev.slipway.core.SlipwayException for an unknown model or input the model refuses
     */
    Scored score(String modelName, Optional<String> requestKey, InputTable table, String requestId, long deadline,
            Outcome outcome) {
        return score(modelName, () -> models.route(modelName, requestKey), table, requestId, deadline, outcome);
    }

    /** Scores a request with the model {@code router} chooses (e.g. one pinned version). */
    Scored score(String modelName, Supplier<Route> router, InputTable table, String requestId, long deadline,
            Outcome outcome) {
        outcome.model = modelName;
        if (table.rowCount() == 0) {
            throw ServingFailure.badRequest("The request holds no rows; send at least one row to score");
        }
        Route route = router.get();
        Lease primary = route.primary();
        Optional<Lease> shadow = route.shadow();
        boolean shadowHandedOver = false;
        try {
            ServedModel model = primary.model();
            outcome.version = model.version();
            outcome.variant = primary.variant();
            long start = System.nanoTime();
            Scored scored = scoreWith(model, primary.variant(), table, requestId, deadline, start);
            if (shadow.isPresent()) {
                shadowHandedOver = submitShadow(shadow.get(), table, requestId);
            }
            return scored;
        } finally {
            primary.close();
            if (!shadowHandedOver) {
                shadow.ifPresent(Lease::close);
            }
        }
    }

    private Scored scoreWith(ServedModel model, String variant, InputTable table, String requestId, long deadline,
            long start) {
        ModelState state = state(model);
        ModelInput.Binding binding = state.input.bind(table);
        int rows = table.rowCount();
        BoundBatch bound = state.batch(model, binding.header(), Math.min(rows, ServingServer.CHUNK_ROWS));
        boolean logging = log != PredictionLog.NONE;
        List<String> inputs = logging ? new ArrayList<>(rows) : List.of();
        // a model exported for one row per run gets batches of capacity 1
        int chunkRows = Math.max(1, Math.min(ServingServer.CHUNK_ROWS, bound.batch.capacity()));
        List<Predictions> chunks = new ArrayList<>(1 + rows / chunkRows);
        for (int first = 0; first < rows; first += chunkRows) {
            checkDeadline(deadline);
            FeatureBatch batch = bound.batch;
            batch.clear();
            int end = Math.min(rows, first + chunkRows);
            for (int row = first; row < end; row++) {
                binding.fill(table, row, bound.row);
                batch.addRow(bound.row);
                if (logging) {
                    inputs.add(inputJson(binding.header(), bound.row));
                }
            }
            chunks.add(model.onnx().predict(batch));
        }
        checkDeadline(deadline);
        double latencyMillis = (System.nanoTime() - start) / 1e6;
        metrics.latency(model.name(), model.version(), variant, latencyMillis / 1000);
        Scored scored = new Scored(model.name(), model.version(), variant, List.copyOf(chunks), chunkRows,
                rows);
        if (logging) {
            long now = clock.millis();
            List<LoggedPrediction> records = new ArrayList<>(rows);
            for (int row = 0; row < rows; row++) {
                records.add(new LoggedPrediction(requestId, row, now, model.name(), model.version(), variant,
                        inputs.get(row), outputJson(scored.chunk(row), scored.rowInChunk(row)), latencyMillis));
            }
            try {
                log.record(records);
            } catch (RuntimeException e) {
                // the log must never fail a request; an implementation that throws is a bug reported here
                LOG.warn("The prediction log refused {} rows of request {}: {}", rows, requestId, e.toString());
            }
        }
        return scored;
    }

    /** How a model takes its input (cached per thread). */
    ModelInput input(ServedModel model) {
        return state(model).input;
    }

    private ModelState state(ServedModel model) {
        return states.get().computeIfAbsent(model, key -> new ModelState(ModelInput.of(key.onnx())));
    }

    private boolean submitShadow(Lease shadow, InputTable table, String requestId) {
        try {
            shadows.execute(() -> {
                try (shadow) {
                    long start = System.nanoTime();
                    scoreWith(shadow.model(), Lease.SHADOW, table, requestId, start + TimeUnit.DAYS.toNanos(1), start);
                    metrics.request(shadow.model().name(), shadow.model().version(), Lease.SHADOW, "shadow", 200);
                } catch (RuntimeException e) {
                    // the shadow's answer is discarded; so is its failure, which the metrics count
                    metrics.request(shadow.model().name(), shadow.model().version(), Lease.SHADOW, "shadow", 400);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            metrics.shadowDropped();
            return false;
        }
    }

    private static void checkDeadline(long deadline) {
        if (System.nanoTime() - deadline > 0) {
            throw new ServingFailure(504, "DEADLINE_EXCEEDED", "The request took longer than the server's request"
                    + " timeout and was abandoned");
        }
    }

    private static String inputJson(List<String> header, InputRow row) {
        StringWriter text = new StringWriter(64);
        try (JsonGenerator generator = MlflowRequests.JSON.getFactory().createGenerator(text)) {
            generator.writeStartObject();
            for (int column = 0; column < header.size(); column++) {
                generator.writeFieldName(header.get(column));
                if (row.missing(column)) {
                    generator.writeNull();
                } else if (row.text(column) != null) {
                    generator.writeString(row.text(column));
                } else {
                    generator.writeNumber(row.number(column));
                }
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static String outputJson(Predictions predictions, int row) {
        StringWriter text = new StringWriter(64);
        try (JsonGenerator generator = MlflowRequests.JSON.getFactory().createGenerator(text)) {
            generator.writeStartObject();
            PredictionFields.write(generator, predictions, row);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Stops the shadow scorer, waiting briefly for queued copies. */
    @Override
    public void close() {
        shadows.shutdown();
        try {
            shadows.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shadows.shutdownNow();
    }

    /** One thread's schema binding and batches for one model. */
    private static final class ModelState {
        final ModelInput input;
        final Map<List<String>, BoundBatch> batches = new HashMap<>();

        ModelState(ModelInput input) {
            this.input = input;
        }

        BoundBatch batch(ServedModel model, List<String> header, int rows) {
            BoundBatch bound = batches.get(header);
            if (bound == null || bound.batch.capacity() < rows) {
                int capacity = bound == null ? rows
                        : Math.min(ServingServer.CHUNK_ROWS, Math.max(rows, bound.batch.capacity() * 2));
                FeatureBatch batch = model.onnx().newBatch(header, Set.of(), SOURCE, capacity);
                if (batches.size() >= MAX_BATCHES_PER_MODEL) {
                    batches.clear();
                }
                bound = new BoundBatch(batch, new InputRow(header));
                batches.put(header, bound);
            }
            return bound;
        }
    }

    private record BoundBatch(FeatureBatch batch, InputRow row) {}
}
