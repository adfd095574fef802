package dev.slipway.pipeline.report;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One chart of a plots page: the series of every version compared, ready to draw.
 *
 * @param id the plot's id (its file, or the name of a top-level definition)
 * @param title the title drawn above the chart
 * @param scatter draw points only (DVC's {@code scatter} template); otherwise lines with points
 */
public record Chart(String id, String title, String xLabel, String yLabel, boolean scatter, List<Series> series) {
    /** One line: {@code label} names the version (and the file and field when a chart has several). */
    public record Series(String label, List<Point> points) {
        public Series {
            requireNonNull(label, "label is null");
            points = List.copyOf(requireNonNull(points, "points is null"));
        }
    }

    public record Point(double x, double y) {}

    public Chart {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        requireNonNull(xLabel, "xLabel is null");
        requireNonNull(yLabel, "yLabel is null");
        series = List.copyOf(requireNonNull(series, "series is null"));
    }
}
