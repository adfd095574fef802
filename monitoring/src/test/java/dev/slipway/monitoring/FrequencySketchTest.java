package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrequencySketchTest {
    @Test
    void countsValuesAndMissing() {
        FrequencySketch sketch = new FrequencySketch();
        for (String value : new String[] {"a", "b", "a", null, "c", "a"}) {
            sketch.add(value);
        }
        assertThat(sketch.count()).isEqualTo(5);
        assertThat(sketch.missingCount()).isEqualTo(1);
        assertThat(sketch.counts()).containsExactly(Map.entry("a", 3L), Map.entry("b", 1L), Map.entry("c", 1L));
        assertThat(sketch.distinct()).isEqualTo(3);
    }

    @Test
    void valuesBeyondTheCapGoToOther() {
        FrequencySketch sketch = new FrequencySketch(3);
        for (String value : new String[] {"a", "b", "c", "d", "e", "a"}) {
            sketch.add(value);
        }
        assertThat(sketch.counts()).hasSize(3);
        assertThat(sketch.otherCount()).isEqualTo(2);
        assertThat(sketch.count()).isEqualTo(6);
        assertThat(sketch.distinct()).isEqualTo(4);
    }

    @Test
    void mergeKeepsTheMostFrequentValuesWithinTheCap() {
        FrequencySketch left = new FrequencySketch(2);
        FrequencySketch right = new FrequencySketch(2);
        for (String value : new String[] {"a", "a", "a", "b"}) {
            left.add(value);
        }
        for (String value : new String[] {"c", "c", "b", "b"}) {
            right.add(value);
        }
        left.merge(right);
        assertThat(left.counts()).containsExactly(Map.entry("a", 3L), Map.entry("b", 3L));
        assertThat(left.otherCount()).isEqualTo(2);
        assertThat(left.count()).isEqualTo(8);
    }

    @Test
    void mergedBatchesEqualTheWholeDataBelowTheCap() {
        FrequencySketch whole = new FrequencySketch();
        FrequencySketch merged = new FrequencySketch();
        Random random = new Random(5);
        for (int batch = 0; batch < 5; batch++) {
            FrequencySketch part = new FrequencySketch();
            for (int i = 0; i < 1000; i++) {
                String value = "v" + random.nextInt(50);
                part.add(value);
                whole.add(value);
            }
            merged.merge(part);
        }
        assertThat(merged.counts()).isEqualTo(whole.counts());
    }

    @Test
    void jsonRoundTrip() throws Exception {
        FrequencySketch sketch = new FrequencySketch(2);
        for (String value : new String[] {"x", "y", "z", null}) {
            sketch.add(value);
        }
        FrequencySketch read = FrequencySketch.fromJson(new ObjectMapper().readTree(sketch.toJson().toString()));
        assertThat(read.toJson()).isEqualTo(sketch.toJson());
    }
}
