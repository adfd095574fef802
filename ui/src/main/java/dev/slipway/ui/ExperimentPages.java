package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.ViewType;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/** The experiments list at {@code /}: every experiment with search, newest activity first. */
final class ExperimentPages implements WebUi.PageGroup {
    static final int PAGE_SIZE = 100;

    private final UiServices services;

    ExperimentPages(UiServices services) {
        this.services = requireNonNull(services, "services is null");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", Pages.page(Layout.Section.EXPERIMENTS, this::list));
    }

    private String list(Context ctx) {
        Optional<String> search = Optional.ofNullable(ctx.queryParam("q")).map(String::trim).filter(q -> !q.isEmpty());
        Optional<String> filter = search.map(q -> "name ILIKE '%" + q.replace("'", "\\'") + "%'");
        Page<Experiment> page = services.tracking().searchExperiments(ViewType.ACTIVE_ONLY, filter,
                List.of("last_update_time DESC"), Optional.of(PAGE_SIZE), Optional.empty());
        StringBuilder html = new StringBuilder();
        html.append("<h1>Experiments</h1>\n")
                .append("<form class=\"search\" role=\"search\" action=\"/\" method=\"get\">")
                .append("<label for=\"q\">Search experiments</label> <input id=\"q\" name=\"q\" type=\"search\" value=\"")
                .append(Html.attr(search.orElse(""))).append("\" placeholder=\"name contains\"> ")
                .append("<button type=\"submit\">Search</button></form>\n");
        if (page.items().isEmpty()) {
            html.append(Layout.empty(search.isPresent() ? "No experiment matches '" + search.get() + "'."
                    : "No experiments yet.", "<p>Log a run with an MLflow client or <code>slipway train</code>.</p>"));
        } else {
            html.append("<table class=\"grid\" id=\"experiments\"><thead><tr><th scope=\"col\">Name</th>")
                    .append("<th scope=\"col\">ID</th><th scope=\"col\">Last activity</th>")
                    .append("<th scope=\"col\">Created</th></tr></thead><tbody>\n");
            for (Experiment experiment : page.items()) {
                html.append("<tr><td><a href=\"/experiments/").append(Html.path(experiment.experimentId()))
                        .append("\">").append(Html.text(experiment.name())).append("</a></td><td>")
                        .append(Html.text(experiment.experimentId())).append("</td><td>")
                        .append(Html.time(experiment.lastUpdateTime(), services.zone())).append("</td><td>")
                        .append(Html.time(experiment.creationTime(), services.zone())).append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        return Layout.page("Experiments", Layout.Section.EXPERIMENTS, html.toString(), false);
    }
}
