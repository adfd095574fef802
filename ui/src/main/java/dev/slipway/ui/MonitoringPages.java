package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorService;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.monitoring.MonitorDefinition;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Production monitoring: {@code /monitoring} (every monitor with the model it watches, its latest status and the
 * latest actions of all monitors) and {@code /monitoring/{monitor}} (drift per feature, data quality and live model
 * quality over time as uPlot charts drawn by {@code monitoring.js} from {@code data-monitor-chart} attributes; the
 * latest report; the actions its alert rules took). A server whose prediction log has no monitor store says so.
 */
final class MonitoringPages implements WebUi.PageGroup {
    static final String SCRIPT = "/static/monitoring.js";
    /** How many results the charts of a monitor span. */
    static final long CHART_RESULTS = 500;
    static final long TABLE_ROWS = 50;
    private static final Layout.Section SECTION = Layout.Section.MONITORING;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UiServices services;
    private final Lineage lineage;

    MonitoringPages(UiServices services) {
        this.services = requireNonNull(services, "services is null");
        this.lineage = new Lineage(services);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/monitoring", Pages.page(SECTION, ctx -> list()));
        routes.get("/monitoring/{monitor}", Pages.page(SECTION, this::monitor));
    }

    private static String noStore() {
        return Layout.empty("This server keeps no monitors.", "<p>Monitors, their results and the actions of their "
                + "alert rules are stored with the prediction log. Start the server with a database backend that "
                + "stores predictions (<code>slipway server --backend-store-uri sqlite:///mlflow.db</code>, or "
                + "PostgreSQL or MariaDB), then create one with <code>slipway monitor create monitor.yaml</code>.</p>");
    }

    private String list() {
        Optional<MonitorService> service = lineage.monitorService();
        StringBuilder html = new StringBuilder("<h1>Monitoring</h1>\n");
        if (service.isEmpty()) {
            html.append(noStore());
            return Layout.page("Monitoring", SECTION, html.toString(), false);
        }
        List<Lineage.Monitor> monitors = lineage.monitors();
        if (monitors.isEmpty()) {
            html.append(Layout.empty("No monitors yet.", "<p>Create one with <code>slipway monitor create "
                    + "monitor.yaml</code>: it names the model it watches (<code>models:/churn@champion</code>), the "
                    + "window of predictions and its alert rules.</p>"));
            return Layout.page("Monitoring", SECTION, html.toString(), false);
        }
        html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"monitors\"><thead><tr>")
                .append("<th scope=\"col\">Monitor</th><th scope=\"col\">Model</th><th scope=\"col\">Window</th>")
                .append("<th scope=\"col\">Last evaluated</th><th scope=\"col\">Status</th>")
                .append("<th scope=\"col\" class=\"num\">Drift share</th></tr></thead><tbody>\n");
        for (Lineage.Monitor monitor : monitors) {
            Optional<MonitorResult> latest = service.get().latestResult(monitor.stored().name());
            html.append("<tr><td><a href=\"/monitoring/").append(Html.path(monitor.stored().name())).append("\">")
                    .append(Html.text(monitor.stored().name())).append("</a></td><td>").append(modelLink(monitor))
                    .append("</td><td>").append(Html.text(monitor.definition().map(MonitorDefinition::describeWindow)
                            .orElse("\u2013"))).append("</td><td>")
                    .append(latest.map(result -> Html.time(result.time(), services.zone())).orElse("never"))
                    .append("</td><td>").append(latest.map(result -> statusBadge(result.status()))
                            .orElse("<span class=\"muted\">not evaluated</span>"))
                    .append("</td><td class=\"num\">").append(latest.flatMap(MonitorResult::driftShare)
                            .map(Html::number).orElse("\u2013")).append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n");
        html.append("<h2 id=\"actions-heading\">Latest alert actions</h2>\n")
                .append(actionsTable(service.get().actions(Optional.empty(), Optional.of(TABLE_ROWS)), true));
        return Layout.page("Monitoring", SECTION, html.toString(), false);
    }

    private String monitor(Context ctx) {
        String name = ctx.pathParam("monitor");
        MonitorService service = lineage.monitorService().orElseThrow(() -> new SlipwayException(
                dev.slipway.core.ErrorCode.RESOURCE_DOES_NOT_EXIST, "This server keeps no monitors, so there is no "
                + "monitor '" + name + "'"));
        Lineage.Monitor monitor = Lineage.monitor(service.getMonitor(name));
        List<MonitorResult> results = service.results(name, Optional.of(CHART_RESULTS));
        List<MonitorAction> actions = service.actions(Optional.of(name), Optional.of(TABLE_ROWS));
        List<MonitorResult> oldestFirst = new ArrayList<>(results);
        java.util.Collections.reverse(oldestFirst);
        Map<Long, JsonNode> reports = new HashMap<>();
        for (MonitorResult result : results) {
            reports.put(result.id(), parse(result.reportJson()));
        }

        StringBuilder html = new StringBuilder();
        html.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/monitoring\">Monitoring</a> / </nav>")
                .append("<h1>").append(Html.text(name)).append("</h1>\n");
        html.append("<dl class=\"facts\" id=\"monitor-facts\"><dt>Model</dt><dd>").append(modelLink(monitor));
        results.stream().findFirst().map(result -> reports.get(result.id())).ifPresent(report -> {
            if (report.hasNonNull("model_name") && report.hasNonNull("model_version")) {
                html.append(" \u00b7 last evaluated version <a href=\"/models/")
                        .append(Html.path(report.get("model_name").asText())).append("/versions/")
                        .append(Html.path(report.get("model_version").asText())).append("\">")
                        .append(Html.text(report.get("model_version").asText())).append("</a>");
            }
        });
        html.append("</dd>");
        monitor.definition().ifPresent(definition -> html.append("<dt>Window</dt><dd>")
                .append(Html.text(definition.describeWindow())).append("</dd><dt>Schedule</dt><dd>every ")
                .append(Html.text(Durations.describe(definition.schedule()))).append("</dd>")
                .append("<dt>Dataset drifts at</dt><dd>").append(Html.number(definition.driftShare()))
                .append(" of the features</dd><dt>Alert rules</dt><dd>").append(definition.alerts().size())
                .append("</dd>"));
        html.append("<dt>Evaluations</dt><dd>").append(results.size() == CHART_RESULTS ? "latest " : "")
                .append(results.size()).append("</dd></dl>\n");

        if (results.isEmpty()) {
            html.append(Layout.empty("This monitor has not been evaluated yet.", "<p>The server evaluates it on its "
                    + "schedule; run <code>slipway monitor run " + Html.text(name) + "</code> to evaluate it now.</p>"));
        } else {
            html.append("<h2 id=\"drift-heading\">Drift over time</h2>\n")
                    .append(chart("drift-chart", "Drift share and each feature's drift score per evaluation",
                            driftChart(oldestFirst, reports), "No evaluation had enough data to compute drift."));
            html.append("<h2 id=\"quality-heading\">Data quality</h2>\n")
                    .append(chart("data-quality-chart", "Share of missing values per column per evaluation",
                            dataQualityChart(oldestFirst, reports), "No data quality was computed yet."));
            html.append("<h2 id=\"live-quality-heading\">Live model quality</h2>\n")
                    .append(chart("model-quality-chart", "Live model quality metrics per evaluation",
                            modelQualityChart(oldestFirst, reports), "No live quality yet: it needs predictions with "
                                    + "ground-truth labels logged in the window."));
            html.append(latestReport(results.get(0), reports.get(results.get(0).id())));
        }
        html.append("<h2 id=\"actions-heading\">Alerts and actions</h2>\n").append(actionsTable(actions, false));
        if (!results.isEmpty()) {
            html.append("<h2 id=\"results-heading\">Recent evaluations</h2>\n").append(resultsTable(results));
        }
        html.append("<details class=\"definition\"><summary>Definition</summary><pre>")
                .append(Html.text(pretty(monitor.stored().definitionJson()))).append("</pre></details>\n");
        return Layout.page(name, SECTION, html.toString(), true, List.of(SCRIPT));
    }

    // ---- charts ----------------------------------------------------------------------------------

    /** {@code {x: [epoch s...], series: [{label, values: [number or null...]}]}}: empty when no series has data. */
    private static Optional<ObjectNode> series(List<MonitorResult> oldestFirst, Map<Long, JsonNode> reports,
            Function<JsonNode, Map<String, Double>> values) {
        Map<String, Double[]> columns = new LinkedHashMap<>();
        for (int i = 0; i < oldestFirst.size(); i++) {
            Map<String, Double> point = values.apply(reports.get(oldestFirst.get(i).id()));
            for (Map.Entry<String, Double> entry : point.entrySet()) {
                columns.computeIfAbsent(entry.getKey(), key -> new Double[oldestFirst.size()])[i] = entry.getValue();
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode chart = JSON.createObjectNode();
        ArrayNode x = chart.putArray("x");
        oldestFirst.forEach(result -> x.add(result.time() / 1000.0));
        ArrayNode series = chart.putArray("series");
        columns.forEach((label, points) -> {
            ObjectNode entry = series.addObject().put("label", label);
            ArrayNode array = entry.putArray("values");
            for (Double point : points) {
                if (point == null || !Double.isFinite(point)) {
                    array.addNull();
                } else {
                    array.add(point);
                }
            }
        });
        return Optional.of(chart);
    }

    private static Optional<ObjectNode> driftChart(List<MonitorResult> oldestFirst, Map<Long, JsonNode> reports) {
        return series(oldestFirst, reports, report -> {
            Map<String, Double> point = new LinkedHashMap<>();
            if (report.path("drift_share").isNumber()) {
                point.put("drift_share", report.get("drift_share").asDouble());
            }
            for (JsonNode feature : report.path("features")) {
                if (feature.path("score").isNumber()) {
                    point.put(feature.path("name").asText("?") + " (" + feature.path("method").asText("?") + ")",
                            feature.get("score").asDouble());
                }
            }
            return point;
        });
    }

    private static Optional<ObjectNode> dataQualityChart(List<MonitorResult> oldestFirst, Map<Long, JsonNode> reports) {
        return series(oldestFirst, reports, report -> {
            Map<String, Double> point = new LinkedHashMap<>();
            for (JsonNode column : report.path("data_quality").path("columns")) {
                String name = column.path("name").asText("?");
                if (column.path("missing_share").isNumber()) {
                    point.put(name + " missing", column.get("missing_share").asDouble());
                }
                if (column.path("out_of_range_share").isNumber()) {
                    point.put(name + " out of range", column.get("out_of_range_share").asDouble());
                }
                if (column.path("unseen_share").isNumber()) {
                    point.put(name + " unseen", column.get("unseen_share").asDouble());
                }
                if (column.path("type_violation_share").isNumber() && column.get("type_violation_share").asDouble() > 0) {
                    point.put(name + " wrong type", column.get("type_violation_share").asDouble());
                }
            }
            return point;
        });
    }

    private static Optional<ObjectNode> modelQualityChart(List<MonitorResult> oldestFirst, Map<Long, JsonNode> reports) {
        return series(oldestFirst, reports, report -> {
            Map<String, Double> point = new LinkedHashMap<>();
            report.path("model_quality").properties().forEach(field -> {
                if (!field.getKey().equals("rows") && field.getValue().isNumber()) {
                    point.put(field.getKey(), field.getValue().asDouble());
                }
            });
            return point;
        });
    }

    private static String chart(String id, String label, Optional<ObjectNode> data, String emptyMessage) {
        if (data.isEmpty()) {
            return "<p class=\"muted\" id=\"" + id + "-empty\">" + Html.text(emptyMessage) + "</p>\n";
        }
        return "<figure class=\"monitor-chart\"><div id=\"" + id + "\" class=\"chart\" role=\"img\" aria-label=\""
                + Html.attr(label) + "\" data-monitor-chart=\"" + Html.attr(data.get().toString())
                + "\"><p class=\"muted chart-loading\">Drawing the chart\u2026</p></div><figcaption class=\"muted\">"
                + Html.text(label) + "</figcaption></figure>\n";
    }

    // ---- tables ----------------------------------------------------------------------------------

    private String latestReport(MonitorResult result, JsonNode report) {
        StringBuilder html = new StringBuilder("<h2 id=\"latest-heading\">Latest report</h2>\n");
        html.append("<dl class=\"facts\" id=\"latest-report\"><dt>Evaluated</dt><dd>")
                .append(Html.time(result.time(), services.zone())).append("</dd><dt>Status</dt><dd>")
                .append(statusBadge(result.status())).append("</dd><dt>Window</dt><dd>")
                .append(Html.time(result.windowStart(), services.zone())).append(" \u2013 ")
                .append(Html.time(result.windowEnd(), services.zone())).append(" (").append(result.rows())
                .append(" rows)</dd><dt>Dataset drift</dt><dd>")
                .append(result.datasetDrift().map(drift -> drift ? "<span class=\"badge bad\">drifted</span>"
                        : "<span class=\"badge ok\">no drift</span>").orElse("\u2013"));
        result.driftShare().ifPresent(share -> html.append(" (share ").append(Html.number(share)).append(')'));
        html.append("</dd>");
        if (report.hasNonNull("reference")) {
            html.append("<dt>Reference</dt><dd>").append(Html.text(report.get("reference").asText())).append("</dd>");
        }
        html.append("</dl>\n");
        if (report.hasNonNull("error")) {
            html.append(Layout.error("The evaluation failed: " + report.get("error").asText()));
        }
        if (report.hasNonNull("not_enough_data") && report.get("not_enough_data").isTextual()) {
            html.append("<p class=\"muted\">Not enough data: ").append(Html.text(report.get("not_enough_data").asText()))
                    .append("</p>");
        }
        JsonNode features = report.path("features");
        if (features.isArray() && !features.isEmpty()) {
            html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"features\" aria-labelledby=\"latest-heading\">")
                    .append("<thead><tr><th scope=\"col\">Feature</th><th scope=\"col\">Method</th>")
                    .append("<th scope=\"col\" class=\"num\">Score</th><th scope=\"col\" class=\"num\">Threshold</th>")
                    .append("<th scope=\"col\">Drifted</th></tr></thead><tbody>\n");
            for (JsonNode feature : features) {
                boolean drifted = feature.path("drifted").asBoolean(false);
                html.append("<tr").append(drifted ? " class=\"diff\"" : "").append("><td>")
                        .append(Html.text(feature.path("name").asText("?"))).append("</td><td>")
                        .append(Html.text(feature.path("method").asText("?")))
                        .append(feature.hasNonNull("stattest_kind") ? " <span class=\"muted\">("
                                + Html.text(feature.get("stattest_kind").asText().replace('_', '-')) + ")</span>" : "")
                        .append("</td><td class=\"num\">").append(number(feature.path("score"))).append("</td>")
                        .append("<td class=\"num\">").append(number(feature.path("threshold"))).append("</td><td>");
                if (feature.hasNonNull("not_enough_data")) {
                    html.append("<span class=\"muted\">not enough data: ")
                            .append(Html.text(feature.get("not_enough_data").asText())).append("</span>");
                } else {
                    html.append(drifted ? "<span class=\"badge bad\">yes</span>" : "<span class=\"badge ok\">no</span>");
                }
                html.append("</td></tr>\n");
            }
            html.append("</tbody></table></div>\n");
        }
        JsonNode alerts = report.path("alerts");
        if (alerts.isArray() && !alerts.isEmpty()) {
            html.append("<h3>Alert rules at this evaluation</h3><ul class=\"plain\" id=\"report-alerts\">");
            for (JsonNode alert : alerts) {
                boolean holds = alert.path("holds").asBoolean(false);
                html.append("<li><code>").append(Html.text(alert.path("rule").asText("?"))).append("</code> ")
                        .append(holds ? "<span class=\"badge bad\">holds</span>" : "<span class=\"badge ok\">quiet</span>");
                if (alert.hasNonNull("cause")) {
                    html.append(' ').append(Html.text(alert.get("cause").asText()));
                }
                if (holds && alert.has("fired")) {
                    html.append(alert.path("fired").asBoolean() ? " \u2014 fired"
                            : " \u2014 not fired again (repeat interval)");
                }
                html.append("</li>");
            }
            html.append("</ul>\n");
        }
        return html.toString();
    }

    private String actionsTable(List<MonitorAction> actions, boolean withMonitor) {
        if (actions.isEmpty()) {
            return "<p class=\"muted\" id=\"no-actions\">No alert has fired: no action was taken.</p>\n";
        }
        StringBuilder html = new StringBuilder("<div class=\"table-scroll\"><table class=\"grid\" id=\"actions\" "
                + "aria-labelledby=\"actions-heading\"><thead><tr><th scope=\"col\">Time</th>");
        if (withMonitor) {
            html.append("<th scope=\"col\">Monitor</th>");
        }
        html.append("<th scope=\"col\">Rule</th><th scope=\"col\">Cause</th><th scope=\"col\">Kind</th>")
                .append("<th scope=\"col\">Target</th><th scope=\"col\">OK</th><th scope=\"col\">Detail</th>")
                .append("</tr></thead><tbody>\n");
        for (MonitorAction action : actions) {
            html.append("<tr><td>").append(Html.time(action.time(), services.zone())).append("</td>");
            if (withMonitor) {
                html.append("<td><a href=\"/monitoring/").append(Html.path(action.monitorName())).append("\">")
                        .append(Html.text(action.monitorName())).append("</a></td>");
            }
            html.append("<td><code>").append(Html.text(action.rule())).append("</code></td><td>")
                    .append(Html.text(action.cause())).append("</td><td>").append(Html.text(action.kind()))
                    .append("</td><td class=\"wrap\">").append(Html.text(action.target())).append("</td><td>")
                    .append(action.succeeded() ? "<span class=\"badge ok\">ok</span>"
                            : "<span class=\"badge bad\">failed</span>")
                    .append("</td><td class=\"wrap\">").append(detail(action.detail())).append("</td></tr>\n");
        }
        return html.append("</tbody></table></div>\n").toString();
    }

    private static String detail(String detail) {
        if (detail.length() <= 160 && detail.lines().count() <= 1) {
            return Html.text(detail);
        }
        String first = detail.lines().findFirst().orElse("");
        return "<details><summary>" + Html.text(first.length() > 80 ? first.substring(0, 80) + "\u2026" : first)
                + "</summary><pre>" + Html.text(detail) + "</pre></details>";
    }

    private String resultsTable(List<MonitorResult> results) {
        StringBuilder html = new StringBuilder("<div class=\"table-scroll\"><table class=\"grid\" id=\"results\" "
                + "aria-labelledby=\"results-heading\"><thead><tr><th scope=\"col\">Evaluated</th>"
                + "<th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">Rows</th>"
                + "<th scope=\"col\" class=\"num\">Drift share</th><th scope=\"col\">Window</th></tr></thead><tbody>\n");
        for (MonitorResult result : results.subList(0, (int) Math.min(TABLE_ROWS, results.size()))) {
            html.append("<tr><td>").append(Html.time(result.time(), services.zone())).append("</td><td>")
                    .append(statusBadge(result.status())).append("</td><td class=\"num\">").append(result.rows())
                    .append("</td><td class=\"num\">").append(result.driftShare().map(Html::number).orElse("\u2013"))
                    .append("</td><td>").append(Html.time(result.windowStart(), services.zone())).append(" \u2013 ")
                    .append(Html.time(result.windowEnd(), services.zone())).append("</td></tr>\n");
        }
        return html.append("</tbody></table></div>\n").toString();
    }

    // ---- pieces ----------------------------------------------------------------------------------

    private static String modelLink(Lineage.Monitor monitor) {
        if (monitor.definition().isEmpty()) {
            return "<span class=\"muted\">unreadable definition</span>";
        }
        MonitorDefinition definition = monitor.definition().get();
        return "<a href=\"/models/" + Html.path(definition.modelName()) + "\"><code>" + Html.text(definition.model())
                + "</code></a>";
    }

    static String statusBadge(MonitorStatus status) {
        String kind = switch (status) {
            case OK -> "ok";
            case ALERT, ERROR -> "bad";
            case NOT_ENOUGH_DATA -> "";
        };
        return "<span class=\"badge " + kind + "\">" + Html.text(status.wireName().replace('_', ' ')) + "</span>";
    }

    private static String number(JsonNode value) {
        return value.isNumber() ? Html.number(value.asDouble()) : "\u2013";
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node == null ? JSON.createObjectNode() : node;
        } catch (Exception e) {
            return JSON.createObjectNode().put("error", "the stored report is not JSON");
        }
    }

    private static String pretty(String json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
        } catch (Exception e) {
            return json;
        }
    }
}
