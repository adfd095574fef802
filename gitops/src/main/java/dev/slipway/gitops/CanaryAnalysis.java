package dev.slipway.gitops;

import static java.util.Objects.requireNonNull;

import dev.slipway.gitops.DeploymentSpec.Analysis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One check of a canary's analysis: the candidate's error rate and p99 latency over the traffic it answered since its
 * step began, and its live quality (from feedback) since the canary began, each against the deployment's bounds.
 * Stateless.
 */
public final class CanaryAnalysis {
    /** Fewer requests than this to the candidate say nothing about its error rate or latency. */
    public static final int MIN_REQUESTS = 20;

    private CanaryAnalysis() {}

    public enum Verdict {
        /** Every configured bound holds. */
        PASS,
        /** Some bound is broken. */
        FAIL,
        /** Not enough traffic or labelled predictions to decide; the step waits. */
        INCONCLUSIVE
    }

    /**
     * The outcome of one check.
     *
     * @param reasons why it failed or was inconclusive, one sentence each
     * @param evidence what was measured and the bounds, for the record (JSON-friendly values)
     */
    public record Check(Verdict verdict, List<String> reasons, Map<String, Object> evidence) {
        public Check {
            requireNonNull(verdict, "verdict is null");
            reasons = List.copyOf(reasons);
            evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
        }

        /** The reasons joined, or "all bounds hold". */
        public String summary() {
            return reasons.isEmpty() ? "all bounds hold" : String.join("; ", reasons);
        }
    }

    /**
     * The candidate's live quality: how many of its predictions have feedback, and the metrics computed from them.
     *
     * @param metrics metric name (accuracy, f1, roc_auc, rmse, ...) to value; a metric that could not be computed is absent
     */
    public record QualityReading(long labelled, Map<String, Double> metrics) {
        public QualityReading {
            metrics = Map.copyOf(metrics);
        }
    }

    /**
     * Evaluates {@code bounds} on the candidate's traffic of the current step and its quality.
     *
     * @param quality absent when no bound needs it or it could not be read
     */
    public static Check evaluate(Analysis bounds, VariantTraffic traffic, Optional<QualityReading> quality) {
        requireNonNull(bounds, "bounds is null");
        requireNonNull(traffic, "traffic is null");
        requireNonNull(quality, "quality is null");
        List<String> failures = new ArrayList<>();
        List<String> waits = new ArrayList<>();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("requests", traffic.requests());
        evidence.put("errors", traffic.errors());
        OptionalDouble errorRate = traffic.errorRate();
        OptionalDouble p99 = traffic.latencyQuantileMillis(0.99);
        errorRate.ifPresent(rate -> evidence.put("error_rate", rate));
        p99.ifPresent(millis -> evidence.put("p99_ms", Double.isInfinite(millis) ? "+Inf" : millis));
        boolean needsTraffic = bounds.maxErrorRate().isPresent() || bounds.maxP99Millis().isPresent();
        if (needsTraffic && traffic.requests() < MIN_REQUESTS) {
            waits.add(String.format(Locale.ROOT, "%d requests reached the candidate in this step; at least %d are needed",
                    traffic.requests(), MIN_REQUESTS));
        } else {
            bounds.maxErrorRate().ifPresent(max -> {
                evidence.put("max_error_rate", max);
                double rate = errorRate.orElse(0);
                if (rate > max) {
                    failures.add(String.format(Locale.ROOT, "error rate %.4f above %s (%d of %d requests failed)", rate,
                            number(max), traffic.errors(), traffic.requests()));
                }
            });
            bounds.maxP99Millis().ifPresent(max -> {
                evidence.put("max_p99_ms", max);
                if (p99.isEmpty()) {
                    waits.add("no answered request was timed");
                } else if (p99.getAsDouble() > max) {
                    failures.add(String.format(Locale.ROOT, "p99 latency %s ms above %s ms", number(p99.getAsDouble()), number(max)));
                }
            });
        }
        if (!bounds.minQuality().isEmpty()) {
            Map<String, Object> measured = new TreeMap<>();
            quality.ifPresent(reading -> {
                evidence.put("labelled", reading.labelled());
                measured.putAll(reading.metrics());
            });
            evidence.put("quality", measured);
            evidence.put("min_quality", new TreeMap<>(bounds.minQuality()));
            new TreeMap<>(bounds.minQuality()).forEach((metric, min) -> {
                Double value = quality.map(reading -> reading.metrics().get(metric)).orElse(null);
                if (value == null || value.isNaN()) {
                    waits.add(quality.map(reading -> reading.labelled() == 0
                                    ? "no prediction of the candidate has feedback yet"
                                    : metric + " cannot be computed from " + reading.labelled() + " labelled predictions")
                            .orElse("the candidate's live quality could not be read"));
                } else if (value < min) {
                    failures.add(String.format(Locale.ROOT, "%s %s below %s", metric, number(value), number(min)));
                }
            });
        }
        Verdict verdict = !failures.isEmpty() ? Verdict.FAIL : !waits.isEmpty() ? Verdict.INCONCLUSIVE : Verdict.PASS;
        evidence.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
        List<String> reasons = new ArrayList<>(failures);
        if (failures.isEmpty()) {
            reasons.addAll(waits.stream().distinct().toList());
        }
        return new Check(verdict, reasons, evidence);
    }

    private static String number(double value) {
        if (Double.isInfinite(value)) {
            return "+Inf";
        }
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", value)).stripTrailingZeros().toPlainString();
    }
}
