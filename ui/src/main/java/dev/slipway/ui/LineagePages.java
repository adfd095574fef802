package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.server.Authentication;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Data and lineage: {@code /datasets} (the dataset versions recorded with {@code slipway data log-version}, and a
 * search), {@code /datasets?digest=...} (one version: the runs that used it, the model versions they produced and
 * where those serve and are deployed), {@code /datasets?name=...} (every version of a dataset by name) and
 * {@code /lineage?run=...} (one run's chain: data, run, model versions, serving, deployments).
 */
final class LineagePages implements WebUi.PageGroup {
    private static final Layout.Section SECTION = Layout.Section.DATA;

    private final UiServices services;
    private final Lineage lineage;

    LineagePages(UiServices services) {
        this.services = requireNonNull(services, "services is null");
        this.lineage = new Lineage(services);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/datasets", Pages.page(SECTION, this::datasets));
        routes.get("/lineage", Pages.page(SECTION, this::lineage));
    }

    /** The lineage the request's user may see. */
    private Lineage visible(Context ctx) {
        return new Lineage(services, Authentication.access(ctx));
    }

    private static Optional<String> param(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    // ---- datasets ------------------------------------------------------------------------------

    private String datasets(Context ctx) {
        Optional<String> digest = param(ctx, "digest");
        Optional<String> name = param(ctx, "name");
        if (digest.isPresent()) {
            return datasetVersion(visible(ctx), digest.get());
        }
        if (name.isPresent()) {
            return datasetByName(visible(ctx), name.get());
        }
        StringBuilder html = new StringBuilder("<h1>Datasets</h1>\n").append(searchForm(""));
        List<Run> recorded = visible(ctx).recordedVersions();
        html.append("<h2>Recorded dataset versions</h2>\n");
        if (recorded.isEmpty()) {
            html.append(Layout.empty("No dataset version has been recorded yet.", "<p>Record one with "
                    + "<code>slipway data log-version PATH</code> (or <code>slipway data add --log</code>); runs that "
                    + "train on the file log the same digest, and their page links here.</p>"));
        } else {
            html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"datasets\"><thead><tr>")
                    .append("<th scope=\"col\">Dataset</th><th scope=\"col\">Digest</th><th scope=\"col\">Commit</th>")
                    .append("<th scope=\"col\">Recorded</th></tr></thead><tbody>\n");
            for (Run run : recorded) {
                for (DatasetInput input : run.inputs()) {
                    html.append("<tr><td><a href=\"/datasets?name=").append(Html.query(input.dataset().name()))
                            .append("\">").append(Html.text(input.dataset().name())).append("</a></td><td>")
                            .append(digestLink(input.dataset().digest())).append("</td><td>")
                            .append(Html.text(tag(run, "slipway.dataset.git_commit").map(LineagePages::shortId)
                                    .orElse("\u2013"))).append("</td><td>")
                            .append(Html.time(run.info().startTime(), services.zone())).append("</td></tr>\n");
                }
            }
            html.append("</tbody></table></div>\n");
        }
        return Layout.page("Datasets", SECTION, html.toString(), false);
    }

    private static String searchForm(String digest) {
        return "<form class=\"search\" role=\"search\" action=\"/datasets\" method=\"get\">"
                + "<label for=\"digest\">Dataset digest</label> <input id=\"digest\" name=\"digest\" type=\"search\" "
                + "value=\"" + Html.attr(digest) + "\" placeholder=\"md5 or digest\" autocomplete=\"off\"> "
                + "<button type=\"submit\">Find users</button></form>\n";
    }

    private String datasetVersion(Lineage lineage, String digest) {
        String filter = "datasets.digest = '" + Lineage.quote(digest) + "'";
        List<Run> recorded = lineage.recordedVersions(filter);
        List<Run> runs = lineage.runs(filter);
        List<String> names = new ArrayList<>();
        for (Run run : concat(recorded, runs)) {
            for (DatasetInput input : run.inputs()) {
                if (input.dataset().digest().equals(digest) && !names.contains(input.dataset().name())) {
                    names.add(input.dataset().name());
                }
            }
        }
        String title = (names.isEmpty() ? "Dataset" : names.get(0)) + " @ " + shortId(digest);
        StringBuilder html = new StringBuilder();
        html.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/datasets\">Datasets</a> / </nav>")
                .append("<h1>").append(Html.text(names.isEmpty() ? "Dataset version" : names.get(0)))
                .append(" <span class=\"muted\">@ ").append(Html.text(shortId(digest))).append("</span></h1>\n");
        html.append("<dl class=\"facts\" id=\"dataset-facts\"><dt>Digest</dt><dd><code>").append(Html.text(digest))
                .append("</code></dd>");
        if (!names.isEmpty()) {
            html.append("<dt>Names</dt><dd>");
            List<String> links = new ArrayList<>();
            for (String name : names) {
                links.add("<a href=\"/datasets?name=" + Html.query(name) + "\">" + Html.text(name) + "</a>");
            }
            html.append(String.join(", ", links)).append("</dd>");
        }
        if (!recorded.isEmpty()) {
            Run record = recorded.get(0);
            for (DatasetInput input : record.inputs()) {
                if (input.dataset().digest().equals(digest)) {
                    html.append("<dt>Source</dt><dd><code>").append(Html.text(input.dataset().source()))
                            .append("</code> (").append(Html.text(input.dataset().sourceType())).append(")</dd>");
                    break;
                }
            }
            tag(record, "slipway.dataset.size").ifPresent(size -> html.append("<dt>Size</dt><dd>")
                    .append(Html.text(size)).append(" bytes</dd>"));
            tag(record, "slipway.dataset.nfiles").ifPresent(files -> html.append("<dt>Files</dt><dd>")
                    .append(Html.text(files)).append("</dd>"));
            tag(record, "slipway.dataset.git_commit").ifPresent(commit -> html.append("<dt>Git commit</dt><dd><code>")
                    .append(Html.text(commit)).append("</code></dd>"));
            html.append("<dt>Recorded</dt><dd>").append(Html.time(record.info().startTime(), services.zone()))
                    .append(" as run ").append(RegistryPages.runLink(Optional.of(record.info().runId())))
                    .append("</dd>");
        }
        html.append("</dl>\n");
        if (recorded.isEmpty() && runs.isEmpty()) {
            html.append(Layout.empty("No run used a dataset with digest " + digest + ".", "<p>Runs log their "
                    + "training data as a dataset input (<code>slipway train</code> does; with an MLflow client, "
                    + "<code>mlflow.log_input</code>). Check the digest, or <a href=\"/datasets\">list the recorded "
                    + "versions</a>.</p>"));
            return Layout.page(title, SECTION, html.toString(), false);
        }
        html.append("<h2 id=\"used-by-heading\">Used by</h2>\n");
        if (runs.isEmpty()) {
            html.append("<p class=\"muted\">No run used this version yet.</p>\n");
        } else {
            html.append(lineageTable(lineage, runs, Optional.of(digest)));
        }
        return Layout.page(title, SECTION, html.toString(), false);
    }

    private String datasetByName(Lineage lineage, String name) {
        List<Run> runs = concat(lineage.recordedVersions("datasets.name = '" + Lineage.quote(name) + "'"),
                lineage.runs("datasets.name = '" + Lineage.quote(name) + "'"));
        Map<String, List<Run>> byDigest = new LinkedHashMap<>();
        for (Run run : runs) {
            for (DatasetInput input : run.inputs()) {
                if (input.dataset().name().equals(name)) {
                    List<Run> users = byDigest.computeIfAbsent(input.dataset().digest(), key -> new ArrayList<>());
                    if (!isRecord(run)) {
                        users.add(run);
                    }
                }
            }
        }
        StringBuilder html = new StringBuilder();
        html.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/datasets\">Datasets</a> / </nav>")
                .append("<h1>").append(Html.text(name)).append("</h1>\n");
        if (byDigest.isEmpty()) {
            html.append(Layout.empty("No run logged a dataset named '" + name + "'.", "<p><a href=\"/datasets\">"
                    + "List the recorded versions</a>.</p>"));
        } else {
            html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"dataset-versions\"><thead><tr>")
                    .append("<th scope=\"col\">Version (digest)</th><th scope=\"col\" class=\"num\">Runs</th>")
                    .append("<th scope=\"col\">Latest use</th></tr></thead><tbody>\n");
            byDigest.forEach((digest, users) -> html.append("<tr><td>").append(digestLink(digest))
                    .append("</td><td class=\"num\">").append(users.size()).append("</td><td>")
                    .append(users.isEmpty() ? "\u2013" : Html.time(users.get(0).info().startTime(), services.zone()))
                    .append("</td></tr>\n"));
            html.append("</tbody></table></div>\n");
        }
        return Layout.page(name, SECTION, html.toString(), false);
    }

    // ---- lineage -------------------------------------------------------------------------------

    private String lineage(Context ctx) {
        Optional<String> runId = param(ctx, "run");
        if (runId.isEmpty()) {
            String html = "<h1>Lineage</h1>\n" + Layout.empty("Pick a run or a dataset version to follow.",
                    "<p>Open <code>/lineage?run=RUN_ID</code>, the lineage link of a model version, or a dataset "
                            + "version from <a href=\"/datasets\">Datasets</a>.</p>");
            return Layout.page("Lineage", SECTION, html, false);
        }
        Run run = services.tracking().getRun(runId.get());
        StringBuilder html = new StringBuilder();
        html.append("<h1>Lineage of run <span class=\"muted\">").append(Html.text(run.info().runName()))
                .append("</span></h1>\n");
        List<ModelVersion> versions = visible(ctx).versionsByRun(List.of(run.info().runId()))
                .getOrDefault(run.info().runId(), List.of());
        Serving serving = new Serving();
        html.append("<ol class=\"flow\" id=\"lineage\">");
        html.append("<li class=\"card\"><h2>Data</h2>");
        if (run.inputs().isEmpty()) {
            html.append("<p class=\"muted\">The run logged no dataset input.</p>");
        } else {
            html.append("<ul class=\"plain\">");
            for (DatasetInput input : run.inputs()) {
                html.append("<li>").append(Html.text(input.dataset().name())).append(" @ ")
                        .append(digestLink(input.dataset().digest()))
                        .append(contextOf(input)).append("</li>");
            }
            html.append("</ul>");
        }
        html.append("</li><li class=\"card\"><h2>Run</h2><p>").append(RegistryPages.runLink(Optional.of(
                run.info().runId()))).append(' ').append(Html.text(run.info().runName())).append("</p><p class=\"muted\">")
                .append(Html.text(run.info().status().name())).append(" \u00b7 ")
                .append(Html.time(run.info().startTime(), services.zone())).append("</p></li>");
        html.append("<li class=\"card\"><h2>Model versions</h2>");
        if (versions.isEmpty()) {
            html.append("<p class=\"muted\">No model version was registered from this run.</p>");
        } else {
            html.append("<ul class=\"plain\">");
            for (ModelVersion version : versions) {
                html.append("<li>").append(versionName(version)).append(' ')
                        .append(RegistryPages.stageBadge(version.currentStage())).append("</li>");
            }
            html.append("</ul>");
        }
        html.append("</li><li class=\"card\"><h2>Serving</h2>");
        if (versions.isEmpty()) {
            html.append("<p class=\"muted\">Nothing to serve.</p>");
        } else {
            html.append("<ul class=\"plain\">");
            for (ModelVersion version : versions) {
                html.append("<li>").append(Html.text(version.name())).append(" v").append(version.version())
                        .append(": ").append(serving.of(version)).append("</li>");
            }
            html.append("</ul>");
        }
        html.append("</li><li class=\"card\" id=\"lineage-deployments\"><h2>Deployments</h2>");
        if (!serving.deploymentStore) {
            html.append("<p class=\"muted\">Deployments are not available on this backend.</p>");
        } else if (versions.isEmpty()) {
            html.append("<p class=\"muted\">Nothing to deploy.</p>");
        } else {
            html.append("<ul class=\"plain\">");
            for (ModelVersion version : versions) {
                html.append("<li>").append(Html.text(version.name())).append(" v").append(version.version())
                        .append(":<br>").append(serving.deployments(version)).append("</li>");
            }
            html.append("</ul>");
        }
        html.append("</li></ol>\n");
        return Layout.page("Lineage of " + run.info().runName(), SECTION, html.toString(), false);
    }

    /** Runs with their data version, model versions and serving: the dataset page's "used by" table. */
    private String lineageTable(Lineage lineage, List<Run> runs, Optional<String> digest) {
        Map<String, List<ModelVersion>> byRun = lineage.versionsByRun(runs.stream().map(run -> run.info().runId())
                .toList());
        Serving serving = new Serving();
        StringBuilder html = new StringBuilder();
        html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"used-by\" aria-labelledby=\"used-by-heading\">")
                .append("<thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Experiment</th>")
                .append("<th scope=\"col\">Context</th><th scope=\"col\">Started</th>")
                .append("<th scope=\"col\">Model versions</th><th scope=\"col\">Serving</th>")
                .append(serving.deploymentStore ? "<th scope=\"col\">Deployments</th>" : "")
                .append("</tr></thead><tbody>\n");
        for (Run run : runs) {
            List<ModelVersion> versions = byRun.getOrDefault(run.info().runId(), List.of());
            String context = run.inputs().stream()
                    .filter(input -> digest.map(value -> value.equals(input.dataset().digest())).orElse(true))
                    .map(LineagePages::contextOf).filter(text -> !text.isEmpty()).findFirst().orElse("");
            html.append("<tr data-run=\"").append(Html.attr(run.info().runId())).append("\"><td>")
                    .append(RegistryPages.runLink(Optional.of(run.info().runId()))).append(' ')
                    .append(Html.text(run.info().runName())).append(" <a class=\"small\" href=\"/lineage?run=")
                    .append(Html.query(run.info().runId())).append("\">lineage</a></td><td>")
                    .append(Html.text(experimentName(run.info().experimentId()))).append("</td><td>").append(context)
                    .append("</td><td>").append(Html.time(run.info().startTime(), services.zone())).append("</td><td>");
            if (versions.isEmpty()) {
                html.append("<span class=\"muted\">\u2013</span></td><td><span class=\"muted\">\u2013</span>");
                if (serving.deploymentStore) {
                    html.append("</td><td><span class=\"muted\">\u2013</span>");
                }
            } else {
                List<String> names = new ArrayList<>();
                List<String> served = new ArrayList<>();
                List<String> deployed = new ArrayList<>();
                for (ModelVersion version : versions) {
                    names.add(versionName(version));
                    served.add(serving.of(version));
                    deployed.add(serving.deployments(version));
                }
                html.append(String.join("<br>", names)).append("</td><td>").append(String.join("<br>", served));
                if (serving.deploymentStore) {
                    html.append("</td><td>").append(String.join("<br>", deployed));
                }
            }
            html.append("</td></tr>\n");
        }
        return html.append("</tbody></table></div>\n").toString();
    }

    /**
     * Where model versions serve: their aliases, the monitors watching them and the deployments serving them, with
     * models and their deployments read once per page.
     */
    private final class Serving {
        private final List<Lineage.Monitor> monitors = lineage.monitors();
        private final boolean deploymentStore = lineage.deploymentService().isPresent();
        private final Map<String, Optional<RegisteredModel>> models = new HashMap<>();
        private final Map<String, Long> latest = new HashMap<>();
        private final Map<String, List<DeploymentStatus>> deployments = new HashMap<>();

        /** The deployments that serve the version, each linking to its page. */
        String deployments(ModelVersion version) {
            List<DeploymentStatus> statuses = deployments.computeIfAbsent(version.name(), lineage::deployments);
            return DeploymentPages.placements(Lineage.placements(statuses, version.name(), version.version()),
                    "<span class=\"muted\">not deployed</span>");
        }

        String of(ModelVersion version) {
            Optional<RegisteredModel> model = models.computeIfAbsent(version.name(), lineage::model);
            if (model.isEmpty()) {
                return "<span class=\"muted\">\u2013</span>";
            }
            long newest = latest.computeIfAbsent(version.name(), lineage::latestVersion);
            List<String> parts = new ArrayList<>();
            for (String alias : Lineage.aliasesOf(model.get(), version.version())) {
                parts.add("<span class=\"badge alias\">@" + Html.text(alias) + "</span>");
            }
            for (Lineage.Monitor monitor : Lineage.watching(monitors, model.get(), version.version(), newest)) {
                parts.add("<a class=\"badge monitor\" href=\"/monitoring/" + Html.path(monitor.stored().name())
                        + "\">monitor " + Html.text(monitor.stored().name()) + "</a>");
            }
            return parts.isEmpty() ? "<span class=\"muted\">no alias or monitor</span>" : String.join(" ", parts);
        }
    }

    private String experimentName(String experimentId) {
        try {
            return services.tracking().getExperiment(experimentId).name();
        } catch (RuntimeException e) {
            return experimentId;
        }
    }

    private static String versionName(ModelVersion version) {
        return "<a href=\"/models/" + Html.path(version.name()) + "/versions/" + version.version() + "\">"
                + Html.text(version.name()) + " v" + version.version() + "</a>";
    }

    private static String digestLink(String digest) {
        return "<a href=\"/datasets?digest=" + Html.query(digest) + "\"><code>" + Html.text(shortId(digest))
                + "</code></a>";
    }

    private static String contextOf(DatasetInput input) {
        return input.tags().stream().filter(tag -> tag.key().equals("mlflow.data.context")).findFirst()
                .map(tag -> " <span class=\"badge\">" + Html.text(tag.value()) + "</span>").orElse("");
    }

    private static Optional<String> tag(Run run, String key) {
        return run.tags().stream().filter(tag -> tag.key().equals(key)).map(Tag::value).findFirst();
    }

    private static boolean isRecord(Run run) {
        return tag(run, "slipway.dataset.md5").isPresent();
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static List<Run> concat(List<Run> first, List<Run> second) {
        List<Run> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
