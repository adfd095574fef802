package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionSketchStore;
import dev.slipway.monitoring.ColumnSpec;
import dev.slipway.monitoring.DatasetSketch;
import dev.slipway.store.jdbc.JdbcPredictionLogStoreFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PredictionSketches} over a real SQLite store: buckets, flushing, bounded memory, changing columns. */
class PredictionSketchesTest {
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;
    private static final AtomicInteger MODELS = new AtomicInteger();

    @TempDir
    static Path directory;

    private static PredictionLogStore logStore;
    private static PredictionSketchStore store;

    @BeforeAll
    static void openStore() {
        logStore = new JdbcPredictionLogStoreFactory().open("sqlite:///" + directory.resolve("sketches.db"));
        store = logStore.sketchStore().orElseThrow();
    }

    @AfterAll
    static void closeStore() {
        logStore.close();
    }

    @Test
    void memoryHoldsOnlyTheBucketsTouchedSinceTheLastFlush() {
        PredictionSketches sketches = new PredictionSketches(store, Duration.ofHours(1));
        String model = newModel();
        for (int hour = 0; hour < 5; hour++) {
            sketches.add(List.of(row(model, T0 + hour * HOUR, hour, "a")));
        }
        assertThat(sketches.openBuckets()).isEqualTo(5);

        sketches.flush();
        assertThat(sketches.openBuckets()).isZero();

        List<PredictionSketches.Row> many = new ArrayList<>();
        for (int index = 0; index < 20_000; index++) {
            many.add(row(model, T0 + 5 * HOUR + index, index, "b"));
        }
        sketches.add(many);
        sketches.add(many);
        assertThat(sketches.openBuckets()).isEqualTo(1);
        PredictionSketches.Window window = sketches.window(model, "1", T0, T0 + 6 * HOUR);
        assertThat(window.rows()).isEqualTo(40_005);
        assertThat(window.sketch().orElseThrow().numeric("x").count()).isEqualTo(40_005);
        sketches.close();
        assertThat(sketches.openBuckets()).isZero();
        assertThat(new PredictionSketches(store, Duration.ofHours(1)).window(model, "1", T0, T0 + 6 * HOUR).rows())
                .isEqualTo(40_005);
    }

    @Test
    void flushesAddToWhatIsStored() {
        PredictionSketches sketches = new PredictionSketches(store, Duration.ofHours(1));
        String model = newModel();
        sketches.add(List.of(row(model, T0, 1, "a"), row(model, T0 + 1, 2, "b")));
        sketches.flush();
        sketches.add(List.of(row(model, T0 + 2, 6, "a")));
        sketches.flush();
        sketches.add(List.of(row(model, T0 + 3, 11, "a")));

        DatasetSketch sketch = sketches.window(model, "1", T0, T0 + HOUR).sketch().orElseThrow();

        assertThat(sketch.rows()).isEqualTo(4);
        assertThat(sketch.numeric("x").mean()).isEqualTo(5.0);
        assertThat(sketch.categorical("c").count("a")).isEqualTo(3);
        assertThat(store.buckets(model, "1", T0, T0 + HOUR)).singleElement()
                .satisfies(bucket -> assertThat(bucket.rows()).isEqualTo(3));
    }

    @Test
    void bucketLengthIsConfigurable() {
        PredictionSketches sketches = new PredictionSketches(store, Duration.ofMinutes(10));
        String model = newModel();
        sketches.add(List.of(row(model, T0, 1, "a"), row(model, T0 + 9 * 60_000, 1, "a"),
                row(model, T0 + 10 * 60_000, 1, "a")));
        sketches.flush();

        assertThat(store.buckets(model, "1", T0, T0 + HOUR)).extracting(bucket -> bucket.rows())
                .containsExactly(2L, 1L);
        assertThat(sketches.window(model, "1", T0 + 10 * 60_000, T0 + HOUR).rows()).isEqualTo(1);
    }

    @Test
    void columnThatAppearsLaterCountsEarlierRowsAsMissing() {
        PredictionSketches sketches = new PredictionSketches(store, Duration.ofHours(1));
        String model = newModel();
        ObjectNode later = JsonNodeFactory.instance.objectNode().put("x", 3.0).put("extra", "new");
        ObjectNode nullFirst = JsonNodeFactory.instance.objectNode().put("x", 4.0).putNull("late");
        ObjectNode lateValue = JsonNodeFactory.instance.objectNode().put("x", 5.0).put("late", 9.5);
        sketches.add(List.of(row(model, T0, 1, "a"), row(model, T0, 2, "a")));
        sketches.flush();
        sketches.add(List.of(new PredictionSketches.Row(model, "1", T0, later, outputs("a")),
                new PredictionSketches.Row(model, "1", T0, nullFirst, outputs("a")),
                new PredictionSketches.Row(model, "1", T0, lateValue, outputs("a"))));

        DatasetSketch sketch = sketches.window(model, "1", T0, T0 + 1).sketch().orElseThrow();

        assertThat(sketch.rows()).isEqualTo(5);
        assertThat(sketch.numeric("x").mean()).isEqualTo(3.0);
        assertThat(sketch.categorical("extra").count()).isEqualTo(1);
        assertThat(sketch.categorical("extra").missingCount()).isEqualTo(4);
        assertThat(sketch.numeric("late").count()).isEqualTo(1);
        assertThat(sketch.numeric("late").missingCount()).isEqualTo(4);
        assertThat(sketch.column("prediction.label")).contains(ColumnSpec.categorical("prediction.label"));
        assertThat(sketch.column("c")).contains(ColumnSpec.categorical("c"));
    }

    @Test
    void valuesOfTheWrongTypeAreCountedAsViolations() {
        PredictionSketches sketches = new PredictionSketches(store, Duration.ofHours(1));
        String model = newModel();
        ObjectNode text = JsonNodeFactory.instance.objectNode().put("x", "not a number");
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.putArray("x").add(1);
        sketches.add(List.of(row(model, T0, 1, "a"), new PredictionSketches.Row(model, "1", T0, text, outputs("a")),
                new PredictionSketches.Row(model, "1", T0, list, outputs("a"))));

        DatasetSketch sketch = sketches.window(model, "1", T0, T0 + 1).sketch().orElseThrow();

        assertThat(sketch.numeric("x").count()).isEqualTo(1);
        assertThat(sketch.numeric("x").invalidCount()).isEqualTo(2);
        assertThat(sketch.categorical("c").count()).isEqualTo(1);
        assertThat(sketch.categorical("c").missingCount()).isEqualTo(2);
    }

    @Test
    void concurrentAddsAndFlushesLoseNothing() throws Exception {
        PredictionSketches sketches = new PredictionSketches(store, Duration.ofHours(1));
        String model = newModel();
        AtomicBoolean adding = new AtomicBoolean(true);
        Thread flusher = new Thread(() -> {
            while (adding.get()) {
                sketches.flush();
            }
        });
        flusher.start();
        List<Thread> adders = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            Thread adder = new Thread(() -> {
                for (int batch = 0; batch < 200; batch++) {
                    List<PredictionSketches.Row> rows = new ArrayList<>();
                    for (int index = 0; index < 10; index++) {
                        rows.add(row(model, T0 + (batch % 3) * HOUR, 1, "a"));
                    }
                    sketches.add(rows);
                }
            });
            adder.start();
            adders.add(adder);
        }
        long seenDuringAdds = 0;
        for (Thread adder : adders) {
            seenDuringAdds = Math.max(seenDuringAdds, sketches.window(model, "1", T0, T0 + 3 * HOUR).rows());
            adder.join();
        }
        adding.set(false);
        flusher.join();

        assertThat(seenDuringAdds).isLessThanOrEqualTo(8000);
        assertThat(sketches.window(model, "1", T0, T0 + 3 * HOUR).rows()).isEqualTo(8000);
        sketches.close();
        assertThat(store.buckets(model, "1", T0, T0 + 3 * HOUR)).extracting(bucket -> bucket.rows()).containsExactly(
                2680L, 2680L, 2640L);
    }

    private static PredictionSketches.Row row(String model, long time, double x, String category) {
        ObjectNode inputs = JsonNodeFactory.instance.objectNode().put("x", x).put("c", category);
        return new PredictionSketches.Row(model, "1", time, inputs, outputs(category));
    }

    private static JsonNode outputs(String label) {
        return JsonNodeFactory.instance.objectNode().put("label", label);
    }

    private static String newModel() {
        return "sketched-" + MODELS.incrementAndGet();
    }
}
