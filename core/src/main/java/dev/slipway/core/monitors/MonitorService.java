package dev.slipway.core.monitors;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of monitors in front of a {@link MonitorStore}: monitor names, the sizes of definitions and reports, the
 * lengths of the texts of actions, times and page sizes. Every public method validates its input and throws
 * {@link SlipwayException} INVALID_PARAMETER_VALUE with a message naming the field (by its wire name) and the bad
 * value, or its length when the value is too long to echo. Definitions and reports are JSON texts the caller (the
 * HTTP route) has parsed and, for definitions, checked; they are stored as given. Thread-safe.
 */
public final class MonitorService {
    /** What a monitor name is: 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** The longest definition, in characters of JSON text. */
    public static final int MAX_DEFINITION_LENGTH = 64 * 1024;
    /** The longest report of a result, in characters of JSON text. */
    public static final int MAX_REPORT_LENGTH = 2 * 1024 * 1024;
    public static final int MAX_RULE_LENGTH = 1024;
    public static final int MAX_CAUSE_LENGTH = 4096;
    public static final int MAX_KIND_LENGTH = 64;
    public static final int MAX_TARGET_LENGTH = 2048;
    public static final int MAX_DETAIL_LENGTH = 64 * 1024;
    public static final int MAX_RESULTS = 1000;
    public static final int DEFAULT_RESULTS = 100;

    private final MonitorStore store;
    private final Clock clock;

    public MonitorService(MonitorStore store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * A result as a request carries it: without a time, it is stamped with the time it is received.
     *
     * @param datasetDrift absent when drift could not be computed
     * @param driftShare the share of drifted features, absent when drift could not be computed
     */
    public record NewResult(String monitorName, Optional<Long> time, long windowStart, long windowEnd, long rows,
            MonitorStatus status, Optional<Boolean> datasetDrift, Optional<Double> driftShare, String reportJson) {
        public NewResult {
            requireNonNull(monitorName, "monitorName is null");
            requireNonNull(time, "time is null");
            requireNonNull(status, "status is null");
            requireNonNull(datasetDrift, "datasetDrift is null");
            requireNonNull(driftShare, "driftShare is null");
            requireNonNull(reportJson, "reportJson is null");
        }
    }

    /** An action as a request carries it: without a time, it is stamped with the time it is received. */
    public record NewAction(String monitorName, long resultId, Optional<Long> time, String rule, String cause,
            String kind, String target, boolean succeeded, String detail) {
        public NewAction {
            requireNonNull(monitorName, "monitorName is null");
            requireNonNull(time, "time is null");
            requireNonNull(rule, "rule is null");
            requireNonNull(cause, "cause is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(target, "target is null");
            requireNonNull(detail, "detail is null");
        }
    }

    /**
     * Creates the monitor, or with {@code replace} replaces the definition of the one with that name (keeping its
     * creation time, results and actions). Two concurrent creations of the same name without {@code replace} may
     * both succeed; the last one's definition stays.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad name or an empty or too long definition,
     *     RESOURCE_ALREADY_EXISTS when the monitor exists and {@code replace} is false
     */
    public StoredMonitor createMonitor(String name, String definitionJson, boolean replace) {
        checkName("name", name);
        requireNonNull(definitionJson, "definitionJson is null");
        checkText("definition", definitionJson, MAX_DEFINITION_LENGTH, true);
        return store.putMonitor(name, definitionJson, clock.millis(), replace);
    }

    /** The monitor, when it exists. */
    public Optional<StoredMonitor> findMonitor(String name) {
        checkName("name", name);
        return store.getMonitor(name);
    }

    /**
     * The monitor.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when there is none
     */
    public StoredMonitor getMonitor(String name) {
        return findMonitor(name).orElseThrow(() -> notFound(name));
    }

    /** Every monitor, by name. */
    public List<StoredMonitor> listMonitors() {
        return store.listMonitors();
    }

    /**
     * Deletes the monitor with its results, actions and lease.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when there is none
     */
    public void deleteMonitor(String name) {
        checkName("name", name);
        if (!store.deleteMonitor(name)) {
            throw notFound(name);
        }
    }

    /**
     * Stores a result of an existing monitor and returns it with its id and time.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad name, a negative time or row count, a window that
     *     ends before it starts, a drift share outside [0, 1] or an empty or too long report;
     *     RESOURCE_DOES_NOT_EXIST when the monitor does not exist
     */
    public MonitorResult addResult(NewResult result) {
        requireNonNull(result, "result is null");
        checkName("result.monitor_name", result.monitorName());
        long time = result.time().orElseGet(clock::millis);
        checkTime("result.time", time);
        checkTime("result.window_start", result.windowStart());
        checkTime("result.window_end", result.windowEnd());
        if (result.windowEnd() < result.windowStart()) {
            throw SlipwayException.invalidParameter("Invalid window: 'result.window_end' %d is before "
                    + "'result.window_start' %d", result.windowEnd(), result.windowStart());
        }
        if (result.rows() < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'result.rows': expected a count "
                    + ">= 0", result.rows());
        }
        if (result.driftShare().isPresent()) {
            double share = result.driftShare().get();
            if (!(share >= 0 && share <= 1)) {
                throw SlipwayException.invalidParameter("Invalid value %s for parameter 'result.drift_share': "
                        + "expected a share between 0 and 1", share);
            }
        }
        checkText("result.report", result.reportJson(), MAX_REPORT_LENGTH, true);
        return store.addResult(new MonitorResult(0, result.monitorName(), time, result.windowStart(),
                result.windowEnd(), result.rows(), result.status(), result.datasetDrift(), result.driftShare(),
                result.reportJson()));
    }

    /**
     * The monitor's latest results, newest first.
     *
     * @param maxResults 1 to {@link #MAX_RESULTS}; {@link #DEFAULT_RESULTS} when absent
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad name or page size
     */
    public List<MonitorResult> results(String monitorName, Optional<Long> maxResults) {
        checkName("name", monitorName);
        return store.results(monitorName, pageSize(maxResults));
    }

    /** The monitor's latest result, when it has been evaluated. */
    public Optional<MonitorResult> latestResult(String monitorName) {
        checkName("name", monitorName);
        return store.results(monitorName, 1).stream().findFirst();
    }

    /**
     * Stores an action of an existing monitor and returns it with its id and time.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad name, a negative time or result id, an empty rule
     *     or kind, or a rule, cause, kind, target or detail longer than its limit; RESOURCE_DOES_NOT_EXIST when the
     *     monitor does not exist
     */
    public MonitorAction addAction(NewAction action) {
        requireNonNull(action, "action is null");
        checkName("action.monitor_name", action.monitorName());
        if (action.resultId() < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'action.result_id': expected an "
                    + "id >= 0", action.resultId());
        }
        long time = action.time().orElseGet(clock::millis);
        checkTime("action.time", time);
        checkText("action.rule", action.rule(), MAX_RULE_LENGTH, true);
        checkText("action.cause", action.cause(), MAX_CAUSE_LENGTH, false);
        checkText("action.kind", action.kind(), MAX_KIND_LENGTH, true);
        checkText("action.target", action.target(), MAX_TARGET_LENGTH, false);
        checkText("action.detail", action.detail(), MAX_DETAIL_LENGTH, false);
        return store.addAction(new MonitorAction(0, action.monitorName(), action.resultId(), time, action.rule(),
                action.cause(), action.kind(), action.target(), action.succeeded(), action.detail()));
    }

    /**
     * The latest actions, of one monitor or of all, newest first.
     *
     * @param maxResults 1 to {@link #MAX_RESULTS}; {@link #DEFAULT_RESULTS} when absent
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad name or page size
     */
    public List<MonitorAction> actions(Optional<String> monitorName, Optional<Long> maxResults) {
        requireNonNull(monitorName, "monitorName is null");
        monitorName.ifPresent(name -> checkName("name", name));
        return store.actions(monitorName, pageSize(maxResults));
    }

    /** How many actions each monitor has taken, by kind and outcome. */
    public List<ActionCount> actionCounts() {
        return store.actionCounts();
    }

    private static int pageSize(Optional<Long> maxResults) {
        requireNonNull(maxResults, "maxResults is null");
        long size = maxResults.orElse((long) DEFAULT_RESULTS);
        if (size < 1 || size > MAX_RESULTS) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'max_results' supplied: it must "
                    + "be between 1 and %d", size, MAX_RESULTS);
        }
        return (int) size;
    }

    private static void checkName(String field, String name) {
        requireNonNull(name, field + " is null");
        if (name.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter '%s'.", field);
        }
        if (!NAME.matcher(name).matches()) {
            throw SlipwayException.invalidParameter("Invalid value '%s' for parameter '%s': a monitor name is 1 to "
                    + "128 letters, digits, '.', '_' or '-', starting with a letter or digit", abbreviate(name), field);
        }
    }

    private static void checkText(String field, String value, int maxLength, boolean required) {
        requireNonNull(value, field + " is null");
        if (required && value.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter '%s'.", field);
        }
        if (value.length() > maxLength) {
            throw SlipwayException.invalidParameter("'%s' exceeds the maximum length of %d characters (got %d)",
                    field, maxLength, value.length());
        }
    }

    private static void checkTime(String field, long time) {
        if (time < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter '%s': expected epoch "
                    + "milliseconds >= 0", time, field);
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200) + "...";
    }

    private static SlipwayException notFound(String name) {
        return new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "Monitor '" + name + "' not found");
    }
}
