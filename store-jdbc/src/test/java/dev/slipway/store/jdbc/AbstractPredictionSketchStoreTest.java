package dev.slipway.store.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionSketchStore;
import dev.slipway.core.predictions.SketchBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every behaviour of {@link PredictionSketchStore} over JDBC. The sketches here are decimal numbers as text, merged
 * by adding them, so that a lost or doubled merge shows in the sum. Subclasses supply the database; tests keep apart
 * by model name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractPredictionSketchStoreTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;
    private static final BinaryOperator<byte[]> ADD = (stored, delta) -> number(value(stored) + value(delta));

    private PredictionLogStore logStore;
    private PredictionSketchStore store;

    /** The URI of a new, empty database; {@link #removeDatabases()} removes them when the class is done. */
    protected abstract String emptyDatabaseUri();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    @BeforeAll
    void openStore() {
        connectToServer();
        logStore = new JdbcPredictionLogStoreFactory().open(emptyDatabaseUri());
        store = logStore.sketchStore().orElseThrow();
    }

    @AfterAll
    void closeStore() {
        try {
            if (logStore != null) {
                logStore.close();
            }
        } finally {
            removeDatabases();
        }
    }

    @Test
    void firstDeltaOfABucketIsStoredAsItIs() {
        String model = newModel();
        store.mergeBuckets(List.of(bucket(model, "1", T0, 3, 7)), ADD);

        assertThat(store.buckets(model, "1", T0, T0 + HOUR)).containsExactly(bucket(model, "1", T0, 3, 7));
    }

    @Test
    void laterDeltasAreMergedIntoTheStoredBucketAndTheirRowsAdded() {
        String model = newModel();
        store.mergeBuckets(List.of(bucket(model, "1", T0, 3, 7)), ADD);
        store.mergeBuckets(List.of(bucket(model, "1", T0, 2, 5)), ADD);
        store.mergeBuckets(List.of(bucket(model, "1", T0, 1, 1)), ADD);

        assertThat(store.buckets(model, "1", T0, T0 + 1)).containsExactly(bucket(model, "1", T0, 6, 13));
    }

    @Test
    void deltasForTheSameBucketInOneCallAreAllMerged() {
        String model = newModel();
        store.mergeBuckets(List.of(bucket(model, "1", T0, 1, 10), bucket(model, "1", T0, 2, 20),
                bucket(model, "1", T0 + HOUR, 4, 40), bucket(model, "1", T0, 3, 30)), ADD);

        assertThat(store.buckets(model, "1", T0, T0 + 2 * HOUR)).containsExactly(bucket(model, "1", T0, 6, 60),
                bucket(model, "1", T0 + HOUR, 4, 40));
    }

    @Test
    void bucketsAreKeptApartByModelVersionAndStart() {
        String model = newModel();
        String other = newModel();
        store.mergeBuckets(List.of(bucket(model, "1", T0, 1, 1), bucket(model, "2", T0, 2, 2),
                bucket(other, "1", T0, 3, 3), bucket(model, "1", T0 + HOUR, 4, 4)), ADD);

        assertThat(store.buckets(model, "1", T0, T0 + 2 * HOUR)).containsExactly(bucket(model, "1", T0, 1, 1),
                bucket(model, "1", T0 + HOUR, 4, 4));
        assertThat(store.buckets(model, "2", T0, T0 + 2 * HOUR)).containsExactly(bucket(model, "2", T0, 2, 2));
        assertThat(store.buckets(other, "1", T0, T0 + 2 * HOUR)).containsExactly(bucket(other, "1", T0, 3, 3));
    }

    @Test
    void rangeSelectsBucketsByStartWithTheEndExcludedOldestFirst() {
        String model = newModel();
        List<SketchBucket> hours = new ArrayList<>();
        for (int hour = 4; hour >= 0; hour--) {
            hours.add(bucket(model, "1", T0 + hour * HOUR, hour + 1, hour));
        }
        store.mergeBuckets(hours, ADD);

        assertThat(store.buckets(model, "1", T0 + HOUR, T0 + 3 * HOUR)).extracting(SketchBucket::bucketStart)
                .containsExactly(T0 + HOUR, T0 + 2 * HOUR);
        assertThat(store.buckets(model, "1", T0 + HOUR + 1, T0 + 3 * HOUR + 1)).extracting(SketchBucket::bucketStart)
                .containsExactly(T0 + 2 * HOUR, T0 + 3 * HOUR);
        assertThat(store.buckets(model, "1", Long.MIN_VALUE, Long.MAX_VALUE)).hasSize(5);
        assertThat(store.buckets(model, "1", T0 + 5 * HOUR, T0 + 9 * HOUR)).isEmpty();
    }

    @Test
    void unknownModelHasNoBuckets() {
        assertThat(store.buckets(newModel(), "1", Long.MIN_VALUE, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void sketchBytesOfAnySizeAndValueComeBackUnchanged() {
        String model = newModel();
        byte[] bytes = new byte[300_000];
        for (int index = 0; index < bytes.length; index++) {
            bytes[index] = (byte) index;
        }
        store.mergeBuckets(List.of(new SketchBucket(model, "1", T0, 1, bytes)), ADD);

        assertThat(store.buckets(model, "1", T0, T0 + 1).get(0).sketch()).isEqualTo(bytes);
    }

    @Test
    void concurrentWritersOfTheSameBucketsLoseNothing() throws Exception {
        String model = newModel();
        int threads = 4;
        int rounds = 25;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                writers.add(executor.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        // Two buckets per call, the first of them new to some writers: inserts race too.
                        store.mergeBuckets(List.of(bucket(model, "1", T0 + (round / 5) * HOUR, 1, 1),
                                bucket(model, "1", T0 + 10 * HOUR, 2, 3)), ADD);
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            executor.shutdownNow();
        }

        List<SketchBucket> buckets = store.buckets(model, "1", T0, T0 + 11 * HOUR);
        assertThat(buckets).extracting(SketchBucket::rows).containsExactly(20L, 20L, 20L, 20L, 20L, 200L);
        assertThat(buckets).extracting(stored -> value(stored.sketch())).containsExactly(20L, 20L, 20L, 20L, 20L,
                300L);
    }

    private static SketchBucket bucket(String model, String version, long start, long rows, long value) {
        return new SketchBucket(model, version, start, rows, number(value));
    }

    private static byte[] number(long value) {
        return Long.toString(value).getBytes(UTF_8);
    }

    private static long value(byte[] bytes) {
        return Long.parseLong(new String(bytes, UTF_8));
    }

    private static String newModel() {
        return "sketched-model-" + NAMES.incrementAndGet();
    }
}
