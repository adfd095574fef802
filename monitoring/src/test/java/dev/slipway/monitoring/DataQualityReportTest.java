package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DataQualityReportTest {
    @Test
    void reportsMissingOutOfRangeUnseenAndViolationsAgainstTheReference() {
        List<ColumnSpec> columns = List.of(ColumnSpec.numeric("x"), ColumnSpec.categorical("c"));
        DatasetSketch reference = new DatasetSketch(columns);
        for (int i = 0; i < 100; i++) {
            reference.add(new Object[] {i < 10 ? null : (double) i, i % 2 == 0 ? "a" : "b"});
        }
        DatasetSketch current = new DatasetSketch(List.of(ColumnSpec.numeric("x"), ColumnSpec.categorical("c"), ColumnSpec.numeric("extra")));
        for (int i = 0; i < 200; i++) {
            Object x = i < 50 ? null : i < 60 ? "oops" : i < 80 ? 500.0 : 50.0;
            String c = i < 30 ? "z" : i < 40 ? "y" : "a";
            current.add(new Object[] {x, c, 1.0});
        }
        DataQualityReport report = DataQualityReport.compute(reference, current);
        ColumnQuality x = report.column("x").orElseThrow();
        assertThat(x.missingShare().getAsDouble()).isCloseTo(0.25, within(1e-12));
        assertThat(x.referenceMissingShare().getAsDouble()).isCloseTo(0.10, within(1e-12));
        assertThat(x.typeViolations()).isEqualTo(10);
        assertThat(x.typeViolationShare().getAsDouble()).isCloseTo(0.05, within(1e-12));
        assertThat(x.referenceMin().getAsDouble()).isEqualTo(10);
        assertThat(x.referenceMax().getAsDouble()).isEqualTo(99);
        assertThat(x.outOfRangeShare().getAsDouble()).isCloseTo(20.0 / 140, within(1e-12));
        ColumnQuality c = report.column("c").orElseThrow();
        assertThat(c.unseenShare().getAsDouble()).isCloseTo(40.0 / 200, within(1e-12));
        assertThat(c.unseenExamples()).containsExactly("z", "y");
        assertThat(report.notInReference()).containsExactly("extra");
        assertThat(report.toJson().get("columns").get(0).get("out_of_range_share").asDouble()).isCloseTo(20.0 / 140, within(1e-12));
    }

    @Test
    void anEmptyWindowHasNoSharesRatherThanZeros() {
        List<ColumnSpec> columns = List.of(ColumnSpec.numeric("x"));
        DatasetSketch reference = new DatasetSketch(columns);
        reference.add(new Object[] {1.0});
        ColumnQuality x = DataQualityReport.compute(reference, new DatasetSketch(columns)).column("x").orElseThrow();
        assertThat(x.missingShare()).isEmpty();
        assertThat(x.outOfRangeShare()).isEmpty();
        assertThat(x.notEnoughData()).contains("current window is empty");
    }
}
