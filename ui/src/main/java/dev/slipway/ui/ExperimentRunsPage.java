package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.search.EntityType;
import dev.slipway.core.search.OrderBy;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.search.SearchParser;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStats;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.ViewType;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The runs of one experiment at {@code /experiments/{id}}: a table of one page of {@code searchRuns} (100 runs) with
 * chosen params, metrics and tags as columns, sorted and filtered with the API's grammar, children nested under
 * their parents ({@code mlflow.parentRunId}) when both are on the page. Everything a user chose (filter, sort,
 * columns, lifecycle view, page, selection) is in the URL; htmx swaps {@code #runs-view} and pushes that URL.
 *
 * <p>A page costs one run search (ids first, then the data of those runs) and one grouped count; never a query
 * per row.
 */
final class ExperimentRunsPage {
    static final int PAGE_SIZE = 100;
    static final String PARENT_TAG = "mlflow.parentRunId";
    static final int MAX_SELECTION = 1000;
    private static final int DEFAULT_COLUMNS_PER_KIND = 4;
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][\\w\\-]{0,255}");

    private final UiServices services;

    ExperimentRunsPage(UiServices services) {
        this.services = requireNonNull(services, "services is null");
    }

    void register(RoutesConfig routes) {
        routes.get("/experiments/{experimentId}", Pages.page(Layout.Section.EXPERIMENTS, this::render));
        routes.post("/experiments/{experimentId}/runs/delete", Pages.action(Layout.Section.EXPERIMENTS,
                ctx -> changeRuns(ctx, true)));
        routes.post("/experiments/{experimentId}/runs/restore", Pages.action(Layout.Section.EXPERIMENTS,
                ctx -> changeRuns(ctx, false)));
    }

    /** A chosen column: a metric, param or tag key. Its id is the search grammar's {@code metrics.key}. */
    record Column(EntityType type, String key) {
        Column {
            requireNonNull(type, "type is null");
            requireNonNull(key, "key is null");
        }

        /** {@code metrics.loss}, {@code params.lr}, {@code tags.team}; empty for anything else. */
        static Optional<Column> parse(String id) {
            int dot = id.indexOf('.');
            if (dot <= 0 || dot == id.length() - 1) {
                return Optional.empty();
            }
            String key = id.substring(dot + 1);
            return switch (id.substring(0, dot)) {
                case "metrics" -> Optional.of(new Column(EntityType.METRIC, key));
                case "params" -> Optional.of(new Column(EntityType.PARAM, key));
                case "tags" -> Optional.of(new Column(EntityType.TAG, key));
                default -> Optional.empty();
            };
        }

        String id() {
            return prefix(type) + "." + key;
        }

        String orderTerm(boolean ascending) {
            return ExperimentRunsPage.orderTerm(prefix(type), key, ascending);
        }
    }

    /** The page's state, as read from and written to its URL. */
    record View(String experimentId, String filter, Optional<String> order, List<Column> columns,
            boolean explicitColumns, ViewType lifecycle, int page, List<String> selected) {
        View {
            columns = List.copyOf(columns);
            selected = List.copyOf(selected);
        }

        static View of(Context ctx) {
            String filter = Optional.ofNullable(ctx.queryParam("filter")).map(String::trim).orElse("");
            Optional<String> order = Optional.ofNullable(ctx.queryParam("order")).map(String::trim)
                    .filter(value -> !value.isEmpty());
            List<String> columnIds = ctx.queryParams("col");
            List<Column> columns = columnIds.stream().filter(id -> !id.isEmpty()).distinct()
                    .map(Column::parse).flatMap(Optional::stream).toList();
            ViewType lifecycle = switch (Optional.ofNullable(ctx.queryParam("view")).orElse("active")) {
                case "deleted" -> ViewType.DELETED_ONLY;
                case "all" -> ViewType.ALL;
                default -> ViewType.ACTIVE_ONLY;
            };
            return new View(ctx.pathParam("experimentId"), filter, order, columns, !columnIds.isEmpty(), lifecycle,
                    pageNumber(ctx.queryParam("page")), selection(ctx.queryParam("selected")));
        }

        View withOrder(Optional<String> newOrder) {
            return new View(experimentId, filter, newOrder, columns, explicitColumns, lifecycle, 1, selected);
        }

        View withPage(int newPage) {
            return new View(experimentId, filter, order, columns, explicitColumns, lifecycle, newPage, selected);
        }

        /** The URL of this view; columns only when chosen, so a shared default view follows the data. */
        String url() {
            StringBuilder url = new StringBuilder("/experiments/").append(Html.path(experimentId));
            List<String> parts = new ArrayList<>();
            if (!filter.isEmpty()) {
                parts.add("filter=" + Html.query(filter));
            }
            order.ifPresent(value -> parts.add("order=" + Html.query(value)));
            if (explicitColumns) {
                if (columns.isEmpty()) {
                    parts.add("col=");
                }
                columns.forEach(column -> parts.add("col=" + Html.query(column.id())));
            }
            if (lifecycle != ViewType.ACTIVE_ONLY) {
                parts.add("view=" + viewName(lifecycle));
            }
            if (page > 1) {
                parts.add("page=" + page);
            }
            if (!selected.isEmpty()) {
                parts.add("selected=" + String.join(",", selected));
            }
            if (!parts.isEmpty()) {
                url.append('?').append(String.join("&", parts));
            }
            return url.toString();
        }
    }

    private String render(Context ctx) {
        View view = View.of(ctx);
        Experiment experiment = services.tracking().getExperiment(view.experimentId());
        Optional<String> searchError = Optional.empty();
        Page<Run> page = new Page<>(List.of(), Optional.empty());
        try {
            page = services.tracking().searchRuns(List.of(experiment.experimentId()),
                    Optional.of(view.filter()).filter(value -> !value.isEmpty()), view.lifecycle(),
                    Optional.of(PAGE_SIZE), view.order().map(List::of).orElse(List.of()),
                    Optional.of(PageToken.encode((long) (view.page() - 1) * PAGE_SIZE)));
        } catch (SlipwayException e) {
            searchError = Optional.of(e.getMessage());
            if (!"true".equals(ctx.header("HX-Request"))) {
                ctx.status(e.errorCode().httpStatus());
            }
        }
        long total = services.tracking().runStats(List.of(experiment.experimentId()), view.lifecycle())
                .getOrDefault(experiment.experimentId(), new RunStats(0, 0)).count();
        List<Column> columns = view.explicitColumns() ? view.columns() : defaultColumns(page.items());

        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><a href=\"/\">Experiments</a> / <span>")
                .append(Html.text(experiment.name())).append("</span></nav>\n<h1>")
                .append(Html.text(experiment.name()));
        if (experiment.lifecycleStage() == LifecycleStage.DELETED) {
            html.append(" <span class=\"badge bad\">deleted</span>");
        }
        html.append("</h1>\n");
        html.append("<div id=\"runs-view\" hx-boost=\"true\" hx-target=\"#runs-view\" hx-select=\"#runs-view\" ")
                .append("hx-swap=\"outerHTML show:none\" hx-indicator=\"#loading\" data-experiment-id=\"")
                .append(Html.attr(experiment.experimentId())).append("\" data-selected=\"")
                .append(Html.attr(String.join(",", view.selected()))).append("\">\n")
                .append("<p class=\"muted experiment-facts\">ID ").append(Html.text(experiment.experimentId()))
                .append(" \u00b7 ").append(String.format(Locale.ROOT, "%,d", total)).append(' ')
                .append(viewNoun(view.lifecycle())).append(" \u00b7 artifacts at <code>")
                .append(Html.text(experiment.artifactLocation())).append("</code></p>\n");
        filterForm(html, view, searchError);
        toolbar(html, view, columns, page.items());
        if (searchError.isEmpty()) {
            if (page.items().isEmpty()) {
                html.append(Layout.empty(view.page() > 1 ? "No runs on this page."
                        : !view.filter().isEmpty() ? "No runs match this filter."
                        : view.lifecycle() == ViewType.DELETED_ONLY ? "No deleted runs in this experiment."
                        : experiment.lifecycleStage() == LifecycleStage.DELETED
                        ? "This experiment is deleted, and its runs with it: restore it from the experiments list "
                                + "(show deleted), or show its deleted runs."
                        : "No runs in this experiment yet.",
                        "<p>Log runs with an MLflow client (<code>mlflow.set_experiment(\"" + Html.text(experiment.name())
                                + "\")</code>) or change the filter.</p>"));
            } else {
                table(html, view, columns, page.items());
            }
            pager(html, view, page, total);
        }
        html.append("</div>\n");
        return Layout.page(experiment.name(), Layout.Section.EXPERIMENTS, html.toString(), false,
                List.of("/static/runs.js"));
    }

    private static void filterForm(StringBuilder html, View view, Optional<String> searchError) {
        String action = "/experiments/" + Html.path(view.experimentId());
        html.append("<form class=\"search runs-filter\" role=\"search\" method=\"get\" action=\"")
                .append(Html.attr(action)).append("\">")
                .append("<label for=\"filter\">Filter runs</label> ")
                .append("<input id=\"filter\" name=\"filter\" type=\"search\" value=\"").append(Html.attr(view.filter()))
                .append("\" placeholder=\"metrics.loss &lt; 0.5 and params.lr = '0.01'\" autocomplete=\"off\" ")
                .append("spellcheck=\"false\" aria-describedby=\"filter-help")
                .append(searchError.isPresent() ? " filter-error\" aria-invalid=\"true\"" : "\"").append("> ");
        view.order().ifPresent(order -> hidden(html, "order", order));
        if (view.explicitColumns()) {
            if (view.columns().isEmpty()) {
                hidden(html, "col", "");
            }
            view.columns().forEach(column -> hidden(html, "col", column.id()));
        }
        html.append("<input type=\"hidden\" name=\"selected\" class=\"selected-field\" value=\"")
                .append(Html.attr(String.join(",", view.selected()))).append("\">");
        html.append("<label for=\"view\">Show</label> <select id=\"view\" name=\"view\">");
        for (ViewType type : ViewType.values()) {
            html.append("<option value=\"").append(viewName(type)).append('"')
                    .append(type == view.lifecycle() ? " selected" : "").append('>').append(viewLabel(type))
                    .append("</option>");
        }
        html.append("</select> <button type=\"submit\">Apply</button>")
                .append("<p id=\"filter-help\" class=\"muted help\">MLflow search syntax, e.g. ")
                .append("<code>metrics.accuracy &gt; 0.9 and params.model = 'xgb' and tags.team LIKE 'ml%'</code></p>");
        searchError.ifPresent(message -> html.append("<div id=\"filter-error\" class=\"error\" role=\"alert\">")
                .append(Html.text(message)).append("</div>"));
        html.append("</form>\n");
    }

    private static void toolbar(StringBuilder html, View view, List<Column> columns, List<Run> runs) {
        html.append("<div class=\"runs-toolbar\">");
        columnChooser(html, view, columns, runs);
        String experimentPath = "/experiments/" + Html.path(view.experimentId());
        html.append("<a id=\"compare-link\" class=\"button\" hx-boost=\"false\" href=\"")
                .append(Html.attr(compareUrl(view.selected()))).append('"')
                .append(view.selected().size() < 2 ? " aria-disabled=\"true\"" : "")
                .append(">Compare selected</a>")
                .append("<input type=\"hidden\" id=\"selected-runs\" name=\"runs\" value=\"")
                .append(Html.attr(String.join(",", view.selected()))).append("\">");
        if (view.lifecycle() != ViewType.DELETED_ONLY) {
            html.append("<button type=\"button\" id=\"delete-runs\" class=\"danger\" hx-post=\"").append(experimentPath)
                    .append("/runs/delete\" hx-include=\"#selected-runs\" hx-target=\"#runs-message\" ")
                    .append("hx-select=\"unset\" hx-swap=\"innerHTML\"")
                    .append(view.selected().isEmpty() ? " disabled" : "").append(">Delete selected</button>");
        }
        if (view.lifecycle() != ViewType.ACTIVE_ONLY) {
            html.append("<button type=\"button\" id=\"restore-runs\" class=\"secondary\" hx-post=\"")
                    .append(experimentPath)
                    .append("/runs/restore\" hx-include=\"#selected-runs\" hx-target=\"#runs-message\" ")
                    .append("hx-select=\"unset\" hx-swap=\"innerHTML\"")
                    .append(view.selected().isEmpty() ? " disabled" : "").append(">Restore selected</button>");
        }
        html.append("<span id=\"selection-count\" class=\"muted\" aria-live=\"polite\">")
                .append(view.selected().size()).append(" selected</span>")
                .append("<div id=\"runs-message\" aria-live=\"polite\"></div></div>\n");
    }

    private static void columnChooser(StringBuilder html, View view, List<Column> columns, List<Run> runs) {
        Map<EntityType, TreeSet<String>> available = new LinkedHashMap<>();
        available.put(EntityType.METRIC, new TreeSet<>());
        available.put(EntityType.PARAM, new TreeSet<>());
        available.put(EntityType.TAG, new TreeSet<>());
        for (Run run : runs) {
            run.metrics().forEach(metric -> available.get(EntityType.METRIC).add(metric.key()));
            run.params().forEach(param -> available.get(EntityType.PARAM).add(param.key()));
            run.tags().stream().map(Tag::key).filter(key -> !key.equals("mlflow.runName"))
                    .forEach(available.get(EntityType.TAG)::add);
        }
        columns.forEach(column -> available.get(column.type()).add(column.key()));
        Set<String> chosen = new HashSet<>();
        columns.forEach(column -> chosen.add(column.id()));

        html.append("<details class=\"column-chooser\"><summary>Columns (").append(columns.size())
                .append(")</summary><form method=\"get\" action=\"/experiments/").append(Html.path(view.experimentId()))
                .append("\" class=\"columns-form\">");
        if (!view.filter().isEmpty()) {
            hidden(html, "filter", view.filter());
        }
        view.order().ifPresent(order -> hidden(html, "order", order));
        if (view.lifecycle() != ViewType.ACTIVE_ONLY) {
            hidden(html, "view", viewName(view.lifecycle()));
        }
        html.append("<input type=\"hidden\" name=\"selected\" class=\"selected-field\" value=\"")
                .append(Html.attr(String.join(",", view.selected()))).append("\">");
        // an empty col marks an explicit choice, so choosing no columns is not the default set
        hidden(html, "col", "");
        int index = 0;
        for (Map.Entry<EntityType, TreeSet<String>> kind : available.entrySet()) {
            html.append("<fieldset><legend>").append(kindLabel(kind.getKey())).append("</legend>");
            if (kind.getValue().isEmpty()) {
                html.append("<p class=\"muted\">None on this page.</p>");
            }
            for (String key : kind.getValue()) {
                Column column = new Column(kind.getKey(), key);
                String inputId = "col-" + index++;
                html.append("<div class=\"check\"><input type=\"checkbox\" name=\"col\" id=\"").append(inputId)
                        .append("\" value=\"").append(Html.attr(column.id())).append('"')
                        .append(chosen.contains(column.id()) ? " checked" : "").append("><label for=\"")
                        .append(inputId).append("\">").append(Html.text(key)).append("</label></div>");
            }
            html.append("</fieldset>");
        }
        html.append("<button type=\"submit\">Show columns</button></form></details>");
    }

    private void table(StringBuilder html, View view, List<Column> columns, List<Run> runs) {
        Optional<OrderBy> sort = view.order().flatMap(ExperimentRunsPage::parseOrder);
        html.append("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Runs\">")
                .append("<table class=\"grid runs\" id=\"runs-table\"><caption class=\"visually-hidden\">Runs of ")
                .append("this experiment; sortable columns have buttons in their headers</caption><thead><tr>")
                .append("<th scope=\"col\" class=\"select\"><input type=\"checkbox\" id=\"select-page\" ")
                .append("aria-label=\"Select all runs on this page\"></th>");
        header(html, view, sort, "Run name", EntityType.ATTRIBUTE, "run_name", false);
        header(html, view, sort, "Created", EntityType.ATTRIBUTE, "start_time", false);
        html.append("<th scope=\"col\" class=\"num\">Duration</th>");
        header(html, view, sort, "Status", EntityType.ATTRIBUTE, "status", false);
        for (Column column : columns) {
            header(html, view, sort, column.key(), column.type(), column.key(), column.type() == EntityType.METRIC);
        }
        html.append("</tr></thead><tbody hx-boost=\"false\">\n");

        Set<String> onPage = new HashSet<>();
        runs.forEach(run -> onPage.add(run.info().runId()));
        Map<String, List<Run>> children = new HashMap<>();
        List<Run> roots = new ArrayList<>();
        for (Run run : runs) {
            Optional<String> parent = tag(run, PARENT_TAG);
            if (parent.isPresent() && onPage.contains(parent.get()) && !parent.get().equals(run.info().runId())) {
                children.computeIfAbsent(parent.get(), key -> new ArrayList<>()).add(run);
            } else {
                roots.add(run);
            }
        }
        Set<String> selected = new HashSet<>(view.selected());
        Set<String> rendered = new HashSet<>();
        for (Run root : roots) {
            rows(html, root, 0, children, columns, selected, onPage, rendered);
        }
        // a cycle of parent tags leaves runs that no root reaches; show them flat rather than lose them
        for (Run run : runs) {
            if (!rendered.contains(run.info().runId())) {
                rows(html, run, 0, Map.of(), columns, selected, onPage, rendered);
            }
        }
        html.append("</tbody></table></div>\n");
    }

    private void rows(StringBuilder html, Run run, int depth, Map<String, List<Run>> children, List<Column> columns,
            Set<String> selected, Set<String> onPage, Set<String> rendered) {
        String runId = run.info().runId();
        if (!rendered.add(runId)) {
            return;
        }
        List<Run> kids = children.getOrDefault(runId, List.of());
        Optional<String> parent = tag(run, PARENT_TAG);
        html.append("<tr data-run-id=\"").append(Html.attr(runId)).append("\" data-depth=\"").append(depth).append('"');
        if (depth > 0) {
            html.append(" data-parent=\"").append(Html.attr(parent.orElse(""))).append('"');
        }
        if (run.info().lifecycleStage() == LifecycleStage.DELETED) {
            html.append(" class=\"deleted\"");
        }
        String name = run.info().runName().isEmpty() ? runId : run.info().runName();
        html.append("><td class=\"select\"><input type=\"checkbox\" class=\"run-select\" value=\"")
                .append(Html.attr(runId)).append("\" aria-label=\"Select run ").append(Html.attr(name)).append('"')
                .append(selected.contains(runId) ? " checked" : "").append("></td>")
                .append("<td class=\"run-name\" style=\"--depth:").append(depth).append("\">");
        if (!kids.isEmpty()) {
            html.append("<button type=\"button\" class=\"toggle\" aria-expanded=\"true\" aria-label=\"Hide the ")
                    .append(kids.size()).append(" child runs of ").append(Html.attr(name)).append("\">")
                    .append("<span aria-hidden=\"true\">\u25be</span></button>");
        } else if (depth > 0) {
            html.append("<span class=\"toggle-space\" aria-hidden=\"true\">\u21b3</span>");
        }
        html.append("<a href=\"/runs/").append(Html.path(runId)).append("\">").append(Html.text(name)).append("</a>");
        if (!kids.isEmpty()) {
            html.append(" <span class=\"badge\">").append(kids.size()).append(kids.size() == 1 ? " child" : " children")
                    .append("</span>");
        }
        if (depth == 0 && parent.isPresent() && !onPage.contains(parent.get())) {
            html.append(" <a class=\"parent-link muted\" href=\"/runs/").append(Html.path(parent.get()))
                    .append("\" title=\"Parent run\">\u2191 parent</a>");
        }
        if (run.info().lifecycleStage() == LifecycleStage.DELETED) {
            html.append(" <span class=\"badge bad\">deleted</span>");
        }
        html.append("</td><td>").append(Html.time(run.info().startTime(), services.zone())).append("</td><td class=\"num\">")
                .append(run.info().endTime().map(end -> duration(end - run.info().startTime())).orElse("\u2013"))
                .append("</td><td><span class=\"badge status-").append(run.info().status().name().toLowerCase(Locale.ROOT))
                .append("\">").append(run.info().status().name()).append("</span></td>");
        for (Column column : columns) {
            switch (column.type()) {
                case METRIC -> html.append("<td class=\"num\">").append(run.metrics().stream()
                        .filter(metric -> metric.key().equals(column.key())).findFirst().map(Metric::value)
                        .map(Html::number).orElse("")).append("</td>");
                case PARAM -> valueCell(html, run.params().stream().filter(param -> param.key().equals(column.key()))
                        .findFirst().map(Param::value).orElse(""));
                case TAG -> valueCell(html, tag(run, column.key()).orElse(""));
                case ATTRIBUTE, DATASET -> html.append("<td></td>");
            }
        }
        html.append("</tr>\n");
        for (Run child : kids) {
            rows(html, child, depth + 1, children, columns, selected, onPage, rendered);
        }
    }

    /** A param or tag value; long ones are cut off by the style sheet and shown whole in the tooltip. */
    private static void valueCell(StringBuilder html, String value) {
        html.append("<td class=\"value\"");
        if (value.length() > 40) {
            html.append(" title=\"").append(Html.attr(value)).append('"');
        }
        html.append('>').append(Html.text(value)).append("</td>");
    }

    private static void header(StringBuilder html, View view, Optional<OrderBy> sort, String label, EntityType type,
            String key, boolean numeric) {
        boolean sorted = sort.isPresent() && sort.get().type() == type
                && (type == EntityType.ATTRIBUTE ? canonical(sort.get().key()).equals(key) : sort.get().key().equals(key));
        boolean ascending = sorted && sort.get().ascending();
        // the first click sorts ascending, the next one flips
        boolean nextAscending = !sorted || !ascending;
        String term = orderTerm(prefix(type), key, nextAscending);
        String kind = switch (type) {
            case METRIC -> "metric ";
            case PARAM -> "param ";
            case TAG -> "tag ";
            case ATTRIBUTE, DATASET -> "";
        };
        html.append("<th scope=\"col\"").append(numeric ? " class=\"num\"" : "")
                .append(" aria-sort=\"").append(sorted ? (ascending ? "ascending" : "descending") : "none").append("\"")
                .append(" data-column=\"").append(Html.attr(prefix(type) + "." + key)).append("\">")
                .append("<a class=\"sort\" data-nav href=\"").append(Html.attr(view.withOrder(Optional.of(term)).url()))
                .append("\" aria-label=\"").append(Html.attr(kind + label)).append(", sort ")
                .append(nextAscending ? "ascending" : "descending").append("\">");
        if (!kind.isEmpty()) {
            html.append("<span class=\"kind\">").append(kind.substring(0, 1)).append("</span> ");
        }
        html.append(Html.text(label)).append("<span class=\"sort-mark\" aria-hidden=\"true\">")
                .append(sorted ? (ascending ? " \u25b2" : " \u25bc") : " \u21c5").append("</span></a></th>");
    }

    private static void pager(StringBuilder html, View view, Page<Run> page, long total) {
        long first = (long) (view.page() - 1) * PAGE_SIZE + 1;
        long last = first + page.items().size() - 1;
        html.append("<nav class=\"pager\" aria-label=\"Run pages\">");
        if (view.page() > 1) {
            html.append("<a rel=\"prev\" id=\"prev-page\" data-nav href=\"")
                    .append(Html.attr(view.withPage(view.page() - 1).url())).append("\">\u2190 Previous</a>");
        }
        html.append("<span id=\"page-status\">");
        if (page.items().isEmpty()) {
            html.append("Page ").append(view.page());
        } else {
            html.append(String.format(Locale.ROOT, "Runs %,d\u2013%,d", first, last));
            if (view.filter().isEmpty()) {
                html.append(String.format(Locale.ROOT, " of %,d", total));
            }
        }
        html.append("</span>");
        if (page.nextPageToken().isPresent() && (!view.filter().isEmpty() || last < total)) {
            html.append("<a rel=\"next\" id=\"next-page\" data-nav href=\"")
                    .append(Html.attr(view.withPage(view.page() + 1).url())).append("\">Next \u2192</a>");
        }
        html.append("</nav>\n");
    }

    /** Deletes or restores the selected runs of the experiment, then reloads the page without the selection. */
    private String changeRuns(Context ctx, boolean delete) {
        String experimentId = ctx.pathParam("experimentId");
        List<String> runIds = selection(ctx.formParam("runs"));
        if (runIds.isEmpty()) {
            Pages.refused(ctx);
            return Layout.error("Select runs first.");
        }
        try {
            for (String runId : runIds) {
                if (!services.tracking().getRunInfo(runId).experimentId().equals(experimentId)) {
                    throw SlipwayException.invalidParameter("Run %s is not in experiment %s", runId, experimentId);
                }
            }
            for (String runId : runIds) {
                if (delete) {
                    services.tracking().deleteRun(runId);
                } else {
                    services.tracking().restoreRun(runId);
                }
            }
        } catch (SlipwayException e) {
            Pages.refused(ctx);
            return Layout.error(e.getMessage());
        }
        String current = ExperimentPages.currentPage(ctx, "/experiments/" + Html.path(experimentId));
        ctx.header("HX-Redirect", withoutSelection(current));
        return "";
    }

    /** Up to 4 metrics and 4 params seen on the page, by name: what most experiments compare on. */
    static List<Column> defaultColumns(List<Run> runs) {
        TreeSet<String> metrics = new TreeSet<>();
        TreeSet<String> params = new TreeSet<>();
        for (Run run : runs) {
            run.metrics().forEach(metric -> metrics.add(metric.key()));
            run.params().forEach(param -> params.add(param.key()));
        }
        List<Column> columns = new ArrayList<>();
        metrics.stream().limit(DEFAULT_COLUMNS_PER_KIND).forEach(key -> columns.add(new Column(EntityType.METRIC, key)));
        params.stream().limit(DEFAULT_COLUMNS_PER_KIND).forEach(key -> columns.add(new Column(EntityType.PARAM, key)));
        return List.copyOf(columns);
    }

    static int pageNumber(String value) {
        if (value == null) {
            return 1;
        }
        try {
            int page = Integer.parseInt(value.trim());
            return Math.max(1, Math.min(page, 1_000_000));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Comma-separated run ids; malformed ones dropped, duplicates once, at most {@link #MAX_SELECTION}. */
    static List<String> selection(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String id = part.trim();
            if (RUN_ID.matcher(id).matches() && ids.size() < MAX_SELECTION) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }

    static String compareUrl(List<String> runIds) {
        return "/compare?runs=" + String.join(",", runIds);
    }

    private static String withoutSelection(String pathAndQuery) {
        int question = pathAndQuery.indexOf('?');
        if (question < 0) {
            return pathAndQuery;
        }
        List<String> kept = new ArrayList<>();
        for (String part : pathAndQuery.substring(question + 1).split("&")) {
            if (!part.startsWith("selected=") && !part.isEmpty()) {
                kept.add(part);
            }
        }
        return pathAndQuery.substring(0, question) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    private static Optional<OrderBy> parseOrder(String order) {
        try {
            return Optional.of(SearchParser.parseOrderBy(order));
        } catch (SlipwayException e) {
            return Optional.empty();
        }
    }

    static String orderTerm(String prefix, String key, boolean ascending) {
        String quotedKey = PLAIN_KEY.matcher(key).matches() ? key : "`" + key.replace("`", "``") + "`";
        return prefix + "." + quotedKey + (ascending ? " ASC" : " DESC");
    }

    private static String canonical(String attribute) {
        return TrackingService.canonicalRunAttribute(attribute);
    }

    private static String prefix(EntityType type) {
        return switch (type) {
            case METRIC -> "metrics";
            case PARAM -> "params";
            case TAG -> "tags";
            case ATTRIBUTE -> "attributes";
            case DATASET -> "datasets";
        };
    }

    private static String kindLabel(EntityType type) {
        return switch (type) {
            case METRIC -> "Metrics";
            case PARAM -> "Params";
            case TAG -> "Tags";
            case ATTRIBUTE -> "Attributes";
            case DATASET -> "Datasets";
        };
    }

    private static Optional<String> tag(Run run, String key) {
        for (Tag tag : run.tags()) {
            if (tag.key().equals(key)) {
                return Optional.of(tag.value());
            }
        }
        return Optional.empty();
    }

    private static String viewName(ViewType type) {
        return switch (type) {
            case ACTIVE_ONLY -> "active";
            case DELETED_ONLY -> "deleted";
            case ALL -> "all";
        };
    }

    private static String viewLabel(ViewType type) {
        return switch (type) {
            case ACTIVE_ONLY -> "Active runs";
            case DELETED_ONLY -> "Deleted runs";
            case ALL -> "All runs";
        };
    }

    private static String viewNoun(ViewType type) {
        return switch (type) {
            case ACTIVE_ONLY -> "active runs";
            case DELETED_ONLY -> "deleted runs";
            case ALL -> "runs";
        };
    }

    private static void hidden(StringBuilder html, String name, String value) {
        html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(Html.attr(value))
                .append("\">");
    }

    static String duration(long millis) {
        if (millis < 0) {
            return "\u2013";
        }
        long seconds = millis / 1000;
        if (seconds < 60) {
            return millis < 10_000 ? String.format(Locale.ROOT, "%.1fs", millis / 1000.0) : seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m " + (seconds % 60) + "s";
        }
        return (seconds / 3600) + "h " + (seconds % 3600 / 60) + "m";
    }
}
