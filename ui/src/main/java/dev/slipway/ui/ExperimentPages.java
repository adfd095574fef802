package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.Access;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.RunStats;
import dev.slipway.core.tracking.ViewType;
import dev.slipway.server.Authentication;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The experiments list at {@code /}: every experiment with search, run counts and last activity, most recently
 * updated first; deleted experiments behind a toggle so they can be restored; create, rename, delete and restore as htmx
 * actions. The runs of one experiment are {@link ExperimentRunsPage}.
 */
final class ExperimentPages implements WebUi.PageGroup {
    static final int PAGE_SIZE = 100;

    private final UiServices services;
    private final ExperimentRunsPage runs;

    ExperimentPages(UiServices services) {
        this.services = requireNonNull(services, "services is null");
        this.runs = new ExperimentRunsPage(services);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", Pages.page(Layout.Section.EXPERIMENTS, this::list));
        routes.post("/experiments", Pages.action(Layout.Section.EXPERIMENTS, this::create));
        routes.post("/experiments/{experimentId}/rename", Pages.action(Layout.Section.EXPERIMENTS, this::rename));
        routes.post("/experiments/{experimentId}/delete", Pages.action(Layout.Section.EXPERIMENTS, this::delete));
        routes.post("/experiments/{experimentId}/restore", Pages.action(Layout.Section.EXPERIMENTS, this::restore));
        runs.register(routes);
    }

    private String list(Context ctx) {
        Optional<String> search = Optional.ofNullable(ctx.queryParam("q")).map(String::trim).filter(q -> !q.isEmpty());
        boolean showDeleted = "1".equals(ctx.queryParam("deleted"));
        int pageNumber = ExperimentRunsPage.pageNumber(ctx.queryParam("page"));
        Optional<String> filter = search.map(q -> "name ILIKE '%" + q.replace("'", "''") + "%'");
        Page<Experiment> found = services.tracking().searchExperiments(showDeleted ? ViewType.ALL
                : ViewType.ACTIVE_ONLY, filter, List.of("last_update_time DESC"), Optional.of(PAGE_SIZE),
                Optional.of(PageToken.encode((long) (pageNumber - 1) * PAGE_SIZE)));
        // a user never sees the experiments the user cannot read (a page may then show fewer rows)
        Access access = Authentication.access(ctx);
        Page<Experiment> page = new Page<>(found.items().stream()
                .filter(experiment -> access.canReadExperiment(experiment.experimentId())).toList(),
                found.nextPageToken());
        List<String> activeIds = page.items().stream()
                .filter(experiment -> experiment.lifecycleStage() == LifecycleStage.ACTIVE)
                .map(Experiment::experimentId).toList();
        List<String> deletedIds = page.items().stream()
                .filter(experiment -> experiment.lifecycleStage() == LifecycleStage.DELETED)
                .map(Experiment::experimentId).toList();
        // deleting an experiment deletes its runs, so a deleted experiment's count is of all its runs
        Map<String, RunStats> activeStats = services.tracking().runStats(activeIds, ViewType.ACTIVE_ONLY);
        Map<String, RunStats> deletedStats = services.tracking().runStats(deletedIds, ViewType.ALL);

        StringBuilder html = new StringBuilder();
        html.append("<h1>Experiments</h1>\n<div class=\"experiments-controls\">")
                .append("<form class=\"search\" role=\"search\" action=\"/\" method=\"get\">")
                .append("<label for=\"q\">Search experiments</label> <input id=\"q\" name=\"q\" type=\"search\" value=\"")
                .append(Html.attr(search.orElse(""))).append("\" placeholder=\"name contains\"> ")
                .append("<label class=\"check\"><input type=\"checkbox\" id=\"deleted\" name=\"deleted\" value=\"1\"")
                .append(showDeleted ? " checked" : "").append("> Show deleted</label> ")
                .append("<button type=\"submit\">Search</button></form>\n")
                .append("<form class=\"create-experiment\" hx-post=\"/experiments\" hx-target=\"#create-message\" ")
                .append("hx-indicator=\"#loading\"><label for=\"new-experiment\">New experiment</label> ")
                .append("<input id=\"new-experiment\" name=\"name\" type=\"text\" required maxlength=\"500\" ")
                .append("placeholder=\"name\" aria-describedby=\"create-message\"> ")
                .append("<button type=\"submit\">Create</button><div id=\"create-message\" aria-live=\"polite\"></div>")
                .append("</form></div>\n");
        if (page.items().isEmpty()) {
            html.append(Layout.empty(search.isPresent() ? "No experiment matches '" + search.get() + "'."
                    : "No experiments yet.", "<p>Create one above, or log a run with an MLflow client or "
                    + "<code>slipway train</code>.</p>"));
        } else {
            html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"experiments\"><thead><tr>")
                    .append("<th scope=\"col\">Name</th><th scope=\"col\">ID</th><th scope=\"col\" class=\"num\">Runs</th>")
                    .append("<th scope=\"col\">Last activity</th><th scope=\"col\">Created</th>")
                    .append("<th scope=\"col\">Actions</th></tr></thead><tbody>\n");
            for (Experiment experiment : page.items()) {
                html.append(row(experiment, (experiment.lifecycleStage() == LifecycleStage.ACTIVE ? activeStats
                        : deletedStats).getOrDefault(experiment.experimentId(), new RunStats(0, 0))));
            }
            html.append("</tbody></table></div>\n");
        }
        if (pageNumber > 1 || page.nextPageToken().isPresent()) {
            html.append("<nav class=\"pager\" aria-label=\"Experiment pages\">");
            if (pageNumber > 1) {
                html.append("<a rel=\"prev\" href=\"").append(Html.attr(listUrl(search, showDeleted, pageNumber - 1)))
                        .append("\">Previous</a> ");
            }
            html.append("<span>Page ").append(pageNumber).append("</span>");
            if (page.nextPageToken().isPresent()) {
                html.append(" <a rel=\"next\" href=\"").append(Html.attr(listUrl(search, showDeleted, pageNumber + 1)))
                        .append("\">Next</a>");
            }
            html.append("</nav>\n");
        }
        return Layout.page("Experiments", Layout.Section.EXPERIMENTS, html.toString(), false);
    }

    private String row(Experiment experiment, RunStats runs) {
        String id = experiment.experimentId();
        boolean deleted = experiment.lifecycleStage() == LifecycleStage.DELETED;
        StringBuilder html = new StringBuilder();
        html.append("<tr data-experiment-id=\"").append(Html.attr(id)).append("\"")
                .append(deleted ? " class=\"deleted\"" : "").append("><td><a href=\"/experiments/")
                .append(Html.path(id)).append("\">").append(Html.text(experiment.name())).append("</a>");
        if (deleted) {
            html.append(" <span class=\"badge bad\">deleted</span>");
        }
        html.append("</td><td>").append(Html.text(id)).append("</td><td class=\"num\">")
                .append(String.format(Locale.ROOT, "%,d", runs.count())).append("</td><td>")
                // the experiment's own changes or its newest run, whichever is later
                .append(Html.time(Math.max(experiment.lastUpdateTime(), runs.latestStartTime()), services.zone()))
                .append("</td><td>")
                .append(Html.time(experiment.creationTime(), services.zone())).append("</td><td class=\"actions\">");
        String base = "/experiments/" + Html.path(id);
        if (deleted) {
            html.append("<button type=\"button\" class=\"secondary restore\" hx-post=\"").append(base)
                    .append("/restore\" hx-indicator=\"#loading\" aria-label=\"Restore experiment ")
                    .append(Html.attr(experiment.name())).append("\">Restore</button>");
        } else {
            String inputId = "rename-" + id;
            html.append("<details class=\"rename\"><summary>Rename</summary><form hx-post=\"").append(base)
                    .append("/rename\" hx-target=\"find .message\" hx-indicator=\"#loading\"><label for=\"")
                    .append(Html.attr(inputId)).append("\">New name</label> <input id=\"").append(Html.attr(inputId))
                    .append("\" name=\"name\" type=\"text\" required maxlength=\"500\" value=\"")
                    .append(Html.attr(experiment.name())).append("\"> <button type=\"submit\">Save</button>")
                    .append("<div class=\"message\" aria-live=\"polite\"></div></form></details> ")
                    .append("<button type=\"button\" class=\"danger delete\" hx-post=\"").append(base)
                    .append("/delete\" hx-indicator=\"#loading\" aria-label=\"Delete experiment ")
                    .append(Html.attr(experiment.name())).append("\">Delete</button>");
        }
        return html.append("</td></tr>\n").toString();
    }

    private String create(Context ctx) {
        return change(ctx, () -> {
            String id = services.tracking().createExperiment(formName(ctx), Optional.empty(), List.of());
            Authentication.experimentCreated(ctx, id);
            return Optional.of("/experiments/" + Html.path(id));
        });
    }

    private String rename(Context ctx) {
        return change(ctx, () -> {
            services.tracking().renameExperiment(ctx.pathParam("experimentId"), formName(ctx));
            return Optional.empty();
        });
    }

    private String delete(Context ctx) {
        return change(ctx, () -> {
            services.tracking().deleteExperiment(ctx.pathParam("experimentId"));
            return Optional.empty();
        });
    }

    private String restore(Context ctx) {
        return change(ctx, () -> {
            services.tracking().restoreExperiment(ctx.pathParam("experimentId"));
            return Optional.empty();
        });
    }

    /** A change that, done, sends the browser to its page (or back to the list); refused, answers the message. */
    private interface Change {
        Optional<String> apply();
    }

    private static String change(Context ctx, Change change) {
        try {
            String target = change.apply().orElseGet(() -> currentPage(ctx, "/"));
            ctx.header("HX-Redirect", target);
            return "";
        } catch (SlipwayException | IllegalArgumentException e) {
            Pages.refused(ctx);
            return Layout.error(e.getMessage());
        }
    }

    private static String formName(Context ctx) {
        String name = Optional.ofNullable(ctx.formParam("name")).map(String::trim).orElse("");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Enter a name for the experiment.");
        }
        return name;
    }

    /** The path and query of the page the htmx request came from (its {@code HX-Current-URL}), else the fallback. */
    static String currentPage(Context ctx, String fallback) {
        String current = ctx.header("HX-Current-URL");
        if (current == null) {
            return fallback;
        }
        try {
            URI uri = URI.create(current);
            if (uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
                return fallback;
            }
            return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    private static String listUrl(Optional<String> search, boolean showDeleted, int pageNumber) {
        StringBuilder url = new StringBuilder("/?");
        search.ifPresent(q -> url.append("q=").append(Html.query(q)).append('&'));
        if (showDeleted) {
            url.append("deleted=1&");
        }
        return url.append("page=").append(pageNumber).toString();
    }
}
