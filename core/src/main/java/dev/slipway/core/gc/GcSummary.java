package dev.slipway.core.gc;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a garbage collection removed (or, in a dry run, would remove).
 *
 * @param runs runs removed
 * @param experiments experiments removed
 * @param experimentsKept deleted experiments that stay because they still have runs
 * @param artifactLocations artifact folders deleted (runs' and logged models')
 * @param rowsByTable rows deleted per table, in the order tables were first emptied; empty in a dry run
 * @param failures what could not be removed, in order
 */
public record GcSummary(boolean dryRun, long runs, long experiments, long experimentsKept, long artifactLocations,
        Map<String, Long> rowsByTable, List<Failure> failures) {
    public GcSummary {
        requireNonNull(rowsByTable, "rowsByTable is null");
        rowsByTable = Collections.unmodifiableMap(new LinkedHashMap<>(rowsByTable));
        failures = List.copyOf(requireNonNull(failures, "failures is null"));
    }

    public long totalRows() {
        return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * A run or experiment that could not be removed, and why.
     *
     * @param kind {@code run} or {@code experiment}
     */
    public record Failure(String kind, String id, String reason) {
        public Failure {
            requireNonNull(kind, "kind is null");
            requireNonNull(id, "id is null");
            requireNonNull(reason, "reason is null");
        }
    }
}
