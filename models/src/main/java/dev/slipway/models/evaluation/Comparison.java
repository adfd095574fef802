package dev.slipway.models.evaluation;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A candidate model compared with a baseline on the same data, judged on one metric.
 *
 * <p>{@link #delta()} is candidate minus baseline; {@link #improvement()} is the delta in the
 * better direction (the negated delta for log loss, MAE and RMSE, where lower is better). The
 * candidate passes when its improvement is at least {@code minDelta}; a negative
 * {@code minDelta} tolerates a small regression. {@link #toMarkdown()} renders a pull-request
 * comment (verdict and a table of both models' metrics with their deltas), {@link #toText()} a
 * side-by-side table for a terminal. Immutable.
 */
public final class Comparison {
    private final String candidateName;
    private final EvaluationResult candidate;
    private final String baselineName;
    private final EvaluationResult baseline;
    private final Metric metric;
    private final double minDelta;
    private final double delta;

    private Comparison(String candidateName, EvaluationResult candidate, String baselineName,
            EvaluationResult baseline, Metric metric, double minDelta, double delta) {
        this.candidateName = candidateName;
        this.candidate = candidate;
        this.baselineName = baselineName;
        this.baseline = baseline;
        this.metric = metric;
        this.minDelta = minDelta;
        this.delta = delta;
    }

    /**
     * Compares two evaluations.
     *
     * @throws SlipwayException if the tasks differ or the metric is not defined for both
     */
    public static Comparison of(String candidateName, EvaluationResult candidate, String baselineName,
            EvaluationResult baseline, Metric metric, double minDelta) {
        requireNonNull(candidateName, "candidateName is null");
        requireNonNull(candidate, "candidate is null");
        requireNonNull(baselineName, "baselineName is null");
        requireNonNull(baseline, "baseline is null");
        requireNonNull(metric, "metric is null");
        if (!Double.isFinite(minDelta)) {
            throw SlipwayException.invalidParameter("Minimum delta must be a finite number, got %s", minDelta);
        }
        if (candidate.task() != baseline.task()) {
            throw SlipwayException.invalidParameter("Cannot compare a %s model (%s) with a %s model (%s)",
                    candidate.task().metadataName(), candidateName, baseline.task().metadataName(), baselineName);
        }
        double candidateValue = require(candidate, metric, candidateName);
        double baselineValue = require(baseline, metric, baselineName);
        return new Comparison(candidateName, candidate, baselineName, baseline, metric, minDelta,
                candidateValue - baselineValue);
    }

    private static double require(EvaluationResult result, Metric metric, String name) {
        return result.metric(metric).orElseThrow(() -> SlipwayException.invalidParameter(
                "Metric '%s' is not defined for %s (its metrics: %s)", metric.key(), name,
                result.metrics().keySet().stream().map(Metric::key).collect(Collectors.joining(", "))));
    }

    /** The metric the verdict is based on. */
    public Metric metric() {
        return metric;
    }

    /** The candidate's value minus the baseline's. */
    public double delta() {
        return delta;
    }

    /** The delta in the better direction: positive when the candidate is better. */
    public double improvement() {
        return metric.higherIsBetter() ? delta : -delta;
    }

    /** The least improvement that passes. */
    public double minDelta() {
        return minDelta;
    }

    /** Whether the candidate improves the metric by at least {@link #minDelta()}. */
    public boolean passed() {
        return improvement() >= minDelta;
    }

    /** The candidate's evaluation. */
    public EvaluationResult candidate() {
        return candidate;
    }

    /** The baseline's evaluation. */
    public EvaluationResult baseline() {
        return baseline;
    }

    /** One line per metric defined for either model, the judged metric first. */
    public List<MetricDelta> deltas() {
        List<MetricDelta> deltas = new ArrayList<>();
        deltas.add(new MetricDelta(metric, candidate.metric(metric), baseline.metric(metric)));
        for (Metric other : Metric.values()) {
            if (other != metric && (candidate.metrics().containsKey(other) || baseline.metrics().containsKey(other))) {
                deltas.add(new MetricDelta(other, candidate.metric(other), baseline.metric(other)));
            }
        }
        return List.copyOf(deltas);
    }

    /** The verdict in one sentence, e.g. "PASS: roc_auc improved by 0.0122 (at least 0.0050 required)". */
    public String verdict() {
        String direction = improvement() >= 0 ? "improved" : "got worse";
        return "%s: %s %s by %s (%s %s required)".formatted(passed() ? "PASS" : "FAIL", metric.key(), direction,
                number(Math.abs(improvement())), minDelta >= 0 ? "an improvement of at least" : "a loss of at most",
                number(Math.abs(minDelta)));
    }

    /** A Markdown report for a pull-request comment. */
    public String toMarkdown() {
        StringBuilder markdown = new StringBuilder();
        markdown.append("### Model comparison: ").append(passed() ? "PASS" : "FAIL").append("\n\n");
        markdown.append("**").append(escape(verdict())).append("**\n\n");
        markdown.append("Candidate `").append(code(candidateName)).append("`, baseline `").append(code(baselineName))
                .append("`, ").append(candidate.task().metadataName()).append(", evaluated on ")
                .append(String.format(Locale.ROOT, "%,d", candidate.rows())).append(" rows.\n\n");
        markdown.append("| Metric | Candidate | Baseline | Delta |\n");
        markdown.append("|:--|--:|--:|--:|\n");
        for (MetricDelta line : deltas()) {
            String name = line.metric().key() + (line.metric().higherIsBetter() ? " ↑" : " ↓");
            if (line.metric() == metric) {
                name = "**" + name + "**";
            }
            markdown.append("| ").append(name).append(" | ").append(value(line.candidate())).append(" | ")
                    .append(value(line.baseline())).append(" | ").append(signed(line.delta())).append(" |\n");
        }
        markdown.append("\n↑ higher is better, ↓ lower is better; delta = candidate − baseline.\n");
        return markdown.toString();
    }

    /** A side-by-side table for a terminal, then the verdict. */
    public String toText() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"metric", candidateName, baselineName, "delta"});
        for (MetricDelta line : deltas()) {
            rows.add(new String[] {line.metric().key() + (line.metric() == metric ? " *" : ""),
                value(line.candidate()), value(line.baseline()), signed(line.delta())});
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int column = 0; column < 4; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            text.append(pad(row[0], widths[0], false));
            for (int column = 1; column < 4; column++) {
                text.append("  ").append(pad(row[column], widths[column], true));
            }
            text.append('\n');
        }
        text.append("(* judged metric; ").append(candidate.task().metadataName()).append(", ")
                .append(candidate.rows()).append(" rows)\n");
        text.append(verdict()).append('\n');
        return text.toString();
    }

    private static String pad(String text, int width, boolean right) {
        String padding = " ".repeat(width - text.length());
        return right ? padding + text : text + padding;
    }

    private static String value(Optional<Double> value) {
        return value.map(Comparison::number).orElse("n/a");
    }

    private static String signed(Optional<Double> value) {
        return value.map(number -> String.format(Locale.ROOT, "%+.4f", number)).orElse("n/a");
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_");
    }

    private static String code(String text) {
        return text.replace("`", "'");
    }

    /** A metric of both models and its delta (absent when either is undefined). */
    public record MetricDelta(Metric metric, Optional<Double> candidate, Optional<Double> baseline) {
        public MetricDelta {
            requireNonNull(metric, "metric is null");
            requireNonNull(candidate, "candidate is null");
            requireNonNull(baseline, "baseline is null");
        }

        /** Candidate minus baseline, when both are defined. */
        public Optional<Double> delta() {
            return candidate.isPresent() && baseline.isPresent()
                    ? Optional.of(candidate.get() - baseline.get()) : Optional.empty();
        }
    }
}
