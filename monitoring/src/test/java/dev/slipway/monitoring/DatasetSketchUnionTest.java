package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetSketchUnionTest {
    @Test
    void unionOfSameColumnsEqualsMerge() {
        List<ColumnSpec> columns = List.of(ColumnSpec.numeric("x"), ColumnSpec.categorical("c"));
        DatasetSketch first = DatasetSketch.of(columns, List.of(Map.of("x", 1.0, "c", "a"), Map.of("x", 2.0, "c", "b")));
        DatasetSketch second = DatasetSketch.of(columns, List.of(Map.of("x", 6.0, "c", "a")));

        DatasetSketch union = DatasetSketch.union(first, second);

        assertThat(union.rows()).isEqualTo(3);
        assertThat(union.numeric("x").mean()).isEqualTo(3.0);
        assertThat(union.categorical("c").count("a")).isEqualTo(2);
        assertThat(first.rows()).isEqualTo(2);
        assertThat(second.rows()).isEqualTo(1);
    }

    @Test
    void columnMissingFromOneSideCountsThatSidesRowsAsMissing() {
        DatasetSketch first = DatasetSketch.of(List.of(ColumnSpec.numeric("x")), List.of(Map.of("x", 1.0), Map.of("x", 3.0)));
        DatasetSketch second = DatasetSketch.of(List.of(ColumnSpec.numeric("x"), ColumnSpec.categorical("c")),
                List.of(Map.of("x", 5.0, "c", "new")));

        DatasetSketch union = DatasetSketch.union(first, second);

        assertThat(union.columns()).containsExactly(ColumnSpec.numeric("x"), ColumnSpec.categorical("c"));
        assertThat(union.rows()).isEqualTo(3);
        assertThat(union.numeric("x").count()).isEqualTo(3);
        assertThat(union.numeric("x").mean()).isEqualTo(3.0);
        assertThat(union.categorical("c").count()).isEqualTo(1);
        assertThat(union.categorical("c").missingCount()).isEqualTo(2);
        assertThat(DatasetSketch.union(second, first).numeric("x").count()).isEqualTo(3);
    }

    @Test
    void columnOfAnotherTypeKeepsTheFirstTypeAndCountsTheOtherValuesAsViolations() {
        DatasetSketch first = DatasetSketch.of(List.of(ColumnSpec.numeric("x")), List.of(Map.of("x", 1.0)));
        Map<String, Object> missing = new HashMap<>();
        missing.put("x", null);
        DatasetSketch second = DatasetSketch.of(List.of(ColumnSpec.categorical("x")), List.of(Map.of("x", "a"), missing));

        DatasetSketch union = DatasetSketch.union(first, second);

        assertThat(union.columns()).containsExactly(ColumnSpec.numeric("x"));
        assertThat(union.numeric("x").count()).isEqualTo(1);
        assertThat(union.numeric("x").invalidCount()).isEqualTo(1);
        assertThat(union.numeric("x").missingCount()).isEqualTo(1);
    }
}
