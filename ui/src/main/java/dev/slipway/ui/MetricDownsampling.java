package dev.slipway.ui;

import dev.slipway.core.tracking.Metric;
import java.util.ArrayList;
import java.util.List;

/**
 * Thins a metric history for a chart, as MLflow's {@code get-history-bulk-interval} does for its UI, but keeping the
 * shape: the first and the last point, and from each of the equal-width buckets in between the points with the
 * smallest and the largest value, in their original order, so a spike or a dip survives at any zoom.
 */
final class MetricDownsampling {
    /** The fewest points a caller may ask for: first, last and one bucket's min and max. */
    static final int MIN_POINTS = 4;

    private MetricDownsampling() {}

    /**
     * At most {@code maxPoints} of the points (in their given order), all of them when there are no more than that.
     *
     * @throws IllegalArgumentException when {@code maxPoints} is less than {@value #MIN_POINTS}
     */
    static List<Metric> downsample(List<Metric> points, int maxPoints) {
        if (maxPoints < MIN_POINTS) {
            throw new IllegalArgumentException("max_points must be at least " + MIN_POINTS + ", got " + maxPoints);
        }
        int count = points.size();
        if (count <= maxPoints) {
            return List.copyOf(points);
        }
        int buckets = (maxPoints - 2) / 2;
        int interior = count - 2;
        List<Metric> kept = new ArrayList<>(maxPoints);
        kept.add(points.get(0));
        for (int bucket = 0; bucket < buckets; bucket++) {
            int from = 1 + (int) ((long) bucket * interior / buckets);
            int to = 1 + (int) ((long) (bucket + 1) * interior / buckets);
            if (from >= to) {
                continue;
            }
            int minIndex = from;
            int maxIndex = from;
            for (int index = from + 1; index < to; index++) {
                double value = points.get(index).value();
                // Double.compare orders NaN above everything, so a NaN stays visible as a gap
                if (Double.compare(value, points.get(minIndex).value()) < 0) {
                    minIndex = index;
                }
                if (Double.compare(value, points.get(maxIndex).value()) > 0) {
                    maxIndex = index;
                }
            }
            kept.add(points.get(Math.min(minIndex, maxIndex)));
            if (minIndex != maxIndex) {
                kept.add(points.get(Math.max(minIndex, maxIndex)));
            }
        }
        kept.add(points.get(count - 1));
        return List.copyOf(kept);
    }
}
