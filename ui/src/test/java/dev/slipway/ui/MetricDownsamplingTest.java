package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.tracking.Metric;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricDownsamplingTest {
    private static List<Metric> series(int count) {
        List<Metric> points = new ArrayList<>(count);
        for (int step = 0; step < count; step++) {
            points.add(new Metric("loss", Math.sin(step / 100.0), 1_000L + step, step));
        }
        return points;
    }

    @Test
    void keepsEveryPointWhenThereAreFewerThanTheLimit() {
        List<Metric> points = series(1500);
        assertThat(MetricDownsampling.downsample(points, 2000)).isEqualTo(points);
    }

    @Test
    void thinsToAtMostTheLimitKeepingFirstAndLastPoints() {
        List<Metric> points = series(100_000);
        List<Metric> kept = MetricDownsampling.downsample(points, 2000);
        assertThat(kept).hasSizeLessThanOrEqualTo(2000).hasSizeGreaterThan(1900);
        assertThat(kept.get(0)).isEqualTo(points.get(0));
        assertThat(kept.get(kept.size() - 1)).isEqualTo(points.get(points.size() - 1));
    }

    @Test
    void keepsSpikesAndDipsThatEvenSamplingWouldMiss() {
        List<Metric> points = new ArrayList<>(series(100_000));
        points.set(54_321, new Metric("loss", 1_000, 0, 54_321));
        points.set(777, new Metric("loss", -1_000, 0, 777));
        List<Metric> kept = MetricDownsampling.downsample(points, 2000);
        assertThat(kept).extracting(Metric::step).contains(54_321L, 777L);
        assertThat(kept).extracting(Metric::value).contains(1_000.0, -1_000.0);
    }

    @Test
    void keepsTheOriginalOrder() {
        List<Metric> kept = MetricDownsampling.downsample(series(10_000), 100);
        assertThat(kept).extracting(Metric::step).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void rejectsALimitTooSmallForFirstLastAndOneBucket() {
        assertThatThrownBy(() -> MetricDownsampling.downsample(series(10), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_points must be at least 4");
    }
}
