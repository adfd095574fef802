package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How drift is decided, mirroring Evidently's DataDriftPreset arguments. Immutable; the {@code with...} methods return
 * changed copies.
 *
 * <p>Method: the column's own choice, else the one for its type ({@code numericMethod} / {@code categoricalMethod}),
 * else {@code method}, else {@link DriftMethod#defaultFor}. Threshold: likewise per column, per type, global, else the
 * chosen method's default. The dataset drifts when the share of drifted columns (among all compared columns) is at
 * least {@code driftShare}, 0.5 by default.
 */
public record DriftOptions(
        double driftShare,
        Optional<DriftMethod> method,
        Optional<DriftMethod> numericMethod,
        Optional<DriftMethod> categoricalMethod,
        Map<String, DriftMethod> columnMethods,
        OptionalDouble threshold,
        OptionalDouble numericThreshold,
        OptionalDouble categoricalThreshold,
        Map<String, Double> columnThresholds) {
    public static final double DEFAULT_DRIFT_SHARE = 0.5;

    public DriftOptions {
        if (!(driftShare > 0 && driftShare <= 1)) {
            throw SlipwayException.invalidParameter("drift share must be in (0, 1], got %s", driftShare);
        }
        requireNonNull(method, "method is null");
        requireNonNull(numericMethod, "numericMethod is null");
        requireNonNull(categoricalMethod, "categoricalMethod is null");
        columnMethods = Map.copyOf(requireNonNull(columnMethods, "columnMethods is null"));
        requireNonNull(threshold, "threshold is null");
        requireNonNull(numericThreshold, "numericThreshold is null");
        requireNonNull(categoricalThreshold, "categoricalThreshold is null");
        columnThresholds = Map.copyOf(requireNonNull(columnThresholds, "columnThresholds is null"));
        numericMethod.ifPresent(m -> requireSupports(m, ColumnType.NUMERIC, "numeric method"));
        categoricalMethod.ifPresent(m -> requireSupports(m, ColumnType.CATEGORICAL, "categorical method"));
    }

    private static void requireSupports(DriftMethod method, ColumnType type, String what) {
        if (!method.supports(type)) {
            throw SlipwayException.invalidParameter("%s '%s' does not apply to %s columns", what, method.wireName(), type);
        }
    }

    public static DriftOptions defaults() {
        return new DriftOptions(DEFAULT_DRIFT_SHARE, Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), Map.of());
    }

    public DriftOptions withDriftShare(double share) {
        return new DriftOptions(share, method, numericMethod, categoricalMethod, columnMethods, threshold, numericThreshold, categoricalThreshold, columnThresholds);
    }

    public DriftOptions withMethod(DriftMethod all) {
        return new DriftOptions(driftShare, Optional.of(all), numericMethod, categoricalMethod, columnMethods, threshold, numericThreshold, categoricalThreshold, columnThresholds);
    }

    public DriftOptions withNumericMethod(DriftMethod numeric) {
        return new DriftOptions(driftShare, method, Optional.of(numeric), categoricalMethod, columnMethods, threshold, numericThreshold, categoricalThreshold, columnThresholds);
    }

    public DriftOptions withCategoricalMethod(DriftMethod categorical) {
        return new DriftOptions(driftShare, method, numericMethod, Optional.of(categorical), columnMethods, threshold, numericThreshold, categoricalThreshold, columnThresholds);
    }

    public DriftOptions withColumnMethod(String column, DriftMethod columnMethod) {
        Map<String, DriftMethod> methods = new HashMap<>(columnMethods);
        methods.put(requireNonNull(column, "column is null"), requireNonNull(columnMethod, "columnMethod is null"));
        return new DriftOptions(driftShare, method, numericMethod, categoricalMethod, methods, threshold, numericThreshold, categoricalThreshold, columnThresholds);
    }

    public DriftOptions withThreshold(double all) {
        return new DriftOptions(driftShare, method, numericMethod, categoricalMethod, columnMethods, OptionalDouble.of(all), numericThreshold, categoricalThreshold, columnThresholds);
    }

    public DriftOptions withNumericThreshold(double numeric) {
        return new DriftOptions(driftShare, method, numericMethod, categoricalMethod, columnMethods, threshold, OptionalDouble.of(numeric), categoricalThreshold, columnThresholds);
    }

    public DriftOptions withCategoricalThreshold(double categorical) {
        return new DriftOptions(driftShare, method, numericMethod, categoricalMethod, columnMethods, threshold, numericThreshold, OptionalDouble.of(categorical), columnThresholds);
    }

    public DriftOptions withColumnThreshold(String column, double columnThreshold) {
        Map<String, Double> thresholds = new HashMap<>(columnThresholds);
        thresholds.put(requireNonNull(column, "column is null"), columnThreshold);
        return new DriftOptions(driftShare, method, numericMethod, categoricalMethod, columnMethods, threshold, numericThreshold, categoricalThreshold, thresholds);
    }

    /** The method for a column, given the reference's rows and the distinct values of both sides. */
    public DriftMethod methodFor(String column, ColumnType type, long referenceRows, long uniqueValues) {
        DriftMethod columnMethod = columnMethods.get(column);
        if (columnMethod != null) {
            return columnMethod;
        }
        Optional<DriftMethod> byType = switch (type) {
            case NUMERIC -> numericMethod;
            case CATEGORICAL -> categoricalMethod;
        };
        return byType.or(() -> method).orElseGet(() -> DriftMethod.defaultFor(type, referenceRows, uniqueValues));
    }

    public double thresholdFor(String column, ColumnType type, DriftMethod chosen) {
        Double columnThreshold = columnThresholds.get(column);
        if (columnThreshold != null) {
            return columnThreshold;
        }
        OptionalDouble byType = switch (type) {
            case NUMERIC -> numericThreshold;
            case CATEGORICAL -> categoricalThreshold;
        };
        if (byType.isPresent()) {
            return byType.getAsDouble();
        }
        return threshold.isPresent() ? threshold.getAsDouble() : chosen.defaultThreshold();
    }
}
