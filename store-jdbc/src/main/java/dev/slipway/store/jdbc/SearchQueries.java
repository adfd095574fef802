package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.EntityType;
import dev.slipway.core.search.Literal;
import dev.slipway.core.search.Operator;
import dev.slipway.core.search.OrderBy;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.ViewType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the SQL that selects one page of run ids or experiments. Every filtered or ordered key gets its own
 * join alias; params, tags and metrics are never joined against each other beyond those keys, so a page query
 * reads at most one row per run and key. Also holds the pieces that the registry and logged-model searches build
 * the same way (key-value matches, numeric operators and values).
 */
final class SearchQueries {
    static final String DATASET_CONTEXT_TAG = "mlflow.data.context";

    private final Dialect dialect;

    SearchQueries(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect is null");
    }

    /** One table joined to the runs, with its ON condition. */
    record Join(String table, String alias, Sql on, boolean outer) {}

    /**
     * A planned run search: the joins and conditions of the filter and the ORDER BY terms. {@code leading} is the
     * first sort key when an index yields the runs in that order: a metric that the filter also constrains (index
     * experiment_id, name, value) or the start time (index experiment_id, lifecycle_stage, start_time).
     */
    record RunQuery(List<Join> joins, List<Sql> conditions, Sql order, Optional<Leading> leading,
            boolean startAtLeadingMetric) {}

    /** The leading sort key: a column, its direction, and the metric join it belongs to, if any. */
    record Leading(String column, boolean ascending, Optional<Join> metricJoin) {}

    RunQuery planRuns(List<Long> experimentIds, List<Comparison> filter, ViewType viewType, List<OrderBy> orderBy) {
        List<Join> joins = new ArrayList<>();
        List<Sql> conditions = new ArrayList<>();
        // "<type>:<key>" -> the inner join that guarantees a present (and for metrics non-NaN) value of that key
        Map<String, Join> presentJoins = new HashMap<>();
        int aliasCount = 0;

        Sql experimentCondition = new Sql().append("r.experiment_id");
        appendIdList(experimentCondition, experimentIds);
        conditions.add(experimentCondition);
        lifecycleCondition("r.lifecycle_stage", viewType).ifPresent(conditions::add);

        for (Comparison comparison : filter) {
            switch (comparison.type()) {
                case METRIC -> {
                    String alias = "f" + aliasCount++;
                    Sql on = new Sql().append(alias + ".run_uuid = r.run_uuid AND " + alias + ".experiment_id");
                    appendIdList(on, experimentIds);
                    on.append(" AND " + alias + ".name = ").bind(comparison.key())
                            .append(" AND " + alias + ".is_nan = 0 AND " + alias + ".value "
                                    + numericOperator(comparison.operator()) + " ")
                            .bind(number(comparison));
                    Join join = new Join("latest_metrics", alias, on, false);
                    joins.add(join);
                    presentJoins.putIfAbsent("METRIC:" + comparison.key(), join);
                }
                case PARAM, TAG -> {
                    String table = comparison.type() == EntityType.PARAM ? "params" : "tags";
                    String alias = "f" + aliasCount++;
                    Sql on = new Sql().append(alias + ".run_uuid = r.run_uuid AND " + alias + ".name = ")
                            .bind(comparison.key()).append(" AND ");
                    dialect.appendIndexedValueComparison(on, alias + ".value", comparison.operator(),
                            comparison.value());
                    Join join = new Join(table, alias, on, false);
                    joins.add(join);
                    presentJoins.putIfAbsent(comparison.type() + ":" + comparison.key(), join);
                }
                case ATTRIBUTE -> conditions.add(runAttributeCondition(comparison));
                case DATASET -> conditions.add(datasetCondition(comparison));
            }
        }

        Sql order = new Sql();
        Optional<Leading> leading = orderBy.isEmpty()
                ? Optional.of(new Leading("r.start_time", false, Optional.empty()))
                : Optional.empty();
        for (OrderBy term : orderBy) {
            String direction = term.ascending() ? " ASC" : " DESC";
            switch (term.type()) {
                case METRIC, PARAM, TAG -> {
                    Join present = presentJoins.get(term.type() + ":" + term.key());
                    if (present != null) {
                        if (order.isEmpty() && term.type() == EntityType.METRIC) {
                            leading = Optional.of(new Leading(present.alias() + ".value", term.ascending(),
                                    Optional.of(present)));
                        }
                        order.append(present.alias() + ".value" + direction + ", ");
                        continue;
                    }
                    String table = switch (term.type()) {
                        case METRIC -> "latest_metrics";
                        case PARAM -> "params";
                        case TAG -> "tags";
                        case ATTRIBUTE, DATASET -> throw new IllegalStateException();
                    };
                    String alias = "o" + aliasCount++;
                    joins.add(new Join(table, alias, new Sql().append(alias + ".run_uuid = r.run_uuid AND " + alias
                            + ".name = ").bind(term.key()), true));
                    String missingLast = term.type() == EntityType.METRIC
                            ? "CASE WHEN " + alias + ".is_nan = 1 THEN 1 WHEN " + alias + ".value IS NULL THEN 2 "
                                    + "ELSE 0 END"
                            : "CASE WHEN " + alias + ".value IS NULL THEN 1 ELSE 0 END";
                    order.append(missingLast + ", " + alias + ".value" + direction + ", ");
                }
                case ATTRIBUTE -> {
                    RunAttribute attribute = RunAttribute.of(term.key());
                    if (order.isEmpty() && attribute.column.equals("r.start_time")) {
                        leading = Optional.of(new Leading(attribute.column, term.ascending(), Optional.empty()));
                    }
                    if (attribute.nullable) {
                        order.append("CASE WHEN " + attribute.column + " IS NULL THEN 1 ELSE 0 END, ");
                    }
                    order.append(attribute.column + direction + ", ");
                }
                case DATASET -> throw SlipwayException.invalidParameter(
                        "Invalid order_by entity type 'dataset' for key '%s'", term.key());
            }
        }
        order.append("r.start_time DESC, r.run_uuid ASC");
        // Starting at the leading metric's index pays when the other clauses are not selective by themselves;
        // a param, tag, dataset or run id clause usually is, and then the planner's own choice is better.
        boolean selectiveClause = filter.stream().anyMatch(comparison -> switch (comparison.type()) {
            case PARAM, TAG, DATASET -> true;
            case ATTRIBUTE -> RunAttribute.of(comparison.key()).column.equals("r.run_uuid");
            case METRIC -> false;
        });
        return new RunQuery(List.copyOf(joins), List.copyOf(conditions), order, leading, !selectiveClause);
    }

    /**
     * {@code SELECT r.run_uuid ...} for the page of runs at {@code offset}. A {@code bound} from
     * {@link #runPageBound} (a Long or Double) limits the rows to sort to those that can be on the page.
     */
    Sql runPage(RunQuery query, int maxResults, long offset, Optional<Object> bound) {
        Sql sql = new Sql().append("SELECT r.run_uuid");
        appendFrom(sql, query);
        List<Sql> conditions = new ArrayList<>(query.conditions());
        if (bound.isPresent() && query.leading().isPresent()) {
            Leading leading = query.leading().get();
            conditions.add(new Sql().append(leading.column() + (leading.ascending() ? " <= " : " >= "))
                    .bind(bound.get()));
        }
        sql.append(" WHERE ");
        appendConjunction(sql, conditions);
        return sql.append(" ORDER BY ").append(query.order()).append(" LIMIT ").bind(maxResults).append(" OFFSET ")
                .bind(offset);
    }

    /**
     * On databases that sort every matching row when the ORDER BY has more terms than an index provides (MySQL),
     * a query for the leading sort key of the last row of the page: it reads the index in order and stops there.
     * Empty when the search has no leading key or the database sorts incrementally along an index.
     */
    Optional<Sql> runPageBound(RunQuery query, int maxResults, long offset) {
        if (query.leading().isEmpty() || !dialect.sortsWholeResults()) {
            return Optional.empty();
        }
        Leading leading = query.leading().get();
        Sql sql = new Sql().append("SELECT " + leading.column());
        appendFrom(sql, query);
        sql.append(" WHERE ");
        appendConjunction(sql, query.conditions());
        return Optional.of(sql.append(" ORDER BY " + leading.column() + (leading.ascending() ? " ASC" : " DESC")
                + " LIMIT 1 OFFSET ").bind(offset + maxResults - 1));
    }

    /** The FROM clause; a leading metric's table comes first where the planner must be told to start there. */
    private void appendFrom(Sql sql, RunQuery query) {
        Optional<String> forcedJoin = dialect.joinInWrittenOrder();
        Optional<Join> first = forcedJoin.isPresent() && query.startAtLeadingMetric()
                ? query.leading().flatMap(Leading::metricJoin)
                : Optional.empty();
        if (first.isPresent()) {
            Join leading = first.get();
            sql.append(" FROM " + leading.table() + " " + leading.alias() + " " + forcedJoin.get() + " runs r ON ")
                    .append(leading.on());
        } else {
            sql.append(" FROM runs r");
        }
        for (Join join : query.joins()) {
            if (first.isPresent() && join == first.get()) {
                continue;
            }
            sql.append(join.outer() ? " LEFT JOIN " : " JOIN ").append(join.table() + " " + join.alias() + " ON ")
                    .append(join.on());
        }
    }

    /** {@code SELECT e.* ...} for {@code limit} experiments at {@code offset}. */
    Sql experimentPage(ViewType viewType, List<Comparison> filter, List<OrderBy> orderBy, int limit, long offset) {
        Sql joins = new Sql();
        List<Sql> conditions = new ArrayList<>();
        lifecycleCondition("e.lifecycle_stage", viewType).ifPresent(conditions::add);
        int aliasCount = 0;
        for (Comparison comparison : filter) {
            switch (comparison.type()) {
                case TAG -> {
                    String alias = "t" + aliasCount++;
                    joins.append(" JOIN experiment_tags " + alias + " ON " + alias + ".experiment_id = e.experiment_id"
                            + " AND " + alias + ".name = ").bind(comparison.key()).append(" AND ");
                    dialect.appendStringComparison(joins, alias + ".value", comparison.operator(), comparison.value());
                }
                case ATTRIBUTE -> {
                    Sql condition = new Sql();
                    switch (comparison.key()) {
                        case "name" -> dialect.appendStringComparison(condition, "e.name", comparison.operator(),
                                comparison.value());
                        case "creation_time", "last_update_time" -> condition
                                .append("e." + comparison.key() + " " + numericOperator(comparison.operator()) + " ")
                                .bind(integralOrDouble(number(comparison)));
                        default -> throw SlipwayException.invalidParameter(
                                "Invalid attribute key '%s' specified. Valid keys are "
                                        + "'[creation_time, last_update_time, name]'", comparison.key());
                    }
                    conditions.add(condition);
                }
                case METRIC, PARAM, DATASET -> throw SlipwayException.invalidParameter(
                        "Invalid entity type '%s' in experiment filter. Valid types are 'attribute' and 'tag'",
                        comparison.type());
            }
        }
        Sql order = new Sql();
        List<OrderBy> terms = orderBy.isEmpty() ? List.of(new OrderBy(EntityType.ATTRIBUTE, "creation_time", false))
                : orderBy;
        for (OrderBy term : terms) {
            String column = switch (term.type() == EntityType.ATTRIBUTE ? term.key() : "") {
                case "name", "experiment_id", "creation_time", "last_update_time" -> "e." + term.key();
                default -> throw SlipwayException.invalidParameter(
                        "Invalid order_by entity: '%s'. Valid keys are name, experiment_id, creation_time, "
                                + "last_update_time", term.key());
            };
            order.append(column + (term.ascending() ? " ASC" : " DESC") + ", ");
        }
        order.append("e.experiment_id ASC");
        Sql sql = new Sql().append("SELECT e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, "
                + "e.creation_time, e.last_update_time FROM experiments e").append(joins);
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ");
            appendConjunction(sql, conditions);
        }
        sql.append(" ORDER BY ").append(order).append(" LIMIT ").bind(limit).append(" OFFSET ").bind(offset);
        return sql;
    }

    private Sql runAttributeCondition(Comparison comparison) {
        RunAttribute attribute = RunAttribute.of(comparison.key());
        Sql condition = new Sql();
        if (attribute.numeric) {
            if (!(comparison.value() instanceof Literal.Number number)) {
                throw SlipwayException.invalidParameter(
                        "Invalid comparison for attribute '%s': it takes a numeric value", comparison.key());
            }
            condition.append(attribute.column + " " + numericOperator(comparison.operator()) + " ")
                    .bind(integralOrDouble(number.value()));
        } else {
            dialect.appendStringComparison(condition, attribute.column, comparison.operator(), comparison.value());
        }
        return condition;
    }

    private Sql datasetCondition(Comparison comparison) {
        Sql condition = new Sql();
        switch (comparison.key()) {
            case "name", "digest" -> {
                condition.append("EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid "
                        + "WHERE i.run_uuid = r.run_uuid AND ");
                dialect.appendStringComparison(condition, "d." + comparison.key(), comparison.operator(),
                        comparison.value());
            }
            case "context" -> {
                condition.append("EXISTS (SELECT 1 FROM inputs i JOIN input_tags it ON it.input_uuid = i.input_uuid "
                        + "WHERE i.run_uuid = r.run_uuid AND it.name = ").bind(DATASET_CONTEXT_TAG).append(" AND ");
                dialect.appendStringComparison(condition, "it.value", comparison.operator(), comparison.value());
            }
            default -> throw SlipwayException.invalidParameter(
                    "Invalid dataset key '%s' specified. Valid keys are '[context, digest, name]'", comparison.key());
        }
        return condition.append(")");
    }

    private static Optional<Sql> lifecycleCondition(String column, ViewType viewType) {
        return switch (viewType) {
            case ACTIVE_ONLY -> Optional.of(new Sql().append(column + " = ").bind("active"));
            case DELETED_ONLY -> Optional.of(new Sql().append(column + " = ").bind("deleted"));
            case ALL -> Optional.empty();
        };
    }

    private static void appendIdList(Sql sql, List<Long> ids) {
        if (ids.size() == 1) {
            sql.append(" = ").bind(ids.get(0));
        } else {
            sql.append(" IN ").bindList(ids);
        }
    }

    private static void appendConjunction(Sql sql, List<Sql> conditions) {
        for (int index = 0; index < conditions.size(); index++) {
            sql.append(index == 0 ? "" : " AND ").append(conditions.get(index));
        }
    }

    /**
     * {@code EXISTS (SELECT 1 FROM from WHERE correlation AND keyColumn = ? AND <valueColumn matches>)} for a key-value
     * table (params, tags): an entity without the key never matches, not even for {@code !=}.
     */
    void appendKeyValueMatch(Sql sql, String from, String correlation, String keyColumn, String valueColumn,
            Comparison comparison) {
        sql.append("EXISTS (SELECT 1 FROM " + from + " WHERE " + correlation + " AND " + keyColumn + " = ")
                .bind(comparison.key()).append(" AND ");
        dialect.appendStringComparison(sql, valueColumn, comparison.operator(), comparison.value());
        sql.append(")");
    }

    /** The SQL operator of a numeric comparison; empty for the operators that only compare strings. */
    static Optional<String> numericSqlOperator(Operator operator) {
        return switch (operator) {
            case EQ -> Optional.of("=");
            case NE -> Optional.of("<>");
            case GT -> Optional.of(">");
            case GE -> Optional.of(">=");
            case LT -> Optional.of("<");
            case LE -> Optional.of("<=");
            case LIKE, ILIKE, IN, NOT_IN -> Optional.empty();
        };
    }

    /** The SQL operator of a comparison that the service has already checked to be numeric. */
    static String checkedNumericOperator(Comparison comparison) {
        return numericSqlOperator(comparison.operator()).orElseThrow(() -> new IllegalArgumentException(
                "Operator " + comparison.operator().symbol() + " does not apply to numbers"));
    }

    private static String numericOperator(Operator operator) {
        return numericSqlOperator(operator).orElseThrow(() -> SlipwayException.invalidParameter(
                "Invalid comparator '%s' for a numeric value; use one of '=', '!=', '>', '>=', '<', '<='",
                operator.symbol()));
    }

    private static double number(Comparison comparison) {
        if (comparison.value() instanceof Literal.Number number) {
            return number.value();
        }
        throw SlipwayException.invalidParameter("Expected a numeric value for '%s'", comparison.key());
    }

    /** Binds whole numbers as BIGINT so integer columns compare (and use indexes) without a cast. */
    static Object integralOrDouble(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 9.0e15) {
            return (long) value;
        }
        return value;
    }

    /** The run attributes a search can filter or order on, with their columns. */
    private record RunAttribute(String column, boolean numeric, boolean nullable) {
        static RunAttribute of(String key) {
            return switch (TrackingService.canonicalRunAttribute(key)) {
                case "run_id" -> new RunAttribute("r.run_uuid", false, false);
                case "run_name" -> new RunAttribute("r.name", false, false);
                case "status" -> new RunAttribute("r.status", false, false);
                case "user_id" -> new RunAttribute("r.user_id", false, false);
                case "artifact_uri" -> new RunAttribute("r.artifact_uri", false, false);
                case "lifecycle_stage" -> new RunAttribute("r.lifecycle_stage", false, false);
                case "start_time" -> new RunAttribute("r.start_time", true, false);
                case "end_time" -> new RunAttribute("r.end_time", true, true);
                case "experiment_id" -> new RunAttribute("r.experiment_id", true, false);
                default -> throw SlipwayException.invalidParameter(
                        "Invalid attribute key '%s' specified. Valid keys are '[artifact_uri, end_time, "
                                + "experiment_id, lifecycle_stage, run_id, run_name, start_time, status, user_id]'",
                        key);
            };
        }
    }
}
