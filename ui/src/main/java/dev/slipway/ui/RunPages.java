package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.auth.Access;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelOutput;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.server.Authentication;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run ({@code /runs/{id}}): overview, params, metrics with zoomable, smoothable charts, tags, dataset inputs,
 * artifacts with previews and logged models; the chart data endpoint {@code /ui/data/metric}, downsampled on the
 * server; and the raw artifact endpoint {@code /ui/data/artifact} that previews of images and HTML load.
 */
final class RunPages implements WebUi.PageGroup {
    private static final Logger LOG = LoggerFactory.getLogger(RunPages.class);
    static final int DEFAULT_MAX_POINTS = 2000;
    static final int MAX_POINTS = 2500;
    static final String GIT_COMMIT_TAG = "mlflow.source.git.commit";
    static final String SOURCE_NAME_TAG = "mlflow.source.name";
    static final String PARENT_RUN_TAG = "mlflow.parentRunId";
    static final String CHARTS_JS = "/static/charts.js";

    private final UiServices services;
    private final ObjectMapper json = new ObjectMapper();
    private final ArtifactBrowser artifacts = new ArtifactBrowser(json);

    RunPages(UiServices services) {
        this.services = requireNonNull(services, "services is null");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/runs/{runId}", Pages.page(Layout.Section.EXPERIMENTS, this::run));
        routes.get("/compare", Pages.page(Layout.Section.EXPERIMENTS, new ComparePage(services, json)::render));
        routes.get("/ui/data/metric", data(this::metricData));
        routes.get("/ui/data/artifact", data(this::rawArtifact));
    }

    private String run(Context ctx) {
        Run run = findRun(services, ctx.pathParam("runId"));
        RunInfo info = run.info();
        Experiment experiment = services.tracking().getExperiment(info.experimentId());
        Optional<String> selected = Optional.ofNullable(ctx.queryParam("artifact")).filter(path -> !path.isEmpty());
        StringBuilder html = new StringBuilder(8192);
        html.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Experiments</a> \u203a <a href=\"/experiments/")
                .append(Html.path(experiment.experimentId())).append("\">").append(Html.text(experiment.name()))
                .append("</a> \u203a run</nav>\n<h1 id=\"run-name\">").append(Html.text(info.runName()))
                .append(" <span class=\"badge ").append(statusClass(info)).append("\" id=\"run-status\">")
                .append(info.status().name()).append("</span>")
                .append(info.lifecycleStage() == LifecycleStage.DELETED ? " <span class=\"badge bad\">deleted</span>" : "")
                .append("</h1>\n");
        overview(html, run, experiment);
        params(html, run.params());
        metrics(html, run);
        tags(html, run.tags());
        inputs(html, run.inputs());
        producedVersions(html, info.runId(), Authentication.access(ctx));
        artifactSection(html, info, selected);
        return Layout.page(info.runName(), Layout.Section.EXPERIMENTS, html.toString(), true, List.of(CHARTS_JS));
    }

    /** The run, or RESOURCE_DOES_NOT_EXIST also for an id that cannot be a run id (the UI's 404 page). */
    static Run findRun(UiServices services, String runId) {
        try {
            TrackingService.validateRunId(runId);
        } catch (SlipwayException e) {
            throw SlipwayException.notFound("Run with id=%s not found", runId);
        }
        return services.tracking().getRun(runId);
    }

    private static String statusClass(RunInfo info) {
        return switch (info.status()) {
            case FINISHED -> "ok";
            case FAILED, KILLED -> "bad";
            case RUNNING, SCHEDULED -> "";
        };
    }

    private void overview(StringBuilder html, Run run, Experiment experiment) {
        RunInfo info = run.info();
        html.append("<section aria-labelledby=\"overview-h\"><h2 id=\"overview-h\">Overview</h2><dl class=\"facts\" id=\"overview\">");
        fact(html, "Run ID", "<code>" + Html.text(info.runId()) + "</code>");
        fact(html, "Status", Html.text(info.status().name()));
        fact(html, "Started", Html.time(info.startTime(), services.zone()));
        fact(html, "Ended", info.endTime().map(end -> Html.time(end, services.zone())).orElse("\u2013"));
        long end = info.endTime().orElseGet(() -> services.clock().millis());
        fact(html, "Duration", duration(Duration.ofMillis(Math.max(0, end - info.startTime())))
                + (info.endTime().isEmpty() ? " <span class=\"muted\">(not ended)</span>" : ""));
        fact(html, "User", Html.text(info.userId()));
        fact(html, "Source", tag(run.tags(), SOURCE_NAME_TAG).map(Html::text).orElse("\u2013"));
        fact(html, "Git commit", tag(run.tags(), GIT_COMMIT_TAG).map(commit -> "<code>" + Html.text(commit) + "</code>")
                .orElse("\u2013"));
        fact(html, "Experiment", "<a href=\"/experiments/" + Html.path(experiment.experimentId()) + "\">"
                + Html.text(experiment.name()) + "</a>");
        Optional<String> parent = tag(run.tags(), PARENT_RUN_TAG);
        if (parent.isPresent()) {
            fact(html, "Parent run", "<a id=\"parent-run\" href=\"/runs/" + Html.path(parent.get()) + "\">"
                    + Html.text(parentName(parent.get())) + "</a>");
        }
        fact(html, "Artifact location", "<code>" + Html.text(info.artifactUri()) + "</code>");
        html.append("</dl></section>\n");
    }

    private String parentName(String runId) {
        try {
            return services.tracking().getRunInfo(runId).runName();
        } catch (SlipwayException e) {
            return runId;
        }
    }

    static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return duration.toMillis() < 1000 ? duration.toMillis() + " ms" : seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    private static void fact(StringBuilder html, String term, String valueHtml) {
        html.append("<dt>").append(Html.text(term)).append("</dt><dd>").append(valueHtml).append("</dd>");
    }

    static Optional<String> tag(List<Tag> tags, String key) {
        return tags.stream().filter(tag -> tag.key().equals(key)).map(Tag::value).reduce((first, second) -> second);
    }

    private static void params(StringBuilder html, List<Param> params) {
        html.append("<section aria-labelledby=\"params-h\"><h2 id=\"params-h\">Parameters</h2>");
        if (params.isEmpty()) {
            html.append(Layout.empty("This run has no parameters.", "")).append("</section>\n");
            return;
        }
        html.append("<div class=\"table-scroll\"><table class=\"grid kv\" id=\"params\"><thead><tr><th scope=\"col\">Name</th>")
                .append("<th scope=\"col\">Value</th></tr></thead><tbody>");
        params.stream().sorted(Comparator.comparing(Param::key)).forEach(param -> html.append("<tr><th scope=\"row\">")
                .append(Html.text(param.key())).append("</th><td>").append(Html.text(param.value())).append("</td></tr>"));
        html.append("</tbody></table></div></section>\n");
    }

    private void metrics(StringBuilder html, Run run) {
        html.append("<section aria-labelledby=\"metrics-h\"><h2 id=\"metrics-h\">Metrics</h2>");
        List<Metric> metrics = run.metrics().stream().sorted(Comparator.comparing(Metric::key)).toList();
        if (metrics.isEmpty()) {
            html.append(Layout.empty("This run has no metrics.", "")).append("</section>\n");
            return;
        }
        html.append("<div class=\"table-scroll\"><table class=\"grid kv\" id=\"metrics\"><thead><tr><th scope=\"col\">Name</th>")
                .append("<th scope=\"col\" class=\"num\">Latest</th><th scope=\"col\" class=\"num\">Step</th>")
                .append("<th scope=\"col\">Logged</th></tr></thead><tbody>");
        for (Metric metric : metrics) {
            html.append("<tr><th scope=\"row\">").append(Html.text(metric.key())).append("</th><td class=\"num\">")
                    .append(Html.number(metric.value())).append("</td><td class=\"num\">").append(metric.step())
                    .append("</td><td>").append(Html.time(metric.timestamp(), services.zone())).append("</td></tr>");
        }
        html.append("</tbody></table></div>");
        chartControls(html);
        html.append("<div class=\"cards metric-charts\">");
        for (Metric metric : metrics) {
            html.append("<figure class=\"card chart-card\"><div class=\"chart metric-chart\" data-runs=\"").append(Html.attr(run.info().runId()))
                    .append("\" data-names=\"").append(Html.attr(run.info().runName()))
                    .append("\" data-key=\"").append(Html.attr(metric.key()))
                    .append("\"><p class=\"muted chart-loading\">Loading chart\u2026</p></div><figcaption><strong>")
                    .append(Html.text(metric.key())).append("</strong>: latest ").append(Html.number(metric.value()))
                    .append(" at step ").append(metric.step()).append("</figcaption></figure>");
        }
        html.append("</div></section>\n");
    }

    /** The smoothing slider and x-axis choice every chart on the page follows (charts.js reads them). */
    static void chartControls(StringBuilder html) {
        html.append("<div class=\"chart-controls\" id=\"chart-controls\"><label for=\"smoothing\">Smoothing</label> ")
                .append("<input id=\"smoothing\" type=\"range\" min=\"0\" max=\"0.99\" step=\"0.01\" value=\"0\" ")
                .append("aria-describedby=\"smoothing-value\"> <output id=\"smoothing-value\" for=\"smoothing\">0</output>")
                .append(" <label for=\"x-axis\">X axis</label> <select id=\"x-axis\"><option value=\"step\">Step</option>")
                .append("<option value=\"time\">Time</option></select>")
                .append(" <span class=\"muted hint\">Drag on a chart to zoom, double-click to reset.</span></div>");
    }

    private static void tags(StringBuilder html, List<Tag> tags) {
        html.append("<section aria-labelledby=\"tags-h\"><h2 id=\"tags-h\">Tags</h2>");
        if (tags.isEmpty()) {
            html.append(Layout.empty("This run has no tags.", "")).append("</section>\n");
            return;
        }
        html.append("<div class=\"table-scroll\"><table class=\"grid kv\" id=\"tags\"><thead><tr><th scope=\"col\">Name</th>")
                .append("<th scope=\"col\">Value</th></tr></thead><tbody>");
        tags.stream().sorted(Comparator.comparing(Tag::key)).forEach(tag -> html.append("<tr><th scope=\"row\">")
                .append(Html.text(tag.key())).append("</th><td>").append(Html.text(tag.value())).append("</td></tr>"));
        html.append("</tbody></table></div></section>\n");
    }

    private static void inputs(StringBuilder html, List<DatasetInput> inputs) {
        html.append("<section aria-labelledby=\"inputs-h\"><h2 id=\"inputs-h\">Dataset inputs</h2>");
        if (inputs.isEmpty()) {
            html.append(Layout.empty("This run logged no dataset inputs.",
                    "<p class=\"muted\">Log one with <code>mlflow.log_input</code>.</p>")).append("</section>\n");
            return;
        }
        html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"inputs\"><thead><tr><th scope=\"col\">Name</th>")
                .append("<th scope=\"col\">Digest</th><th scope=\"col\">Context</th>")
                .append("<th scope=\"col\">Source</th></tr></thead><tbody>");
        for (DatasetInput input : inputs) {
            html.append("<tr><td><a href=\"/datasets?digest=").append(Html.attr(Html.query(input.dataset().digest())))
                    .append("\">").append(Html.text(input.dataset().name())).append("</a></td><td><code>")
                    .append(Html.text(input.dataset().digest())).append("</code></td><td>")
                    .append(Html.text(tag(input.tags(), "mlflow.data.context").orElse("\u2013")))
                    .append("</td><td class=\"wrap\"><span class=\"badge\">").append(Html.text(input.dataset().sourceType()))
                    .append("</span> ").append(Html.text(input.dataset().source())).append("</td></tr>");
        }
        html.append("</tbody></table></div></section>\n");
    }

    /** The model versions registered from this run, with their aliases: the run's place in data -> run -> model. */
    private void producedVersions(StringBuilder html, String runId, Access access) {
        Lineage lineage = new Lineage(services, access);
        List<ModelVersion> versions = lineage.versionsByRun(List.of(runId)).getOrDefault(runId, List.of());
        html.append("<section aria-labelledby=\"produced-h\"><h2 id=\"produced-h\">Registered model versions</h2>");
        if (versions.isEmpty()) {
            html.append(Layout.empty("No model version was registered from this run.", "<p><a href=\"/lineage?run="
                    + Html.attr(Html.query(runId)) + "\">Lineage of this run</a></p>")).append("</section>\n");
            return;
        }
        html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"produced\"><thead><tr>")
                .append("<th scope=\"col\">Model version</th><th scope=\"col\">Aliases</th>")
                .append("<th scope=\"col\">Stage</th></tr></thead><tbody>");
        for (ModelVersion version : versions) {
            List<String> aliases = lineage.model(version.name())
                    .map(model -> Lineage.aliasesOf(model, version.version())).orElse(List.of());
            html.append("<tr><td><a href=\"/models/").append(Html.path(version.name())).append("/versions/")
                    .append(version.version()).append("\">").append(Html.text(version.name())).append(" version ")
                    .append(version.version()).append("</a></td><td>")
                    .append(aliases.isEmpty() ? "\u2013" : Html.text(aliases.stream().map(alias -> "@" + alias)
                            .collect(java.util.stream.Collectors.joining(", "))))
                    .append("</td><td>").append(Html.text(version.currentStage().wireName())).append("</td></tr>");
        }
        html.append("</tbody></table></div><p><a href=\"/lineage?run=").append(Html.attr(Html.query(runId)))
                .append("\">Lineage of this run: data \u2192 run \u2192 model \u2192 serving</a></p></section>\n");
    }

    private void artifactSection(StringBuilder html, RunInfo info, Optional<String> selected) {
        html.append("<section aria-labelledby=\"artifacts-h\" id=\"artifacts\"><h2 id=\"artifacts-h\">Artifacts</h2>");
        ArtifactRepository repository;
        try {
            repository = services.artifacts().resolve(info.artifactUri());
        } catch (RuntimeException e) {
            html.append(Layout.error("The artifacts of this run cannot be read: " + e.getMessage())).append("</section>\n");
            return;
        }
        html.append("<div class=\"artifact-browser\"><nav class=\"artifact-files\" aria-label=\"Artifact files\">")
                .append(artifacts.tree(info.runId(), repository, selected)).append("</nav>")
                .append(artifacts.preview(info.runId(), repository, selected)).append("</div></section>\n");
        html.append("<section aria-labelledby=\"models-h\"><h2 id=\"models-h\">Logged models</h2>");
        List<String> models = loggedModels(info, repository);
        if (models.isEmpty()) {
            html.append(Layout.empty("This run logged no model.", "")).append("</section>\n");
        } else {
            html.append("<div class=\"cards\" id=\"logged-models\">").append(String.join("", models))
                    .append("</div></section>\n");
        }
    }

    /** Models in the run's artifacts (a top-level folder with an MLmodel file) and MLflow 3 models it output. */
    private List<String> loggedModels(RunInfo info, ArtifactRepository repository) {
        List<String> models = new ArrayList<>();
        try {
            artifacts.modelSummary(repository, "", "Model at the artifact root").ifPresent(models::add);
            for (FileInfo file : repository.list("")) {
                if (file.isDir()) {
                    artifacts.modelSummary(repository, file.path(), "Model in " + file.path() + "/")
                            .ifPresent(models::add);
                }
            }
        } catch (Exception e) {
            models.add(Layout.error("The run's models cannot be listed: " + e.getMessage()));
        }
        try {
            for (LoggedModelOutput output : services.loggedModels().runOutputs(info.runId())) {
                LoggedModel model = services.loggedModels().getLoggedModel(output.modelId(), false);
                ArtifactRepository modelRepository = services.artifacts().resolve(model.info().artifactUri());
                models.add(artifacts.modelSummary(modelRepository, "", "Logged model " + model.info().name()
                        + " (" + model.modelId() + ")").orElse("<div class=\"card logged-model\"><h3>"
                        + Html.text(model.info().name()) + "</h3><p class=\"muted\">No MLmodel file uploaded yet.</p></div>"));
            }
        } catch (RuntimeException e) {
            models.add(Layout.error("The run's logged models cannot be read: " + e.getMessage()));
        }
        return models;
    }

    // ---- data endpoints -------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface DataHandler {
        void handle(Context ctx) throws Exception;
    }

    /** JSON and file endpoints: errors as {@code {"error": ...}} with the code's status, never a stack trace. */
    private Handler data(DataHandler handler) {
        return ctx -> {
            ctx.header("Cache-Control", "no-store");
            ctx.header("X-Content-Type-Options", "nosniff");
            try {
                handler.handle(ctx);
            } catch (SlipwayException e) {
                dataError(ctx, e.errorCode().httpStatus(), e.getMessage());
            } catch (IllegalArgumentException e) {
                dataError(ctx, 400, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("UI data {} failed", ctx.path(), e);
                dataError(ctx, 500, "Something went wrong on the server; the server log has the details.");
            }
        };
    }

    private void dataError(Context ctx, int status, String message) throws Exception {
        ObjectNode body = json.createObjectNode().put("error", message);
        ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
    }

    static String required(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("Missing query parameter '" + name + "'.");
        }
        return value;
    }

    static Optional<Long> optionalLong(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Math.round(Double.parseDouble(value)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Query parameter '" + name + "' must be a number, got '" + value + "'.");
        }
    }

    /**
     * {@code GET /ui/data/metric?run_id=&key=&max_points=&x=step|time&start=&end=}: the metric's history in x order,
     * within [start, end] when given (steps, or epoch ms for time), downsampled to at most {@code max_points} (default
     * {@value #DEFAULT_MAX_POINTS}, at most {@value #MAX_POINTS}). Values that are not finite are {@code null}.
     */
    private void metricData(Context ctx) throws Exception {
        String runId = required(ctx, "run_id");
        String key = required(ctx, "key");
        int maxPoints = optionalLong(ctx, "max_points").map(Long::intValue).orElse(DEFAULT_MAX_POINTS);
        if (maxPoints < MetricDownsampling.MIN_POINTS || maxPoints > MAX_POINTS) {
            throw new IllegalArgumentException("max_points must be between " + MetricDownsampling.MIN_POINTS + " and "
                    + MAX_POINTS + ", got " + maxPoints + ".");
        }
        String axis = Optional.ofNullable(ctx.queryParam("x")).orElse("step").toLowerCase(Locale.ROOT);
        if (!axis.equals("step") && !axis.equals("time")) {
            throw new IllegalArgumentException("x must be 'step' or 'time', got '" + axis + "'.");
        }
        boolean byTime = axis.equals("time");
        Optional<Long> start = optionalLong(ctx, "start");
        Optional<Long> end = optionalLong(ctx, "end");
        services.tracking().checkMetricHistoryRequest(runId, key);
        List<Metric> history = new ArrayList<>();
        services.tracking().streamMetricHistory(runId, key, metric -> {
            long x = byTime ? metric.timestamp() : metric.step();
            if (start.map(s -> x >= s).orElse(true) && end.map(e -> x <= e).orElse(true)) {
                history.add(metric);
            }
        });
        if (byTime) {
            history.sort(Comparator.comparingLong(Metric::timestamp).thenComparingLong(Metric::step));
        }
        List<Metric> points = MetricDownsampling.downsample(history, maxPoints);
        ObjectNode body = json.createObjectNode().put("run_id", runId).put("key", key).put("x", axis)
                .put("total", history.size()).put("downsampled", points.size() < history.size());
        ArrayNode steps = body.putArray("steps");
        ArrayNode timestamps = body.putArray("timestamps");
        ArrayNode values = body.putArray("values");
        for (Metric metric : points) {
            steps.add(metric.step());
            timestamps.add(metric.timestamp());
            if (Double.isFinite(metric.value())) {
                values.add(metric.value());
            } else {
                values.addNull();
            }
        }
        ctx.contentType("application/json").result(json.writeValueAsString(body));
    }

    /**
     * {@code GET /ui/data/artifact?run_id=&path=}: an image or HTML artifact for its preview, under a policy that
     * runs no script even when opened directly; other files as a download.
     */
    private void rawArtifact(Context ctx) throws Exception {
        String runId = required(ctx, "run_id");
        String path = ArtifactPaths.validate(required(ctx, "path"));
        RunInfo info = services.tracking().getRunInfo(runId);
        Optional<InputStream> opened = services.artifacts().resolve(info.artifactUri()).open(path);
        if (opened.isEmpty()) {
            throw SlipwayException.notFound("Artifact '%s' not found in run %s", path, runId);
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        String type = switch (ArtifactBrowser.kind(path)) {
            case IMAGE -> switch (extension) {
                case "svg" -> "image/svg+xml";
                case "jpg", "jpeg" -> "image/jpeg";
                default -> "image/" + extension;
            };
            case HTML -> "text/html; charset=utf-8";
            case TEXT, JSON, CSV, TSV, OTHER -> "application/octet-stream";
        };
        // framed by the run page's preview (the server answers X-Frame-Options: DENY everywhere else)
        ctx.header("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                + "frame-ancestors 'self'");
        ctx.header("X-Frame-Options", "SAMEORIGIN");
        if (type.equals("application/octet-stream")) {
            ctx.header("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        }
        ctx.contentType(type);
        try (InputStream in = opened.get(); OutputStream out = ctx.outputStream()) {
            in.transferTo(out);
        }
    }
}
