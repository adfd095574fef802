package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Drift of every column between a reference and a current window, and whether the dataset drifted.
 *
 * @param rows rows in the current window
 * @param referenceRows rows in the reference
 * @param datasetDrift whether {@code driftShare >= driftShareThreshold} (false when no column could be tested)
 * @param driftShare share of compared columns that drifted (0 when there are none)
 * @param driftShareThreshold the configured share, 0.5 by default
 * @param features one result per column, in the reference's column order, then current-only columns
 */
public record DriftReport(long rows, long referenceRows, boolean datasetDrift, double driftShare, double driftShareThreshold, List<DriftResult> features) {
    public DriftReport {
        features = List.copyOf(requireNonNull(features, "features is null"));
    }

    /** Compares two sketched tables column by column. */
    public static DriftReport compute(DatasetSketch reference, DatasetSketch current, DriftOptions options) {
        requireNonNull(reference, "reference is null");
        requireNonNull(current, "current is null");
        Map<String, ColumnDistribution> referenceColumns = new LinkedHashMap<>();
        for (ColumnSpec column : reference.columns()) {
            referenceColumns.put(column.name(), reference.distribution(column.name()));
        }
        Map<String, ColumnDistribution> currentColumns = new LinkedHashMap<>();
        for (ColumnSpec column : current.columns()) {
            currentColumns.put(column.name(), current.distribution(column.name()));
        }
        return compute(referenceColumns, reference.rows(), currentColumns, current.rows(), options);
    }

    /**
     * Compares columns given as distributions (from raw values or sketches). A column present on one side only, or
     * numeric on one side and categorical on the other, is reported as "not enough data" (with the reason) rather than
     * tested.
     *
     * @throws dev.slipway.core.SlipwayException if the options name a method that does not apply to a column's type
     */
    public static DriftReport compute(
            Map<String, ColumnDistribution> reference, long referenceRows, Map<String, ColumnDistribution> current, long currentRows, DriftOptions options) {
        requireNonNull(reference, "reference is null");
        requireNonNull(current, "current is null");
        requireNonNull(options, "options is null");
        Set<String> names = new LinkedHashSet<>(reference.keySet());
        names.addAll(current.keySet());
        List<DriftResult> results = new ArrayList<>();
        int drifted = 0;
        for (String name : names) {
            DriftResult result = column(name, Optional.ofNullable(reference.get(name)), referenceRows, Optional.ofNullable(current.get(name)), options);
            results.add(result);
            if (result.drifted()) {
                drifted++;
            }
        }
        double share = names.isEmpty() ? 0 : (double) drifted / names.size();
        return new DriftReport(currentRows, referenceRows, drifted > 0 && share >= options.driftShare(), share, options.driftShare(), results);
    }

    private static DriftResult column(String name, Optional<ColumnDistribution> reference, long referenceRows, Optional<ColumnDistribution> current, DriftOptions options) {
        ColumnType type = reference.or(() -> current).orElseThrow().type();
        if (reference.isEmpty() || current.isEmpty()) {
            DriftMethod method = options.methodFor(name, type, referenceRows, 0);
            String reason = reference.isEmpty() ? "column '" + name + "' is not in the reference" : "column '" + name + "' is not in the current window";
            return DriftResult.notEnoughData(name, method, options.thresholdFor(name, type, method), reason);
        }
        if (reference.get().type() != current.get().type()) {
            DriftMethod method = options.methodFor(name, type, referenceRows, 0);
            String reason = String.format(Locale.ROOT, "column '%s' is %s in the reference but %s in the current window",
                    name, reference.get().type().name().toLowerCase(Locale.ROOT), current.get().type().name().toLowerCase(Locale.ROOT));
            return DriftResult.notEnoughData(name, method, options.thresholdFor(name, type, method), reason);
        }
        DriftMethod method = options.methodFor(name, type, referenceRows, uniqueValues(reference.get(), current.get()));
        return DriftStatistics.test(method, name, reference.get(), current.get(), options.thresholdFor(name, type, method));
    }

    /**
     * Distinct non-missing values of both sides together; for numeric columns distinct sketch buckets, counted only up
     * to 21 (the default choice needs to know no more).
     */
    static long uniqueValues(ColumnDistribution reference, ColumnDistribution current) {
        if (reference instanceof ColumnDistribution.Numeric ref && current instanceof ColumnDistribution.Numeric cur) {
            HashSet<Double> buckets = new HashSet<>();
            for (WeightedValues side : List.of(ref.values(), cur.values())) {
                for (int i = 0; i < side.size() && buckets.size() <= 20; i++) {
                    if (side.count(i) > 0) {
                        buckets.add(ColumnDistribution.Numeric.bucketOf(side.value(i)));
                    }
                }
            }
            return buckets.size();
        }
        TreeSet<String> keys = new TreeSet<>();
        for (ColumnDistribution side : List.of(reference, current)) {
            if (side instanceof ColumnDistribution.Categorical categorical) {
                categorical.counts().forEach((key, count) -> {
                    if (count > 0) {
                        keys.add(key);
                    }
                });
            }
        }
        return keys.size();
    }

    public List<DriftResult> driftedFeatures() {
        return features.stream().filter(DriftResult::drifted).toList();
    }

    /**
     * {@code {rows, reference_rows, dataset_drift, drift_share, drift_share_threshold, drifted_columns, columns,
     * features: [{name, method, stattest_kind, score, threshold, drifted, not_enough_data?}]}}.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rows", rows);
        json.put("reference_rows", referenceRows);
        json.put("dataset_drift", datasetDrift);
        json.put("drift_share", driftShare);
        json.put("drift_share_threshold", driftShareThreshold);
        json.put("drifted_columns", driftedFeatures().size());
        json.put("columns", features.size());
        ArrayNode array = json.putArray("features");
        features.forEach(feature -> array.add(feature.toJson()));
        return json;
    }
}
