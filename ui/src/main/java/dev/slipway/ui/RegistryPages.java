package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.Access;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.server.Authentication;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The model registry: {@code /models} (every registered model with its latest versions, aliases and stages),
 * {@code /models/{name}} (its versions, where each is deployed, aliases and tags) and
 * {@code /models/{name}/versions/{version}} (a version's source run, serving, deployments, stage, tags and gate
 * reports), with the actions a reviewer takes as htmx POSTs: set, move or
 * delete an alias, transition a stage, edit a description, add or remove a tag.
 *
 * <p>An action answers with the whole page again, its outcome written into the form that was sent (a refused action
 * shows the service's message there, with status 200 so htmx swaps it) and into a polite live region; htmx swaps the
 * {@code #registry} part, so the URL stays the page's own.
 */
final class RegistryPages implements WebUi.PageGroup {
    static final int PAGE_SIZE = 100;
    /** The tag {@code slipway ci} sets on a version it registered: {@code passed} or {@code failed}. */
    static final String GATE_TAG = "slipway.quality_gate";
    /** The report {@code slipway ci} attaches to the release run (the version's source run). */
    static final String CI_REPORT = "ci-report.md";
    /** The report {@code slipway models evaluate} attaches to its evaluation run. */
    static final String EVALUATION_REPORT = "evaluation.md";
    private static final int MAX_REPORT_BYTES = 256 * 1024;
    private static final int MAX_EVALUATIONS = 20;

    private final UiServices services;
    private final Lineage lineage;

    RegistryPages(UiServices services) {
        this.services = requireNonNull(services, "services is null");
        this.lineage = new Lineage(services);
    }

    /** What an action did, shown in the form that sent it. */
    private record Outcome(String formId, boolean succeeded, String message) {
        static Outcome none() {
            return new Outcome("", true, "");
        }

        String in(String id) {
            if (!formId.equals(id) || message.isEmpty()) {
                return "";
            }
            return succeeded ? "<p class=\"outcome ok\">" + Html.text(message) + "</p>" : Layout.error(message);
        }
    }

    @FunctionalInterface
    private interface Change {
        String apply(Context ctx);
    }

    @Override
    public void register(RoutesConfig routes) {
        Layout.Section models = Layout.Section.MODELS;
        routes.get("/models", Pages.page(models, this::list));
        routes.get("/models/{name}", Pages.page(models, ctx -> modelPage(ctx.pathParam("name"), Outcome.none())));
        routes.get("/models/{name}/versions/{version}", Pages.page(models,
                ctx -> versionPage(Authentication.access(ctx), ctx.pathParam("name"), ctx.pathParam("version"),
                        Outcome.none())));

        modelAction(routes, "aliases", ctx -> {
            String alias = required(ctx, "alias");
            String version = required(ctx, "version");
            services.registry().setAlias(name(ctx), alias, version);
            return "Alias '" + alias + "' now points at version " + version + ".";
        });
        modelAction(routes, "aliases/delete", ctx -> {
            String alias = required(ctx, "alias");
            services.registry().deleteAlias(name(ctx), alias);
            return "Alias '" + alias + "' deleted.";
        });
        modelAction(routes, "description", ctx -> {
            services.registry().updateRegisteredModel(name(ctx), description(ctx));
            return "Description saved.";
        });
        modelAction(routes, "tags", ctx -> {
            String key = required(ctx, "key");
            services.registry().setRegisteredModelTag(name(ctx), new Tag(key, value(ctx)));
            return "Tag '" + key + "' set.";
        });
        modelAction(routes, "tags/delete", ctx -> {
            String key = required(ctx, "key");
            services.registry().deleteRegisteredModelTag(name(ctx), key);
            return "Tag '" + key + "' removed.";
        });

        versionAction(routes, "aliases", ctx -> {
            String alias = required(ctx, "alias");
            services.registry().setAlias(name(ctx), alias, version(ctx));
            return "Alias '" + alias + "' now points at version " + version(ctx) + ".";
        });
        versionAction(routes, "aliases/delete", ctx -> {
            String alias = required(ctx, "alias");
            services.registry().deleteAlias(name(ctx), alias);
            return "Alias '" + alias + "' deleted.";
        });
        versionAction(routes, "stage", ctx -> {
            String stage = required(ctx, "stage");
            boolean archive = ctx.formParam("archive_existing") != null;
            ModelVersion version = services.registry().transitionModelVersionStage(name(ctx), version(ctx), stage,
                    archive);
            return "Version " + version.version() + " is now in stage " + version.currentStage().wireName()
                    + (archive ? "; other versions in that stage were archived." : ".");
        });
        versionAction(routes, "description", ctx -> {
            services.registry().updateModelVersion(name(ctx), version(ctx), description(ctx));
            return "Description saved.";
        });
        versionAction(routes, "tags", ctx -> {
            String key = required(ctx, "key");
            services.registry().setModelVersionTag(name(ctx), version(ctx), new Tag(key, value(ctx)));
            return "Tag '" + key + "' set.";
        });
        versionAction(routes, "tags/delete", ctx -> {
            String key = required(ctx, "key");
            services.registry().deleteModelVersionTag(name(ctx), version(ctx), key);
            return "Tag '" + key + "' removed.";
        });
    }

    private void modelAction(RoutesConfig routes, String path, Change change) {
        routes.post("/models/{name}/" + path, Pages.action(Layout.Section.MODELS,
                ctx -> modelPage(name(ctx), run(ctx, change))));
    }

    private void versionAction(RoutesConfig routes, String path, Change change) {
        routes.post("/models/{name}/versions/{version}/" + path, Pages.action(Layout.Section.MODELS,
                ctx -> versionPage(Authentication.access(ctx), name(ctx), version(ctx), run(ctx, change))));
    }

    /** Runs the change; a refusal of the service (or of the form) becomes the outcome's message, not an error page. */
    private static Outcome run(Context ctx, Change change) {
        String formId = Optional.ofNullable(ctx.formParam("form")).orElse("");
        try {
            return new Outcome(formId, true, change.apply(ctx));
        } catch (SlipwayException | IllegalArgumentException e) {
            Pages.refused(ctx);
            return new Outcome(formId, false, e.getMessage());
        }
    }

    private static String name(Context ctx) {
        return ctx.pathParam("name");
    }

    private static String version(Context ctx) {
        return ctx.pathParam("version");
    }

    private static String required(Context ctx, String field) {
        String value = Optional.ofNullable(ctx.formParam(field)).map(String::trim).orElse("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("Missing value for '" + field + "'.");
        }
        return value;
    }

    private static String value(Context ctx) {
        return Optional.ofNullable(ctx.formParam("value")).orElse("");
    }

    private static Optional<String> description(Context ctx) {
        return Optional.ofNullable(ctx.formParam("description")).map(String::strip);
    }

    // ---- pages ---------------------------------------------------------------------------------

    private String list(Context ctx) {
        Optional<String> search = Optional.ofNullable(ctx.queryParam("q")).map(String::trim).filter(q -> !q.isEmpty());
        Optional<String> filter = search.map(q -> "name ILIKE '%" + Lineage.quote(q) + "%'");
        Page<RegisteredModel> found = services.registry().searchRegisteredModels(filter,
                Optional.of((long) PAGE_SIZE), List.of("name ASC"), Optional.empty());
        // a user never sees the models the user cannot read
        Access access = Authentication.access(ctx);
        Page<RegisteredModel> page = new Page<>(found.items().stream()
                .filter(model -> access.canReadRegisteredModel(model.name())).toList(), found.nextPageToken());
        StringBuilder html = new StringBuilder();
        html.append("<h1>Models</h1>\n<p class=\"muted\">Where models come from: <a href=\"/datasets\">datasets and "
                + "lineage</a>.</p>\n")
                .append("<form class=\"search\" role=\"search\" action=\"/models\" method=\"get\">")
                .append("<label for=\"q\">Search models</label> <input id=\"q\" name=\"q\" type=\"search\" value=\"")
                .append(Html.attr(search.orElse(""))).append("\" placeholder=\"name contains\"> ")
                .append("<button type=\"submit\">Search</button></form>\n");
        if (page.items().isEmpty()) {
            html.append(Layout.empty(search.isPresent() ? "No model matches '" + search.get() + "'."
                    : "No registered models yet.", "<p>Register one with <code>slipway models register</code>, "
                    + "<code>slipway ci</code> or an MLflow client's <code>register_model</code>.</p>"));
        } else {
            html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"models\"><thead><tr>")
                    .append("<th scope=\"col\">Name</th><th scope=\"col\" class=\"num\">Latest version</th>")
                    .append("<th scope=\"col\">Aliases</th><th scope=\"col\">Stages</th>")
                    .append("<th scope=\"col\">Last updated</th><th scope=\"col\">Description</th></tr></thead><tbody>\n");
            for (RegisteredModel model : page.items()) {
                List<ModelVersion> latest = services.registry().getLatestVersions(model.name(), List.of());
                long newest = latest.stream().mapToLong(ModelVersion::version).max().orElse(0);
                html.append("<tr><td><a href=\"/models/").append(Html.path(model.name())).append("\">")
                        .append(Html.text(model.name())).append("</a></td><td class=\"num\">");
                if (newest > 0) {
                    html.append(versionLink(model.name(), newest));
                } else {
                    html.append("\u2013");
                }
                html.append("</td><td>").append(aliasBadges(model.name(), model.aliases())).append("</td><td>");
                List<String> stages = new ArrayList<>();
                for (ModelVersion version : latest) {
                    if (version.currentStage() != ModelVersionStage.NONE) {
                        stages.add("<span class=\"badge stage\">" + Html.text(version.currentStage().wireName())
                                + ": v" + version.version() + "</span>");
                    }
                }
                html.append(stages.isEmpty() ? "<span class=\"muted\">\u2013</span>" : String.join(" ", stages))
                        .append("</td><td>").append(Html.time(model.lastUpdatedTimestamp(), services.zone()))
                        .append("</td><td>").append(Html.text(firstLine(model.description().orElse(""))))
                        .append("</td></tr>\n");
            }
            html.append("</tbody></table></div>\n");
            if (page.nextPageToken().isPresent()) {
                html.append("<p class=\"muted\">Showing the first ").append(PAGE_SIZE)
                        .append(" models by name; search to narrow the list.</p>");
            }
        }
        return Layout.page("Models", Layout.Section.MODELS, html.toString(), false);
    }

    private String modelPage(String name, Outcome outcome) {
        RegisteredModel model = services.registry().getRegisteredModel(name);
        List<ModelVersion> versions = versions(name);
        boolean deploymentStore = lineage.deploymentService().isPresent();
        List<DeploymentStatus> deployments = lineage.deployments(name);
        String base = "/models/" + Html.path(name);
        StringBuilder html = new StringBuilder();
        html.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/models\">Models</a> / </nav>")
                .append("<h1>").append(Html.text(name)).append("</h1>\n");
        html.append(liveRegion(outcome));
        html.append("<div id=\"registry\">\n");
        html.append("<dl class=\"facts\"><dt>Created</dt><dd>")
                .append(Html.time(model.creationTimestamp(), services.zone())).append("</dd><dt>Last updated</dt><dd>")
                .append(Html.time(model.lastUpdatedTimestamp(), services.zone())).append("</dd><dt>Versions</dt><dd>")
                .append(versions.size()).append("</dd></dl>\n");

        html.append("<h2 id=\"versions-heading\">Versions</h2>\n");
        if (versions.isEmpty()) {
            html.append(Layout.empty("This model has no versions yet.", "<p>Register one with <code>slipway models "
                    + "register</code> or <code>slipway ci</code>.</p>"));
        } else {
            html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"versions\" aria-labelledby=\"versions-heading\">")
                    .append("<thead><tr><th scope=\"col\" class=\"num\">Version</th><th scope=\"col\">Stage</th>")
                    .append("<th scope=\"col\">Aliases</th><th scope=\"col\">Source run</th><th scope=\"col\">Gate</th>")
                    .append("<th scope=\"col\">Status</th><th scope=\"col\">Created</th>")
                    .append(deploymentStore ? "<th scope=\"col\">Deployed</th>" : "").append("</tr></thead><tbody>\n");
            for (ModelVersion version : versions) {
                html.append("<tr data-version=\"").append(version.version()).append("\"><td class=\"num\">")
                        .append(versionLink(name, version.version())).append("</td><td>")
                        .append(stageBadge(version.currentStage())).append("</td><td class=\"aliases\">")
                        .append(aliasBadges(name, Lineage.aliasesOf(model, version.version()).stream()
                                .map(alias -> new ModelAlias(alias, version.version())).toList()))
                        .append("</td><td>").append(runLink(version.runId())).append("</td><td>")
                        .append(gateBadge(version)).append("</td><td>")
                        .append(Html.text(version.status().name())).append("</td><td>")
                        .append(Html.time(version.creationTimestamp(), services.zone())).append("</td>");
                if (deploymentStore) {
                    html.append("<td class=\"deployed\">").append(DeploymentPages.placements(
                            Lineage.placements(deployments, name, version.version()),
                            "<span class=\"muted\">\u2013</span>")).append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</tbody></table></div>\n");
        }
        if (!deployments.isEmpty()) {
            html.append("<p><a href=\"/deployments?model=").append(Html.query(name)).append("\">Deployments of ")
                    .append(Html.text(name)).append("</a> <span class=\"muted\">(").append(deployments.size())
                    .append(")</span></p>\n");
        }

        html.append("<h2>Aliases</h2>\n");
        if (model.aliases().isEmpty()) {
            html.append("<p class=\"muted\">No aliases. An alias such as <code>champion</code> names the version a "
                    + "server or monitor follows (<code>models:/").append(Html.text(name))
                    .append("@champion</code>).</p>\n");
        } else {
            html.append("<table class=\"grid compact\" id=\"aliases\"><thead><tr><th scope=\"col\">Alias</th>")
                    .append("<th scope=\"col\">Version</th><th scope=\"col\"><span class=\"sr-only\">Actions</span>")
                    .append("</th></tr></thead><tbody>\n");
            for (ModelAlias alias : model.aliases()) {
                String formId = formId("delete-alias-", alias.alias());
                html.append("<tr data-alias=\"").append(Html.attr(alias.alias())).append("\"><td>")
                        .append(Html.text(alias.alias())).append("</td><td>")
                        .append(versionLink(name, alias.version())).append("</td><td>")
                        .append(form(formId, base + "/aliases/delete", "inline",
                                hidden("alias", alias.alias()) + "<button type=\"submit\" class=\"secondary\" "
                                        + "aria-label=\"Delete alias " + Html.attr(alias.alias()) + "\">Delete</button>",
                                outcome))
                        .append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        if (!versions.isEmpty()) {
            StringBuilder options = new StringBuilder();
            for (ModelVersion version : versions) {
                options.append("<option value=\"").append(version.version()).append("\">").append(version.version())
                        .append("</option>");
            }
            html.append(form("set-alias", base + "/aliases", "row",
                    "<label for=\"alias-name\">Alias</label><input id=\"alias-name\" name=\"alias\" type=\"text\" "
                            + "required pattern=\"[\\w\\-]+\" placeholder=\"champion\" autocomplete=\"off\">"
                            + "<label for=\"alias-version\">Version</label><input id=\"alias-version\" name=\"version\" "
                            + "type=\"text\" inputmode=\"numeric\" required list=\"version-numbers\" size=\"6\" "
                            + "placeholder=\"" + versions.get(0).version() + "\">"
                            + "<datalist id=\"version-numbers\">" + options + "</datalist>"
                            + "<button type=\"submit\">Set alias</button>"
                            + "<span class=\"hint muted\">An existing alias moves to the version.</span>", outcome));
        }

        html.append(descriptionForm(base, model.description(), outcome));
        html.append(tagsSection(base, model.tags(), outcome));
        html.append("</div>\n");
        return Layout.page(name, Layout.Section.MODELS, html.toString(), false);
    }

    private String versionPage(Access access, String name, String versionText, Outcome outcome) {
        ModelVersion version = services.registry().getModelVersion(name, versionText);
        RegisteredModel model = services.registry().getRegisteredModel(name);
        String base = "/models/" + Html.path(name) + "/versions/" + version.version();
        String title = name + " version " + version.version();
        List<String> aliases = Lineage.aliasesOf(model, version.version());
        StringBuilder html = new StringBuilder();
        html.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/models\">Models</a> / <a href=\"/models/")
                .append(Html.path(name)).append("\">").append(Html.text(name)).append("</a> / </nav>")
                .append("<h1>").append(Html.text(name)).append(" <span class=\"muted\">version ")
                .append(version.version()).append("</span></h1>\n");
        html.append(liveRegion(outcome));
        html.append("<div id=\"registry\">\n");
        html.append("<dl class=\"facts\" id=\"version-facts\"><dt>Stage</dt><dd id=\"stage\">")
                .append(stageBadge(version.currentStage())).append("</dd><dt>Aliases</dt><dd>")
                .append(aliases.isEmpty() ? "<span class=\"muted\">none</span>" : aliasBadges(name,
                        aliases.stream().map(alias -> new ModelAlias(alias, version.version())).toList()))
                .append("</dd><dt>Source run</dt><dd>").append(runLink(version.runId()));
        version.runId().ifPresent(runId -> html.append(" \u00b7 <a href=\"/lineage?run=").append(Html.query(runId))
                .append("\">lineage</a>"));
        html.append("</dd><dt>Source</dt><dd><code>").append(Html.text(version.source())).append("</code></dd>");
        version.modelId().ifPresent(modelId -> html.append("<dt>Logged model</dt><dd><code>")
                .append(Html.text(modelId)).append("</code></dd>"));
        html.append("<dt>Quality gate</dt><dd>").append(gateBadge(version)).append("</dd>")
                .append("<dt>Status</dt><dd>").append(Html.text(version.status().name())).append("</dd>")
                .append("<dt>Created</dt><dd>").append(Html.time(version.creationTimestamp(), services.zone()))
                .append(version.userId().map(user -> " by " + Html.text(user)).orElse("")).append("</dd>")
                .append("<dt>Last updated</dt><dd>").append(Html.time(version.lastUpdatedTimestamp(), services.zone()))
                .append("</dd></dl>\n");

        html.append("<h2>Serving</h2>\n");
        if (aliases.isEmpty()) {
            html.append("<p class=\"muted\">No alias points at this version.</p>\n");
        } else {
            html.append("<ul class=\"plain\" id=\"version-aliases\">");
            for (String alias : aliases) {
                html.append("<li><code>models:/").append(Html.text(name)).append('@').append(Html.text(alias))
                        .append("</code> ").append(form(formId("delete-alias-", alias), base + "/aliases/delete", "inline",
                                hidden("alias", alias) + "<button type=\"submit\" class=\"secondary\" aria-label=\""
                                        + "Delete alias " + Html.attr(alias) + "\">Delete</button>", outcome))
                        .append("</li>");
            }
            html.append("</ul>\n");
        }
        List<Lineage.Monitor> watching = Lineage.watching(lineage.monitors(), model, version.version(),
                lineage.latestVersion(name));
        if (!watching.isEmpty()) {
            html.append("<p>Watched by ");
            List<String> links = new ArrayList<>();
            for (Lineage.Monitor monitor : watching) {
                links.add("<a href=\"/monitoring/" + Html.path(monitor.stored().name()) + "\">"
                        + Html.text(monitor.stored().name()) + "</a>");
            }
            html.append(String.join(", ", links)).append(".</p>\n");
        }
        html.append(form("set-alias", base + "/aliases", "row",
                "<label for=\"alias-name\">Point an alias here</label><input id=\"alias-name\" name=\"alias\" "
                        + "type=\"text\" required placeholder=\"champion\" autocomplete=\"off\">"
                        + "<button type=\"submit\">Set alias</button>", outcome));

        html.append(deploymentsSection(model.name(), version.version()));

        html.append("<h2>Stage</h2>\n");
        StringBuilder stages = new StringBuilder();
        for (ModelVersionStage stage : ModelVersionStage.values()) {
            stages.append("<option value=\"").append(stage.wireName()).append('"')
                    .append(stage == version.currentStage() ? " selected" : "").append('>').append(stage.wireName())
                    .append("</option>");
        }
        html.append(form("transition", base + "/stage", "row",
                "<label for=\"stage-select\">Transition to</label><select id=\"stage-select\" name=\"stage\">" + stages
                        + "</select><label class=\"check\"><input type=\"checkbox\" id=\"archive-existing\" "
                        + "name=\"archive_existing\" value=\"true\"> Archive other versions in that stage</label>"
                        + "<button type=\"submit\">Transition</button>", outcome));

        html.append(descriptionForm(base, version.description(), outcome));
        html.append(tagsSection(base, version.tags(), outcome));
        html.append(gateReports(access, version));
        html.append("</div>\n");
        return Layout.page(title, Layout.Section.MODELS, html.toString(), false);
    }

    /** Where GitOps agents report the version deployed: as a deployment's model, its canary, or still live. */
    private String deploymentsSection(String name, long version) {
        StringBuilder html = new StringBuilder("<h2 id=\"deployments-heading\">Deployments</h2>\n");
        if (lineage.deploymentService().isEmpty()) {
            return html.append("<p class=\"muted\" id=\"no-deployments\">Deployments are not available on this "
                    + "backend.</p>\n").toString();
        }
        List<Lineage.Placement> placements = Lineage.placements(lineage.deployments(name), name, version);
        if (placements.isEmpty()) {
            return html.append("<p class=\"muted\" id=\"no-deployments\">Not deployed: no GitOps agent reports this "
                    + "version in an environment. Deploy it with <code>slipway deploy promote --model models:/")
                    .append(Html.text(name)).append('/').append(version).append(" --env prod</code>.</p>\n").toString();
        }
        html.append("<ul class=\"plain\" id=\"version-deployments\" aria-labelledby=\"deployments-heading\">");
        for (Lineage.Placement placement : placements) {
            DeploymentStatus status = placement.status();
            html.append("<li data-deployment=\"").append(Html.attr(status.env() + "/" + status.name())).append("\">")
                    .append(DeploymentPages.roleBadge(placement)).append(" deployed in ")
                    .append(DeploymentPages.link(status)).append(' ').append(DeploymentPages.syncBadge(status.sync()))
                    .append(' ').append(DeploymentPages.healthBadge(status.health()))
                    .append(" <span class=\"muted\">reported ").append(Html.time(status.updatedTime(), services.zone()))
                    .append("</span></li>");
        }
        return html.append("</ul>\n").toString();
    }

    // ---- gate reports ----------------------------------------------------------------------------

    /**
     * The reports of the gates the version went through: {@code slipway ci}'s {@value #CI_REPORT} on the version's
     * source run (the release run), and {@code slipway models evaluate}'s {@value #EVALUATION_REPORT} on each
     * evaluation run whose {@code candidate} parameter names this version ({@code models:/name/N}).
     */
    private String gateReports(Access access, ModelVersion version) {
        StringBuilder html = new StringBuilder("<h2>Gate reports</h2>\n<div id=\"gate-reports\">");
        int found = 0;
        if (version.runId().isPresent()) {
            Optional<String> report = report(version.runId().get(), CI_REPORT);
            if (report.isPresent()) {
                html.append(reportCard("slipway ci", version.runId().get(), report.get()));
                found++;
            }
        }
        String candidate = "models:/" + version.name() + "/" + version.version();
        List<Run> evaluations;
        try {
            evaluations = new Lineage(services, access).runs("params.candidate = '" + Lineage.quote(candidate) + "'");
        } catch (SlipwayException e) {
            evaluations = List.of();
        }
        for (Run run : evaluations.subList(0, Math.min(MAX_EVALUATIONS, evaluations.size()))) {
            Optional<String> report = report(run.info().runId(), EVALUATION_REPORT);
            if (report.isPresent()) {
                html.append(reportCard("slipway models evaluate", run.info().runId(), report.get()));
                found++;
            }
        }
        if (found == 0) {
            html.append(Layout.empty("No gate report for this version.", "<p><code>slipway ci</code> attaches "
                    + "<code>" + CI_REPORT + "</code> to the run it registers the version from; <code>slipway models "
                    + "evaluate " + Html.text(candidate) + "</code> logs <code>" + EVALUATION_REPORT
                    + "</code> with its evaluation run.</p>"));
        }
        return html.append("</div>\n").toString();
    }

    private String reportCard(String tool, String runId, String markdown) {
        return "<article class=\"card report\"><p class=\"muted\">" + Html.text(tool) + " \u00b7 run "
                + runLink(Optional.of(runId)) + "</p>" + ReportMarkdown.toHtml(markdown) + "</article>\n";
    }

    /** The run's artifact as text, when it has one (a report too large is cut, and says so). */
    private Optional<String> report(String runId, String path) {
        try {
            Run run = services.tracking().getRun(runId);
            Optional<InputStream> content = services.artifacts().resolve(run.info().artifactUri()).open(path);
            if (content.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream in = content.get()) {
                byte[] bytes = in.readNBytes(MAX_REPORT_BYTES + 1);
                String text = new String(bytes, 0, Math.min(bytes.length, MAX_REPORT_BYTES), StandardCharsets.UTF_8);
                return Optional.of(bytes.length > MAX_REPORT_BYTES ? text + "\n\n(report cut at 256 KiB)" : text);
            }
        } catch (IOException | SlipwayException e) {
            return Optional.empty();
        }
    }

    // ---- pieces ----------------------------------------------------------------------------------

    private List<ModelVersion> versions(String name) {
        List<ModelVersion> versions = new ArrayList<>(Lineage.all(token -> services.registry().searchModelVersions(
                Optional.of("name = '" + Lineage.quote(name) + "'"), Optional.empty(),
                List.of("version_number DESC"), token)));
        versions.sort(Comparator.comparingLong(ModelVersion::version).reversed());
        return versions;
    }

    private static String liveRegion(Outcome outcome) {
        String text = outcome.message().isEmpty() ? "" : (outcome.succeeded() ? "" : "Error: ") + outcome.message();
        return "<div id=\"action-result\" class=\"sr-only\" role=\"status\" aria-live=\"polite\">"
                + Html.text(text) + "</div>\n";
    }

    /** An htmx action form: posts, swaps {@code #registry} and the live region from the answer. */
    private static String form(String id, String action, String layout, String body, Outcome outcome) {
        // the submit button gets an id so htmx gives it focus back after the swap
        String button = body.replaceFirst("<button type=\"submit\"",
                "<button type=\"submit\" id=\"" + Html.attr(id) + "-submit\"");
        return "<form id=\"" + Html.attr(id) + "\" class=\"action " + layout + "\" hx-post=\"" + Html.attr(action)
                + "\" hx-target=\"#registry\" hx-select=\"#registry\" hx-swap=\"outerHTML\" "
                + "hx-select-oob=\"#action-result:innerHTML\" hx-indicator=\"#loading\">" + hidden("form", id) + button + outcome.in(id)
                + "</form>";
    }

    /** An element id for a form about a user's key (an alias or tag): letters, digits, '-' and '_' only. */
    private static String formId(String prefix, String key) {
        return prefix + key.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + Html.attr(value) + "\">";
    }

    private static String descriptionForm(String base, Optional<String> description, Outcome outcome) {
        return "<h2>Description</h2>\n" + form("edit-description", base + "/description", "stack",
                "<label for=\"description\" class=\"sr-only\">Description</label><textarea id=\"description\" "
                        + "name=\"description\" rows=\"3\" placeholder=\"What this is, what it was trained on\">"
                        + Html.text(description.orElse("")) + "</textarea>"
                        + "<div><button type=\"submit\">Save description</button></div>", outcome) + "\n";
    }

    private static String tagsSection(String base, List<Tag> tags, Outcome outcome) {
        StringBuilder html = new StringBuilder("<h2>Tags</h2>\n");
        if (tags.isEmpty()) {
            html.append("<p class=\"muted\">No tags.</p>\n");
        } else {
            html.append("<table class=\"grid compact\" id=\"tags\"><thead><tr><th scope=\"col\">Key</th>")
                    .append("<th scope=\"col\">Value</th><th scope=\"col\"><span class=\"sr-only\">Actions</span>")
                    .append("</th></tr></thead><tbody>\n");
            for (Tag tag : tags) {
                html.append("<tr><td><code>").append(Html.text(tag.key())).append("</code></td><td>")
                        .append(Html.text(tag.value())).append("</td><td>")
                        .append(form(formId("delete-tag-", tag.key()), base + "/tags/delete", "inline",
                                hidden("key", tag.key()) + "<button type=\"submit\" class=\"secondary\" aria-label=\""
                                        + "Remove tag " + Html.attr(tag.key()) + "\">Remove</button>", outcome))
                        .append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        html.append(form("add-tag", base + "/tags", "row",
                "<label for=\"tag-key\">Key</label><input id=\"tag-key\" name=\"key\" type=\"text\" required "
                        + "autocomplete=\"off\"><label for=\"tag-value\">Value</label><input id=\"tag-value\" "
                        + "name=\"value\" type=\"text\" autocomplete=\"off\"><button type=\"submit\">Add tag</button>",
                outcome));
        return html.append('\n').toString();
    }

    static String versionLink(String name, long version) {
        return "<a href=\"/models/" + Html.path(name) + "/versions/" + version + "\">" + version + "</a>";
    }

    static String runLink(Optional<String> runId) {
        return runId.filter(id -> !id.isEmpty()).map(id -> "<a href=\"/runs/" + Html.path(id) + "\"><code>"
                + Html.text(id.length() > 12 ? id.substring(0, 12) + "\u2026" : id) + "</code></a>")
                .orElse("<span class=\"muted\">\u2013</span>");
    }

    static String aliasBadges(String name, List<ModelAlias> aliases) {
        if (aliases.isEmpty()) {
            return "<span class=\"muted\">\u2013</span>";
        }
        List<String> badges = new ArrayList<>();
        for (ModelAlias alias : aliases) {
            badges.add("<span class=\"badge alias\" title=\"models:/" + Html.attr(name) + "@" + Html.attr(alias.alias())
                    + " \u2192 version " + alias.version() + "\">@" + Html.text(alias.alias()) + "</span>");
        }
        return String.join(" ", badges);
    }

    static String stageBadge(ModelVersionStage stage) {
        String kind = switch (stage) {
            case NONE -> "";
            case STAGING -> " staging";
            case PRODUCTION -> " production";
            case ARCHIVED -> " archived";
        };
        return "<span class=\"badge stage" + kind + "\">" + Html.text(stage.wireName()) + "</span>";
    }

    private static String gateBadge(ModelVersion version) {
        return version.tags().stream().filter(tag -> tag.key().equals(GATE_TAG)).findFirst()
                .map(tag -> "<span class=\"badge " + (tag.value().equals("passed") ? "ok" : "bad") + "\">"
                        + Html.text(tag.value()) + "</span>")
                .orElse("<span class=\"muted\">\u2013</span>");
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "\u2026" : line;
    }
}
