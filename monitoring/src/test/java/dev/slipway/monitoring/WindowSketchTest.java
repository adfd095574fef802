package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowSketchTest {
    private static final List<ColumnSpec> COLUMNS = List.of(ColumnSpec.numeric("x"), ColumnSpec.categorical("c"));

    @Test
    void concurrentUpdatesAreAllCounted() throws Exception {
        WindowSketch window = new WindowSketch(COLUMNS, 4);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    window.add(Map.of("x", (double) (i % 100), "c", "v" + (offset % 3)));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        DatasetSketch snapshot = window.snapshot();
        assertThat(snapshot.rows()).isEqualTo(80_000);
        assertThat(snapshot.numeric("x").count()).isEqualTo(80_000);
        assertThat(snapshot.numeric("x").max()).isEqualTo(99);
        assertThat(snapshot.categorical("c").counts()).containsEntry("v0", 30_000L).containsEntry("v1", 30_000L).containsEntry("v2", 20_000L);
    }

    @Test
    void valuesOfTheWrongTypeAreCountedAsViolations() {
        DatasetSketch sketch = new DatasetSketch(COLUMNS);
        sketch.add(Map.of("x", "12.5", "c", 3));
        sketch.add(Map.of("x", "abc", "c", List.of(1, 2)));
        sketch.add(Map.of("x", true, "surprise", 1));
        sketch.recordTypeViolation("x");
        assertThat(sketch.numeric("x").count()).isEqualTo(2);
        assertThat(sketch.numeric("x").invalidCount()).isEqualTo(2);
        assertThat(sketch.categorical("c").counts()).containsEntry("3", 1L);
        assertThat(sketch.categorical("c").invalidCount()).isEqualTo(1);
        assertThat(sketch.categorical("c").missingCount()).isEqualTo(1);
        assertThat(sketch.unknownColumns()).containsEntry("surprise", 1L);
    }

    @Test
    void columnBatchesAndRowArraysGiveTheSameSketchAsMaps() {
        DatasetSketch byMap = new DatasetSketch(COLUMNS);
        DatasetSketch byArray = new DatasetSketch(COLUMNS);
        DatasetSketch byColumn = new DatasetSketch(COLUMNS);
        double[] xs = {1.5, Double.NaN, -3, 4e6};
        String[] cs = {"a", null, "b", "a"};
        for (int i = 0; i < xs.length; i++) {
            HashMap<String, Object> row = new HashMap<>();
            row.put("x", xs[i]);
            row.put("c", cs[i]);
            byMap.add(row);
            byArray.add(new Object[] {xs[i], cs[i]});
        }
        byColumn.addColumns(4, Map.of("x", xs, "c", cs));
        assertThat(byArray.toJson()).isEqualTo(byMap.toJson());
        assertThat(byColumn.toJson()).isEqualTo(byMap.toJson());
    }

    @Test
    void serialisedSketchReadsBackAndMerges() {
        DatasetSketch sketch = new DatasetSketch(COLUMNS);
        for (int i = 0; i < 1000; i++) {
            sketch.add(new Object[] {i * 0.5, "k" + (i % 7)});
        }
        DatasetSketch read = DatasetSketch.fromBytes(sketch.toBytes());
        assertThat(read.toJson()).isEqualTo(sketch.toJson());
        read.merge(sketch);
        assertThat(read.rows()).isEqualTo(2000);
        assertThat(read.categorical("c").count("k0")).isEqualTo(2 * sketch.categorical("c").count("k0"));
    }

    @Test
    void refusesAnUnknownFormatVersion() {
        var json = new DatasetSketch(COLUMNS).toJson();
        json.put("format_version", 99);
        assertThatThrownBy(() -> DatasetSketch.fromJson(json)).hasMessageContaining("Unsupported dataset sketch format version 99");
    }

    @Test
    void rejectsBadShapes() {
        DatasetSketch sketch = new DatasetSketch(COLUMNS);
        assertThatThrownBy(() -> sketch.add(new Object[] {1.0})).hasMessageContaining("Row has 1 values but the schema has 2 columns");
        assertThatThrownBy(() -> sketch.addColumns(2, Map.of("x", new double[3]))).hasMessageContaining("Column 'x' has 3 values, expected 2");
        assertThatThrownBy(() -> sketch.numeric("c")).hasMessageContaining("Column 'c' is not numeric");
        assertThatThrownBy(() -> new DatasetSketch(List.of(ColumnSpec.numeric("a"), ColumnSpec.categorical("a")))).hasMessageContaining("Column 'a' appears twice");
    }
}
