package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compare runs ({@code /compare?runs=id1,id2,...&x=&y=&axes=}): params and latest metrics side by side with the rows
 * that differ highlighted, one overlaid chart per metric, a scatter of any two params or metrics and parallel
 * coordinates over the chosen axes. Axes are named {@code param:KEY} or {@code metric:KEY}; the choices live in the
 * URL so a comparison can be shared.
 */
final class ComparePage {
    static final int MAX_RUNS = 20;
    static final int DEFAULT_PARALLEL_AXES = 6;

    private final UiServices services;
    private final ObjectMapper json;

    ComparePage(UiServices services, ObjectMapper json) {
        this.services = requireNonNull(services, "services is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** An axis of the scatter or the parallel coordinates. */
    record Axis(String id, String label) {
        Axis {
            requireNonNull(id, "id is null");
            requireNonNull(label, "label is null");
        }
    }

    String render(Context ctx) throws JsonProcessingException {
        List<String> runIds = Arrays.stream(Optional.ofNullable(ctx.queryParam("runs")).orElse("").split(","))
                .map(String::trim).filter(id -> !id.isEmpty()).distinct().toList();
        if (runIds.isEmpty()) {
            return Layout.page("Compare runs", Layout.Section.EXPERIMENTS, "<h1>Compare runs</h1>" + Layout.empty(
                    "No runs selected.", "<p>Open <code>/compare?runs=ID1,ID2</code>, or select runs in an "
                            + "experiment and choose Compare.</p>"), false);
        }
        if (runIds.size() > MAX_RUNS) {
            throw new IllegalArgumentException("At most " + MAX_RUNS + " runs can be compared; got " + runIds.size() + ".");
        }
        List<Run> runs = runIds.stream().map(id -> RunPages.findRun(services, id)).toList();
        Set<String> paramKeys = new TreeSet<>();
        Set<String> metricKeys = new TreeSet<>();
        for (Run run : runs) {
            run.params().forEach(param -> paramKeys.add(param.key()));
            run.metrics().forEach(metric -> metricKeys.add(metric.key()));
        }
        List<Map<String, String>> params = runs.stream().map(run -> run.params().stream()
                .collect(Collectors.toMap(Param::key, Param::value, (a, b) -> b))).toList();
        List<Map<String, Double>> metrics = runs.stream().map(run -> run.metrics().stream()
                .collect(Collectors.toMap(Metric::key, Metric::value, (a, b) -> b))).toList();

        List<Axis> axes = new ArrayList<>();
        paramKeys.forEach(key -> axes.add(new Axis("param:" + key, key + " (param)")));
        metricKeys.forEach(key -> axes.add(new Axis("metric:" + key, key + " (metric)")));
        Set<String> axisIds = axes.stream().map(Axis::id).collect(Collectors.toSet());
        List<String> parallel = parallelAxes(ctx, axes, axisIds, paramKeys, params);
        // by default a param that differs against the first metric: what the parallel coordinates start with
        String x = chosen(ctx.queryParam("x"), axisIds).orElse(parallel.isEmpty()
                ? (axes.isEmpty() ? "" : axes.get(0).id()) : parallel.get(0));
        String y = chosen(ctx.queryParam("y"), axisIds).orElse(axes.stream().map(Axis::id)
                .filter(id -> id.startsWith("metric:") && !id.equals(x)).findFirst()
                .orElse(axes.stream().map(Axis::id).filter(id -> !id.equals(x)).findFirst().orElse(x)));

        StringBuilder html = new StringBuilder(8192);
        html.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Experiments</a> \u203a compare</nav>")
                .append("<h1>Comparing ").append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append("</h1>\n");
        runTable(html, runs);
        html.append("<section aria-labelledby=\"cparams-h\"><h2 id=\"cparams-h\">Parameters</h2>");
        if (paramKeys.isEmpty()) {
            html.append(Layout.empty("None of these runs has parameters.", ""));
        } else {
            html.append("<p class=\"muted diff-note\"><span class=\"diff legend\">Highlighted</span> rows differ between runs. ")
                    .append("<label class=\"check\"><input type=\"checkbox\" id=\"only-differences\"> Show only ")
                    .append("differences</label></p>");
            valueTable(html, "compare-params", runs, paramKeys, key -> params.stream().map(p -> Optional.ofNullable(p.get(key))).toList());
        }
        html.append("</section><section aria-labelledby=\"cmetrics-h\"><h2 id=\"cmetrics-h\">Metrics</h2>");
        if (metricKeys.isEmpty()) {
            html.append(Layout.empty("None of these runs has metrics.", "")).append("</section>");
        } else {
            valueTable(html, "compare-metrics", runs, metricKeys, key -> metrics.stream()
                    .map(m -> Optional.ofNullable(m.get(key)).map(Html::number)).toList());
            RunPages.chartControls(html);
            String ids = runs.stream().map(run -> run.info().runId()).collect(Collectors.joining(","));
            ArrayNode names = json.createArrayNode();
            runs.forEach(run -> names.add(run.info().runName()));
            html.append("<div class=\"cards metric-charts\">");
            for (String key : metricKeys) {
                html.append("<figure class=\"card chart-card\"><div class=\"chart metric-chart compare-chart\" data-runs=\"").append(Html.attr(ids)).append("\" data-names=\"")
                        .append(Html.attr(json.writeValueAsString(names))).append("\" data-key=\"").append(Html.attr(key))
                        .append("\"><p class=\"muted chart-loading\">Loading chart\u2026</p></div><figcaption><strong>")
                        .append(Html.text(key)).append("</strong>: latest ");
                List<String> latest = new ArrayList<>();
                for (int index = 0; index < runs.size(); index++) {
                    Double value = metrics.get(index).get(key);
                    latest.add(Html.text(runs.get(index).info().runName()) + " "
                            + (value == null ? "\u2013" : Html.number(value)));
                }
                html.append(String.join(", ", latest)).append("</figcaption></figure>");
            }
            html.append("</div></section>\n");
        }
        html.append(analysis(runs, axes, params, metrics, x, y, parallel));
        return Layout.page("Compare runs", Layout.Section.EXPERIMENTS, html.toString(), true,
                List.of(RunPages.CHARTS_JS));
    }

    private static Optional<String> chosen(String value, Set<String> axisIds) {
        return Optional.ofNullable(value).filter(axisIds::contains);
    }

    /** The URL's axes (comma-separated {@code axes}, or repeated {@code axis}), else differing params and metrics. */
    private static List<String> parallelAxes(Context ctx, List<Axis> axes, Set<String> axisIds, Set<String> paramKeys,
            List<Map<String, String>> params) {
        List<String> requested = new ArrayList<>(ctx.queryParams("axis"));
        Optional.ofNullable(ctx.queryParam("axes")).ifPresent(value -> requested.addAll(Arrays.asList(value.split(","))));
        if (!requested.isEmpty() || ctx.queryParam("axes") != null) {
            return requested.stream().filter(axisIds::contains).distinct().toList();
        }
        List<String> chosen = new ArrayList<>();
        for (String key : paramKeys) {
            if (params.stream().map(p -> p.get(key)).distinct().count() > 1) {
                chosen.add("param:" + key);
            }
        }
        axes.stream().map(Axis::id).filter(id -> id.startsWith("metric:")).forEach(chosen::add);
        if (chosen.size() < 2) {
            axes.stream().map(Axis::id).filter(id -> !chosen.contains(id)).forEach(chosen::add);
        }
        return List.copyOf(new LinkedHashSet<>(chosen.subList(0, Math.min(DEFAULT_PARALLEL_AXES, chosen.size()))));
    }

    private static void runTable(StringBuilder html, List<Run> runs) {
        html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"compare-runs\"><thead><tr><th scope=\"col\">Run</th>")
                .append("<th scope=\"col\">Status</th><th scope=\"col\">ID</th></tr></thead><tbody>");
        for (int index = 0; index < runs.size(); index++) {
            Run run = runs.get(index);
            html.append("<tr><td>").append(swatch(index)).append("<a href=\"/runs/").append(Html.path(run.info().runId()))
                    .append("\">").append(Html.text(run.info().runName())).append("</a></td><td>")
                    .append(run.info().status().name()).append("</td><td><code>").append(Html.text(run.info().runId()))
                    .append("</code></td></tr>");
        }
        html.append("</tbody></table></div>\n");
    }

    static String swatch(int index) {
        return "<span class=\"swatch c" + index % 10 + "\" aria-hidden=\"true\"></span>";
    }

    private static void valueTable(StringBuilder html, String id, List<Run> runs, Set<String> keys,
            Function<String, List<Optional<String>>> values) {
        html.append("<div class=\"table-scroll\"><table class=\"grid compare-values\" id=\"").append(id)
                .append("\"><thead><tr><th scope=\"col\">Name</th>");
        for (int index = 0; index < runs.size(); index++) {
            html.append("<th scope=\"col\">").append(swatch(index)).append(Html.text(runs.get(index).info().runName()))
                    .append("</th>");
        }
        html.append("</tr></thead><tbody>");
        for (String key : keys) {
            List<Optional<String>> row = values.apply(key);
            boolean differs = row.stream().distinct().count() > 1;
            html.append("<tr").append(differs ? " class=\"diff\" data-differs=\"true\"" : "").append(" data-key=\"")
                    .append(Html.attr(key)).append("\"><th scope=\"row\">").append(Html.text(key));
            if (differs) {
                html.append(" <span class=\"visually-hidden\">(differs)</span>");
            }
            html.append("</th>");
            for (Optional<String> value : row) {
                html.append("<td>").append(value.map(Html::text).orElse("<span class=\"muted\">\u2013</span>"))
                        .append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</tbody></table></div>\n");
    }

    private String analysis(List<Run> runs, List<Axis> axes, List<Map<String, String>> params,
            List<Map<String, Double>> metrics, String x, String y, List<String> parallel) throws JsonProcessingException {
        StringBuilder html = new StringBuilder();
        html.append("<section aria-labelledby=\"scatter-h\"><h2 id=\"scatter-h\">Scatter</h2>");
        if (axes.isEmpty()) {
            return html.append(Layout.empty("These runs have no params or metrics to plot.", "")).append("</section>")
                    .toString();
        }
        ObjectNode data = json.createObjectNode();
        ArrayNode runNodes = data.putArray("runs");
        for (int index = 0; index < runs.size(); index++) {
            ObjectNode node = runNodes.addObject().put("id", runs.get(index).info().runId())
                    .put("name", runs.get(index).info().runName());
            ObjectNode values = node.putObject("values");
            new TreeMap<>(params.get(index)).forEach((key, value) -> values.put("param:" + key, value));
            new TreeMap<>(metrics.get(index)).forEach((key, value) -> {
                if (Double.isFinite(value)) {
                    values.put("metric:" + key, value);
                }
            });
        }
        ArrayNode axisNodes = data.putArray("axes");
        axes.forEach(axis -> axisNodes.addObject().put("id", axis.id()).put("label", axis.label()));
        String runsParam = runs.stream().map(run -> run.info().runId()).collect(Collectors.joining(","));
        html.append("<div id=\"compare-data\" hidden data-compare=\"").append(Html.attr(json.writeValueAsString(data)))
                .append("\"></div>")
                .append("<form class=\"compare-controls\" id=\"scatter-controls\" action=\"/compare\" method=\"get\">")
                .append("<input type=\"hidden\" name=\"runs\" value=\"").append(Html.attr(runsParam)).append("\">")
                .append(select("scatter-x", "x", "X axis", axes, x)).append(' ')
                .append(select("scatter-y", "y", "Y axis", axes, y))
                .append(" <button type=\"submit\" class=\"secondary no-js-only\">Apply</button></form>")
                .append("<figure class=\"card plot-card\"><div id=\"scatter\" class=\"plot\" role=\"img\" aria-label=\"")
                .append(Html.attr("Scatter of the runs")).append("\"></div><figcaption id=\"scatter-caption\" class=\"muted\">")
                .append("One point per run; hover a point for its run.</figcaption></figure></section>\n");
        html.append("<section aria-labelledby=\"parallel-h\"><h2 id=\"parallel-h\">Parallel coordinates</h2>")
                .append("<form class=\"compare-controls\" id=\"parallel-controls\" action=\"/compare\" method=\"get\">")
                .append("<input type=\"hidden\" name=\"runs\" value=\"").append(Html.attr(runsParam)).append("\">")
                .append("<input type=\"hidden\" name=\"x\" value=\"").append(Html.attr(x)).append("\">")
                .append("<input type=\"hidden\" name=\"y\" value=\"").append(Html.attr(y)).append("\">")
                .append("<fieldset><legend>Axes</legend>");
        for (int index = 0; index < axes.size(); index++) {
            Axis axis = axes.get(index);
            html.append("<label class=\"check\"><input type=\"checkbox\" name=\"axis\" id=\"axis-").append(index)
                    .append("\" value=\"").append(Html.attr(axis.id())).append('"')
                    .append(parallel.contains(axis.id()) ? " checked" : "").append("> ").append(Html.text(axis.label()))
                    .append("</label>");
        }
        html.append("</fieldset> <button type=\"submit\" class=\"secondary no-js-only\">Apply</button></form>")
                .append("<figure class=\"card plot-card\"><div id=\"parallel\" class=\"plot\" role=\"img\" aria-label=\"")
                .append("Parallel coordinates of the runs over the chosen axes\"></div><figcaption class=\"muted\">")
                .append("One line per run, coloured as in the tables; each axis spans its values' range.</figcaption>")
                .append("</figure></section>\n");
        return html.toString();
    }

    private static String select(String id, String name, String label, List<Axis> axes, String selected) {
        StringBuilder html = new StringBuilder("<label for=\"").append(id).append("\">").append(label)
                .append("</label> <select id=\"").append(id).append("\" name=\"").append(name).append("\">");
        for (Axis axis : axes) {
            html.append("<option value=\"").append(Html.attr(axis.id())).append('"')
                    .append(Objects.equals(axis.id(), selected) ? " selected" : "").append('>')
                    .append(Html.text(axis.label())).append("</option>");
        }
        return html.append("</select>").toString();
    }
}
