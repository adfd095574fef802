package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.monitoring.ColumnQuality;
import dev.slipway.monitoring.ColumnType;
import dev.slipway.monitoring.DataQualityReport;
import dev.slipway.monitoring.DatasetSketch;
import dev.slipway.monitoring.DriftReport;
import dev.slipway.monitoring.DriftResult;
import dev.slipway.monitoring.FrequencySketch;
import dev.slipway.monitoring.ModelQuality;
import dev.slipway.monitoring.NumericSketch;
import dev.slipway.monitoring.QualityMetric;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A drift report as one self-contained HTML page: the verdict, a table of the tests, and per feature an inline SVG chart
 * of its distribution in the reference beside the current window (a histogram over shared bins for numeric columns,
 * the most frequent categories for categorical ones), drawn from the sketches alone, so the page's size depends on the
 * number of features, never on the number of rows. No script, no external resource.
 */
final class DriftHtmlReport {
    static final int NUMERIC_BINS = 20;
    static final int MAX_CATEGORIES = 15;
    private static final int WIDTH = 560;
    private static final int HEIGHT = 180;
    private static final int MARGIN = 28;
    private static final String REFERENCE_COLOR = "#4c78a8";
    private static final String CURRENT_COLOR = "#f58518";

    /** What the report is about, for its title and header. */
    record Subject(String model, String window, String reference) {
        Subject {
            requireNonNull(model, "model is null");
            requireNonNull(window, "window is null");
            requireNonNull(reference, "reference is null");
        }
    }

    private DriftHtmlReport() {}

    static String render(Subject subject, DriftReport drift, DataQualityReport quality, DatasetSketch reference,
            DatasetSketch current) {
        return render(subject, drift, quality, reference, current, Optional.empty());
    }

    /** The page, with a "Live model quality" section after the tests when {@code liveQuality} is given. */
    static String render(Subject subject, DriftReport drift, DataQualityReport quality, DatasetSketch reference,
            DatasetSketch current, Optional<LiveQualitySource.LiveQuality> liveQuality) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Drift report: ")
                .append(escape(subject.model())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#222}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}\n")
                .append("th{background:#f3f3f3}.drift{color:#b00020;font-weight:bold}.ok{color:#1b7f3b}.na{color:#777}\n")
                .append(".feature{margin:1.5em 0}.key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}\n")
                .append("</style></head><body>\n");
        html.append("<h1>Drift report: ").append(escape(subject.model())).append("</h1>\n<p>Current: ")
                .append(escape(subject.window())).append(" (").append(drift.rows()).append(" rows). Reference: ")
                .append(escape(subject.reference())).append(" (").append(drift.referenceRows()).append(" rows).</p>\n");
        html.append("<p class=\"").append(drift.datasetDrift() ? "drift" : "ok").append("\">")
                .append(escape(verdict(drift))).append("</p>\n");
        html.append("<table><tr><th>Feature</th><th>Method</th><th>Score</th><th>Threshold</th><th>Drifted</th>"
                + "<th>Missing (ref / cur)</th><th>Out of range / unseen</th></tr>\n");
        for (DriftResult feature : drift.features()) {
            Optional<ColumnQuality> columnQuality = quality.column(feature.column());
            html.append("<tr><td>").append(escape(feature.column())).append("</td><td>")
                    .append(escape(feature.method().wireName())).append("</td><td>").append(score(feature))
                    .append("</td><td>").append(number(feature.threshold())).append("</td><td class=\"")
                    .append(feature.notEnoughData().isPresent() ? "na" : feature.drifted() ? "drift" : "ok").append("\">")
                    .append(escape(drifted(feature))).append("</td><td>")
                    .append(columnQuality.map(c -> share(c.referenceMissingShare()) + " / " + share(c.missingShare())).orElse(""))
                    .append("</td><td>")
                    .append(columnQuality.map(c -> share(c.type() == ColumnType.NUMERIC ? c.outOfRangeShare() : c.unseenShare())).orElse(""))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (!quality.notInReference().isEmpty()) {
            html.append("<p>Served columns not in the reference (not tested): ")
                    .append(escape(String.join(", ", quality.notInReference()))).append("</p>\n");
        }
        liveQuality.ifPresent(live -> html.append(qualitySection(live)));
        html.append("<p class=\"key\"><span style=\"background:").append(REFERENCE_COLOR).append("\"></span>reference")
                .append("<span style=\"background:").append(CURRENT_COLOR).append("\"></span>current</p>\n");
        for (DriftResult feature : drift.features()) {
            html.append("<div class=\"feature\"><h3>").append(escape(feature.column())).append(" <small>")
                    .append(escape(feature.method().wireName())).append(' ').append(score(feature)).append(", ")
                    .append(escape(drifted(feature))).append("</small></h3>\n");
            html.append(chart(feature.column(), reference, current)).append("</div>\n");
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    /**
     * The "Live model quality" section: a table of each live metric beside its training value, or the reason there
     * is none.
     */
    static String qualitySection(LiveQualitySource.LiveQuality live) {
        StringBuilder html = new StringBuilder("<h2>Live model quality</h2>\n");
        if (live.quality().isEmpty()) {
            html.append("<p class=\"na\">Not enough data: ").append(escape(live.notEnoughData().orElseThrow()))
                    .append(".</p>\n");
        } else {
            html.append("<p>").append(live.rows()).append(" labelled of ").append(live.predictions())
                    .append(" predictions (").append(escape(qualitySubject(live))).append(").</p>\n")
                    .append("<table><tr><th>Metric</th><th>Live</th><th>Training</th></tr>\n");
            for (String[] row : qualityRows(live)) {
                html.append("<tr><td>").append(escape(row[0])).append("</td><td>").append(escape(row[1]))
                        .append("</td><td>").append(escape(row[2])).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        if (live.skipped() > 0) {
            html.append("<p>Skipped ").append(live.skipped()).append(" labelled predictions whose values could not be "
                    + "read: ").append(escape(live.skippedReason().orElse("unknown reason"))).append(".</p>\n");
        }
        return html.toString();
    }

    /** The task and positive class of live quality: "classification, positive label yes" or "regression". */
    static String qualitySubject(LiveQualitySource.LiveQuality live) {
        return live.task().orElse("unknown task") + live.positiveLabel().map(label -> ", positive label " + label)
                .orElse("");
    }

    /** Per live metric: its name, its live value (or "n/a: " and why) and its training value (or "-"). */
    static List<String[]> qualityRows(LiveQualitySource.LiveQuality live) {
        List<String[]> rows = new ArrayList<>();
        for (QualityMetric metric : live.quality().map(ModelQuality::metrics).orElse(List.of())) {
            Double training = live.training().get(metric.name());
            rows.add(new String[] {metric.name(),
                metric.hasValue() ? number(metric.value()) : "n/a: " + metric.notEnoughData().orElseThrow(),
                training == null ? "-" : number(training)});
        }
        return rows;
    }

    static String verdict(DriftReport drift) {
        long tested = drift.features().stream().filter(DriftResult::hasScore).count();
        return String.format(Locale.ROOT, "%s: %d of %d features drifted (share %.2f, threshold %.2f)%s",
                drift.datasetDrift() ? "Dataset drift detected" : "No dataset drift", drift.driftedFeatures().size(),
                drift.features().size(), drift.driftShare(), drift.driftShareThreshold(),
                tested < drift.features().size() ? "; " + (drift.features().size() - tested) + " not tested for lack of data" : "");
    }

    static String drifted(DriftResult feature) {
        return feature.notEnoughData().map(reason -> "not enough data: " + reason).orElse(feature.drifted() ? "yes" : "no");
    }

    static String score(DriftResult feature) {
        return feature.hasScore() ? number(feature.score()) : "n/a";
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    private static String share(OptionalDouble share) {
        return share.isPresent() ? String.format(Locale.ROOT, "%.1f%%", 100 * share.getAsDouble()) : "n/a";
    }

    /** One SVG of the column's shares per bin or category, reference and current side by side. */
    private static String chart(String column, DatasetSketch reference, DatasetSketch current) {
        Optional<ColumnType> type = reference.column(column).or(() -> current.column(column)).map(c -> c.type());
        List<String> labels = new ArrayList<>();
        double[][] shares;
        if (type.isPresent() && type.get() == ColumnType.NUMERIC) {
            Optional<NumericSketch> ref = numeric(reference, column);
            Optional<NumericSketch> cur = numeric(current, column);
            shares = numericShares(ref, cur, labels);
        } else {
            shares = categoricalShares(categorical(reference, column), categorical(current, column), labels);
        }
        return svg(column, labels, shares);
    }

    private static Optional<NumericSketch> numeric(DatasetSketch sketch, String column) {
        return sketch.column(column).filter(c -> c.type() == ColumnType.NUMERIC).map(c -> sketch.numeric(column))
                .filter(s -> s.count() > 0);
    }

    private static Optional<FrequencySketch> categorical(DatasetSketch sketch, String column) {
        return sketch.column(column).filter(c -> c.type() == ColumnType.CATEGORICAL).map(c -> sketch.categorical(column))
                .filter(s -> s.count() > 0);
    }

    /**
     * Shares of values in equal-width bins between the 1st and 99th percentiles of both sides (the outer bins also
     * take the tails), counted with the sketches' ranks.
     */
    private static double[][] numericShares(Optional<NumericSketch> reference, Optional<NumericSketch> current,
            List<String> labels) {
        if (reference.isEmpty() && current.isEmpty()) {
            return new double[2][0];
        }
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (Optional<NumericSketch> side : List.of(reference, current)) {
            if (side.isPresent()) {
                low = Math.min(low, side.get().quantile(0.01));
                high = Math.max(high, side.get().quantile(0.99));
            }
        }
        int bins = high > low ? NUMERIC_BINS : 1;
        double width = bins == 1 ? 0 : (high - low) / bins;
        for (int bin = 0; bin < bins; bin++) {
            labels.add(number(low + bin * width));
        }
        labels.add(number(high));
        double[][] shares = new double[2][bins];
        List<Optional<NumericSketch>> sides = List.of(reference, current);
        for (int s = 0; s < 2; s++) {
            if (sides.get(s).isEmpty()) {
                continue;
            }
            NumericSketch sketch = sides.get(s).get();
            long previous = 0;
            for (int bin = 0; bin < bins; bin++) {
                long upTo = bin == bins - 1 ? sketch.count() : sketch.rank(low + (bin + 1) * width);
                shares[s][bin] = (double) Math.max(0, upTo - previous) / sketch.count();
                previous = Math.max(previous, upTo);
            }
        }
        return shares;
    }

    private static double[][] categoricalShares(Optional<FrequencySketch> reference, Optional<FrequencySketch> current,
            List<String> labels) {
        Map<String, Long> total = new HashMap<>();
        reference.ifPresent(sketch -> sketch.counts().forEach((key, count) -> total.merge(key, count, Long::sum)));
        current.ifPresent(sketch -> sketch.counts().forEach((key, count) -> total.merge(key, count, Long::sum)));
        List<String> keys = total.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).limit(MAX_CATEGORIES).toList();
        boolean other = total.size() > keys.size() || reference.map(s -> s.otherCount() > 0).orElse(false)
                || current.map(s -> s.otherCount() > 0).orElse(false);
        labels.addAll(keys);
        if (other) {
            labels.add("(other)");
        }
        double[][] shares = new double[2][labels.size()];
        List<Optional<FrequencySketch>> sides = List.of(reference, current);
        for (int s = 0; s < 2; s++) {
            if (sides.get(s).isEmpty()) {
                continue;
            }
            FrequencySketch sketch = sides.get(s).get();
            long shown = 0;
            for (int i = 0; i < keys.size(); i++) {
                long count = sketch.count(keys.get(i));
                shown += count;
                shares[s][i] = (double) count / sketch.count();
            }
            if (other) {
                shares[s][keys.size()] = (double) (sketch.count() - shown) / sketch.count();
            }
        }
        return shares;
    }

    /**
     * Bars per bin; for numeric charts {@code labels} has one more entry than bins (the edges) and only the first and
     * last edge are written; for categorical ones each bar is labelled.
     */
    private static String svg(String column, List<String> labels, double[][] shares) {
        int bars = shares[0].length;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT + MARGIN).append("\" role=\"img\" aria-label=\"distribution of ").append(escape(column))
                .append("\">");
        svg.append("<line x1=\"").append(MARGIN).append("\" y1=\"").append(HEIGHT).append("\" x2=\"")
                .append(WIDTH - 4).append("\" y2=\"").append(HEIGHT).append("\" stroke=\"#999\"/>");
        if (bars == 0) {
            svg.append("<text x=\"").append(MARGIN).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" font-size=\"12\">no values on either side</text></svg>");
            return svg.toString();
        }
        double max = 0;
        for (double[] side : shares) {
            for (double share : side) {
                max = Math.max(max, share);
            }
        }
        double plotHeight = HEIGHT - 16;
        double slot = (double) (WIDTH - MARGIN - 8) / bars;
        double barWidth = Math.max(1, slot * 0.4);
        for (int bar = 0; bar < bars; bar++) {
            for (int side = 0; side < 2; side++) {
                double height = max == 0 ? 0 : shares[side][bar] / max * plotHeight;
                double x = MARGIN + bar * slot + slot * 0.1 + side * barWidth;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s %s: %.1f%%</title></rect>", x, HEIGHT - height, barWidth, height,
                        side == 0 ? REFERENCE_COLOR : CURRENT_COLOR, side == 0 ? "reference" : "current",
                        escape(bars < labels.size() ? labels.get(bar) + " to " + labels.get(bar + 1) : labels.get(bar)),
                        100 * shares[side][bar]));
            }
        }
        if (bars < labels.size()) {
            svg.append("<text x=\"").append(MARGIN).append("\" y=\"").append(HEIGHT + 16).append("\" font-size=\"11\">")
                    .append(escape(labels.get(0))).append("</text><text x=\"").append(WIDTH - 8).append("\" y=\"")
                    .append(HEIGHT + 16).append("\" font-size=\"11\" text-anchor=\"end\">")
                    .append(escape(labels.get(labels.size() - 1))).append("</text>");
        } else {
            for (int bar = 0; bar < bars; bar++) {
                String label = labels.get(bar);
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                        MARGIN + bar * slot + slot / 2, HEIGHT + 16,
                        escape(label.length() > 12 ? label.substring(0, 11) + "…" : label)));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"12\" font-size=\"11\">%.0f%%</text>", 100 * max));
        svg.append("</svg>");
        return svg.toString();
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
