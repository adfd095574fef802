package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentService;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * GitOps deployments as agents report them: {@code /deployments} (every deployment's status: what serves, what Git
 * asks for, the canary, sync and health; filtered by {@code ?env=} and {@code ?model=}) and
 * {@code /deployments/{env}/{name}} (one status in detail and the agent's latest decisions with their evidence). A
 * server whose prediction log has no deployment store says so.
 */
final class DeploymentPages implements WebUi.PageGroup {
    static final long EVENT_ROWS = 100;
    /** Agents report every deployment at least once a minute: a status older than this has lost its agent. */
    static final Duration STALE_AFTER = Duration.ofMinutes(5);
    private static final Layout.Section SECTION = Layout.Section.DEPLOYMENTS;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The evidence of a canary check that {@link #checkEntries} shows first, each measure against its bound. */
    private static final Set<String> CHECK_KEYS = Set.of("verdict", "requests", "errors", "error_rate",
            "max_error_rate", "p99_ms", "max_p99_ms");
    private static final Map<String, String> LABELS = Map.ofEntries(Map.entry("verdict", "Verdict"),
            Map.entry("requests", "Requests"), Map.entry("errors", "Errors"), Map.entry("error_rate", "Error rate"),
            Map.entry("max_error_rate", "Max error rate"), Map.entry("p99_ms", "p99 latency"),
            Map.entry("max_p99_ms", "Max p99 latency"), Map.entry("labelled", "Labelled predictions"),
            Map.entry("quality", "Live quality"), Map.entry("min_quality", "Min quality"),
            Map.entry("candidate", "Candidate"), Map.entry("steps", "Steps"),
            Map.entry("failed_checks", "Failed checks"), Map.entry("failure_limit", "Failure limit"),
            Map.entry("step", "Step"), Map.entry("weight", "Weight"), Map.entry("decision", "Decision"),
            Map.entry("commit", "Commit"));

    private final UiServices services;
    private final Lineage lineage;

    DeploymentPages(UiServices services) {
        this.services = requireNonNull(services, "services is null");
        this.lineage = new Lineage(services);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/deployments", Pages.page(SECTION, this::list));
        routes.get("/deployments/{env}/{name}", Pages.page(SECTION, this::deployment));
    }

    static String noStore() {
        return Layout.empty("Deployments are not available on this backend.", "<p>GitOps agents report the "
                + "status of each deployment and their decisions to the tracking server, which keeps them with the "
                + "prediction log. Start the server with a database backend "
                + "(<code>slipway server --backend-store-uri sqlite:///mlflow.db</code>, or PostgreSQL or MariaDB), "
                + "then run an agent per environment: <code>slipway gitops agent --env prod</code>.</p>");
    }

    private static Optional<String> param(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    // ---- list ----------------------------------------------------------------------------------

    private String list(Context ctx) {
        Optional<String> env = param(ctx, "env");
        Optional<String> model = param(ctx, "model");
        StringBuilder html = new StringBuilder("<h1>Deployments</h1>\n");
        Optional<DeploymentService> service = lineage.deploymentService();
        if (service.isEmpty()) {
            html.append(noStore());
            return Layout.page("Deployments", SECTION, html.toString(), false);
        }
        List<DeploymentStatus> all = service.get().listStatuses(Optional.empty(), Optional.empty());
        if (all.isEmpty() && env.isEmpty() && model.isEmpty()) {
            html.append(Layout.empty("No deployment has reported yet.", "<p>Deployments are described in a Git "
                    + "repository (<code>envs/prod/churn.yaml</code>, written by <code>slipway deploy promote --model "
                    + "models:/churn/1 --env prod</code>). A GitOps agent per environment makes what serves match Git "
                    + "and reports here what it serves, its sync and health, and every decision it takes: start one "
                    + "with <code>slipway gitops agent --env prod</code>.</p>"));
            return Layout.page("Deployments", SECTION, html.toString(), false);
        }
        html.append(filterForm(all, env, model));
        List<DeploymentStatus> shown;
        try {
            shown = env.isPresent() || model.isPresent() ? service.get().listStatuses(env, model) : all;
        } catch (SlipwayException e) {
            ctx.status(e.errorCode().httpStatus());
            html.append(Layout.error(e.getMessage()));
            return Layout.page("Deployments", SECTION, html.toString(), false);
        }
        if (shown.isEmpty()) {
            List<String> filters = new ArrayList<>();
            env.ifPresent(value -> filters.add("in environment '" + value + "'"));
            model.ifPresent(value -> filters.add("of model '" + value + "'"));
            html.append(Layout.empty("No deployment " + String.join(" ", filters) + ".",
                    "<p><a href=\"/deployments\">Show every deployment</a>.</p>"));
            return Layout.page("Deployments", SECTION, html.toString(), false);
        }
        html.append(summary(shown));
        html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"deployments\"><thead><tr>")
                .append("<th scope=\"col\">Environment</th><th scope=\"col\">Deployment <span class=\"muted\">and "
                        + "endpoint</span></th>")
                .append("<th scope=\"col\">Serving</th><th scope=\"col\">Canary</th><th scope=\"col\">Sync</th>")
                .append("<th scope=\"col\">Health</th>")
                .append("<th scope=\"col\">Last report</th><th scope=\"col\">Message</th></tr></thead><tbody>\n");
        for (DeploymentStatus status : shown) {
            html.append("<tr data-deployment=\"").append(Html.attr(status.env() + "/" + status.name()))
                    .append("\"><td><a href=\"/deployments?env=").append(Html.query(status.env())).append("\">")
                    .append(Html.text(status.env())).append("</a></td><td><a href=\"").append(href(status))
                    .append("\">").append(Html.text(status.name())).append("</a>")
                    .append(status.endpoint().map(endpoint -> "<br><code class=\"endpoint\">" + Html.text(endpoint)
                            + "</code>").orElse(""))
                    .append("</td><td>").append(serving(status)).append(gitModel(status)).append("</td><td>")
                    .append(canary(status)).append("</td><td>").append(syncBadge(status.sync())).append("</td><td>")
                    .append(healthBadge(status.health())).append("</td><td class=\"report\">")
                    .append(Html.time(status.updatedTime(), services.zone()))
                    .append("<br><span class=\"muted\">").append(ago(age(status))).append(" by </span>")
                    .append(Html.text(status.agent())).append(stale(status)).append("</td><td class=\"message\">")
                    .append(message(status.message())).append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n");
        String title = env.map(value -> "Deployments in " + value).orElse("Deployments");
        return Layout.page(title, SECTION, html.toString(), false);
    }

    private static String filterForm(List<DeploymentStatus> all, Optional<String> env, Optional<String> model) {
        Set<String> envs = new TreeSet<>();
        all.forEach(status -> envs.add(status.env()));
        env.ifPresent(envs::add);
        StringBuilder html = new StringBuilder("<form class=\"search\" id=\"deployment-filter\" role=\"search\" "
                + "action=\"/deployments\" method=\"get\"><label for=\"env\">Environment</label> "
                + "<select id=\"env\" name=\"env\"><option value=\"\">All environments</option>");
        for (String value : envs) {
            html.append("<option value=\"").append(Html.attr(value)).append('"')
                    .append(env.filter(value::equals).isPresent() ? " selected" : "").append('>')
                    .append(Html.text(value)).append("</option>");
        }
        html.append("</select> <label for=\"model\">Model</label> <input id=\"model\" name=\"model\" type=\"search\" "
                + "value=\"").append(Html.attr(model.orElse(""))).append("\" placeholder=\"registered model name\" "
                + "autocomplete=\"off\"> <button type=\"submit\">Filter</button>");
        if (env.isPresent() || model.isPresent()) {
            html.append(" <a href=\"/deployments\">Show all</a>");
        }
        return html.append("</form>\n").toString();
    }

    private static String summary(List<DeploymentStatus> statuses) {
        long envs = statuses.stream().map(DeploymentStatus::env).distinct().count();
        long outOfSync = statuses.stream().filter(status -> status.sync() != SyncStatus.SYNCED).count();
        long unhealthy = statuses.stream().filter(status -> status.health() != HealthStatus.HEALTHY).count();
        long canaries = statuses.stream().filter(status -> status.canary().isPresent()).count();
        List<String> parts = new ArrayList<>();
        parts.add(statuses.size() + (statuses.size() == 1 ? " deployment" : " deployments") + " in " + envs
                + (envs == 1 ? " environment" : " environments"));
        if (outOfSync > 0) {
            parts.add(outOfSync + " not synced");
        }
        if (unhealthy > 0) {
            parts.add(unhealthy + " not healthy");
        }
        if (canaries > 0) {
            parts.add(canaries + (canaries == 1 ? " canary" : " canaries") + " in progress");
        }
        return "<p class=\"muted\" id=\"deployment-summary\">" + Html.text(String.join(" \u00b7 ", parts)) + "</p>\n";
    }

    // ---- one deployment ------------------------------------------------------------------------

    private String deployment(Context ctx) {
        String env = ctx.pathParam("env");
        String name = ctx.pathParam("name");
        DeploymentService service = lineage.deploymentService().orElseThrow(() -> new SlipwayException(
                ErrorCode.RESOURCE_DOES_NOT_EXIST, "Deployments are not available on this backend, so there is no "
                + "deployment '" + name + "' in environment '" + env + "'"));
        Optional<DeploymentStatus> found = service.findStatus(env, name);
        List<DeploymentEvent> events = service.events(env, Optional.of(name), Optional.of(EVENT_ROWS));
        if (found.isEmpty() && events.isEmpty()) {
            throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                    "Deployment '" + name + "' in environment '" + env + "' not found");
        }
        StringBuilder html = new StringBuilder();
        html.append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/deployments\">Deployments</a> / ")
                .append("<a href=\"/deployments?env=").append(Html.query(env)).append("\">").append(Html.text(env))
                .append("</a> / </nav><h1>").append(Html.text(name)).append(" <span class=\"muted\">in ")
                .append(Html.text(env)).append("</span></h1>\n");
        if (found.isEmpty()) {
            html.append(Layout.empty("No status is reported for this deployment.", "<p>Its status was deleted, or its "
                    + "agent has not reported it yet; the events it reported stay.</p>"));
        } else {
            html.append(facts(found.get()));
        }
        html.append("<h2 id=\"events-heading\">Latest events</h2>\n").append(eventsTable(events));
        return Layout.page(env + "/" + name, SECTION, html.toString(), false);
    }

    private String facts(DeploymentStatus status) {
        StringBuilder html = new StringBuilder("<dl class=\"facts\" id=\"deployment-facts\">");
        html.append("<dt>Sync</dt><dd>").append(syncBadge(status.sync())).append("</dd><dt>Health</dt><dd>")
                .append(healthBadge(status.health())).append("</dd><dt>Serving</dt><dd>").append(serving(status));
        if (status.canary().isPresent() && status.liveModel().isPresent()) {
            html.append(" <span class=\"muted\">at ").append(100 - status.canaryWeight())
                    .append("% of the traffic</span>");
        }
        html.append("</dd><dt>Git model</dt><dd>").append(modelLink(status.model()));
        if (status.liveModel().isPresent() && !status.liveModel().get().equals(status.model())) {
            html.append(" <span class=\"badge warn\">not live yet</span>");
        }
        html.append(" \u00b7 <a href=\"/models/").append(Html.path(status.modelName())).append("\">all versions of ")
                .append(Html.text(status.modelName())).append("</a>");
        html.append("</dd><dt>Canary</dt><dd>");
        if (status.canary().isPresent()) {
            html.append(modelLink(status.canary().get())).append(" at ").append(status.canaryWeight())
                    .append("% of the traffic");
            status.canaryStep().ifPresent(step -> html.append(", step ").append(step));
        } else {
            html.append("<span class=\"muted\">none in progress</span>");
        }
        html.append("</dd><dt>Message</dt><dd class=\"message\">")
                .append(status.message().isEmpty() ? "<span class=\"muted\">\u2013</span>"
                        : Html.text(status.message()))
                .append("</dd><dt>Git revision</dt><dd>").append(status.revision().map(DeploymentPages::revision)
                        .orElse("<span class=\"muted\">unknown</span>"))
                .append("</dd><dt>Endpoint</dt><dd>")
                .append(status.endpoint().map(endpoint -> "<code>" + Html.text(endpoint) + "</code>")
                        .orElse("<span class=\"muted\">unknown</span>"))
                .append("</dd><dt>Agent</dt><dd>").append(Html.text(status.agent())).append("</dd>")
                .append("<dt>Last update</dt><dd>").append(updated(status)).append("</dd></dl>\n");
        return html.toString();
    }

    private String eventsTable(List<DeploymentEvent> events) {
        if (events.isEmpty()) {
            return "<p class=\"muted\" id=\"no-events\">The agent has reported no event for this deployment yet."
                    + "</p>\n";
        }
        StringBuilder html = new StringBuilder();
        if (events.size() == EVENT_ROWS) {
            html.append("<p class=\"muted\">The latest ").append(EVENT_ROWS).append(" events, newest first.</p>\n");
        }
        html.append("<div class=\"table-scroll\"><table class=\"grid\" id=\"events\" ")
                .append("aria-labelledby=\"events-heading\"><thead><tr><th scope=\"col\">Time</th>")
                .append("<th scope=\"col\">Kind</th>")
                .append("<th scope=\"col\">Message</th><th scope=\"col\">Evidence</th>")
                .append("<th scope=\"col\">Git revision</th></tr></thead><tbody>\n");
        for (DeploymentEvent event : events) {
            JsonNode evidence = parse(event.evidenceJson());
            String verdict = evidence != null ? evidence.path("verdict").asText("") : "";
            html.append("<tr data-event=\"").append(event.id()).append("\" data-kind=\"")
                    .append(Html.attr(event.kind())).append('"')
                    .append(verdict.isEmpty() ? "" : " class=\"verdict-" + verdictKind(verdict) + "\"")
                    .append("><td class=\"nowrap\">").append(Html.time(event.time(), services.zone()))
                    .append("</td><td>").append(kindBadge(event.kind())).append("</td><td class=\"message\">")
                    .append(message(event.message())).append("</td><td class=\"evidence\">")
                    .append(evidence(evidence, event.evidenceJson())).append("</td><td>")
                    .append(event.revision().map(DeploymentPages::revision)
                            .orElse("<span class=\"muted\">\u2013</span>"))
                    .append("</td></tr>\n");
        }
        return html.append("</tbody></table></div>\n").toString();
    }

    // ---- evidence ------------------------------------------------------------------------------

    /**
     * An event's evidence as a key/value list: a canary check's verdict and measures first (each against its bound,
     * when the check had one), then every other field in the order the agent wrote it.
     */
    static String evidence(String json) {
        return evidence(parse(json), json);
    }

    private static String evidence(JsonNode node, String json) {
        if (node == null || !node.isObject()) {
            return "<span class=\"muted\">unreadable evidence</span><details><summary>As stored</summary><pre>"
                    + Html.text(json) + "</pre></details>";
        }
        if (node.isEmpty()) {
            return "<span class=\"muted\">\u2013</span>";
        }
        StringBuilder html = new StringBuilder("<dl class=\"evidence\">");
        boolean check = node.has("verdict");
        if (check) {
            html.append(checkEntries(node));
        }
        node.properties().forEach(field -> {
            if (!(check && CHECK_KEYS.contains(field.getKey()))) {
                entry(html, label(field.getKey()), value(field.getKey(), field.getValue()));
            }
        });
        return html.append("</dl>").toString();
    }

    private static String checkEntries(JsonNode node) {
        StringBuilder html = new StringBuilder();
        String verdict = node.path("verdict").asText("");
        entry(html, "Verdict", "<span class=\"badge " + verdictKind(verdict) + "\">" + Html.text(verdict) + "</span>");
        if (node.has("requests")) {
            entry(html, "Requests", value("requests", node.get("requests")));
        }
        if (node.has("errors")) {
            entry(html, "Errors", value("errors", node.get("errors")));
        }
        measure(html, "Error rate", "error_rate", node.get("error_rate"), node.get("max_error_rate"));
        measure(html, "p99 latency", "p99_ms", node.get("p99_ms"), node.get("max_p99_ms"));
        return html.toString();
    }

    /** A measure against its maximum: styled (and said) within or above it, when the check had a maximum. */
    private static void measure(StringBuilder html, String label, String key, JsonNode value, JsonNode max) {
        boolean bounded = max != null && max.isNumber();
        if (value == null || value.isNull()) {
            if (bounded) {
                entry(html, label, "<span class=\"muted\">not measured (max " + value(key, max) + ")</span>");
            }
            return;
        }
        if (!bounded) {
            entry(html, label, value(key, value));
            return;
        }
        // a text value is "+Inf": no request answered in time
        boolean within = value.isNumber() && value.asDouble() <= max.asDouble();
        entry(html, label, "<span class=\"measure " + (within ? "pass" : "fail") + "\">" + value(key, value)
                + "</span> <span class=\"muted\">" + (within ? "within" : "above") + " the max " + value(key, max)
                + "</span>");
    }

    private static void entry(StringBuilder html, String label, String valueHtml) {
        html.append("<dt>").append(Html.text(label)).append("</dt><dd>").append(valueHtml).append("</dd>");
    }

    private static String label(String key) {
        String label = LABELS.get(key);
        if (label != null) {
            return label;
        }
        String words = key.replace('_', ' ').trim();
        return words.isEmpty() ? key : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** A value of the evidence as readable HTML, formatted by what its key says it is. */
    private static String value(String key, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "<span class=\"muted\">\u2013</span>";
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? "yes" : "no";
        }
        if (value.isNumber()) {
            double number = value.asDouble();
            if (key.endsWith("error_rate")) {
                return Html.number(number * 100) + "%";
            }
            if (key.endsWith("_ms")) {
                return Html.number(number) + " ms";
            }
            if (key.equals("weight") || key.equals("steps")) {
                return Html.number(number) + "%";
            }
            return Html.number(number);
        }
        if (value.isTextual()) {
            String text = value.asText();
            if (key.equals("commit") || key.equals("revision")) {
                return revision(text);
            }
            if (text.startsWith("models:/")) {
                return modelLink(text);
            }
            if (key.endsWith("_ms")) {
                return Html.text(text) + " ms";
            }
            return Html.text(text);
        }
        if (value.isArray()) {
            if (value.isEmpty()) {
                return "<span class=\"muted\">none</span>";
            }
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(value(key, item)));
            return String.join(", ", items);
        }
        if (value.isEmpty()) {
            return "<span class=\"muted\">none</span>";
        }
        List<String> fields = new ArrayList<>();
        value.properties().forEach(field -> fields.add("<span class=\"muted\">" + Html.text(field.getKey())
                + "</span> " + value(field.getKey(), field.getValue())));
        return String.join(" \u00b7 ", fields);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }

    // ---- pieces --------------------------------------------------------------------------------

    /** The page of a deployment. */
    static String href(DeploymentStatus status) {
        return "/deployments/" + Html.path(status.env()) + "/" + Html.path(status.name());
    }

    /** {@code env/name} linking to the deployment's page. */
    static String link(DeploymentStatus status) {
        return "<a href=\"" + href(status) + "\">" + Html.text(status.env() + "/" + status.name()) + "</a>";
    }

    /** A model URI; one naming a model version links to the version's page. */
    static String modelLink(String uri) {
        return Lineage.ModelVersionRef.parse(uri).map(ref -> "<a href=\"/models/" + Html.path(ref.name())
                + "/versions/" + ref.version() + "\"><code>" + Html.text(uri) + "</code></a>")
                .orElse("<code>" + Html.text(uri) + "</code>");
    }

    private static String serving(DeploymentStatus status) {
        return status.liveModel().map(DeploymentPages::modelLink)
                .orElse("<span class=\"muted\">not reported</span>");
    }

    /** The model Git asks for, on a line of its own, when it is not what serves (or what serves is unknown). */
    private static String gitModel(DeploymentStatus status) {
        if (status.liveModel().filter(status.model()::equals).isPresent()) {
            return "";
        }
        return "<br><span class=\"muted\">Git:</span> " + modelLink(status.model()) + (status.liveModel().isPresent()
                ? " <span class=\"badge warn\">not live yet</span>" : "");
    }

    private static String canary(DeploymentStatus status) {
        if (status.canary().isEmpty()) {
            return "<span class=\"muted\">\u2013</span>";
        }
        return modelLink(status.canary().get()) + " <span class=\"badge canary\">" + status.canaryWeight() + "%"
                + status.canaryStep().map(step -> " \u00b7 step " + step).orElse("") + "</span>";
    }

    private String updated(DeploymentStatus status) {
        return Html.time(status.updatedTime(), services.zone()) + " <span class=\"muted\">(" + ago(age(status))
                + ")</span>" + stale(status);
    }

    private long age(DeploymentStatus status) {
        return Math.max(0, services.clock().millis() - status.updatedTime());
    }

    /** A warning when the status is older than {@link #STALE_AFTER}. */
    private String stale(DeploymentStatus status) {
        if (age(status) <= STALE_AFTER.toMillis()) {
            return "";
        }
        return " <span class=\"badge warn\" title=\"Agents report every deployment at least once a minute: is the "
                + "agent of " + Html.attr(status.env()) + " running?\">stale</span>";
    }

    private static String ago(long millis) {
        long seconds = millis / 1000;
        if (seconds < 60) {
            return seconds + " s ago";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min ago";
        }
        if (seconds < 2 * 86_400) {
            return seconds / 3600 + " h ago";
        }
        return seconds / 86_400 + " d ago";
    }

    private static String revision(String revision) {
        return "<code title=\"" + Html.attr(revision) + "\">"
                + Html.text(revision.length() > 12 ? revision.substring(0, 12) : revision) + "</code>";
    }

    /** A message: short ones as they are, long or multi-line ones folded under their first line. */
    private static String message(String message) {
        if (message.isEmpty()) {
            return "<span class=\"muted\">\u2013</span>";
        }
        if (message.length() <= 200 && message.lines().count() <= 1) {
            return Html.text(message);
        }
        String first = message.lines().findFirst().orElse("");
        return "<details><summary>" + Html.text(first.length() > 100 ? first.substring(0, 100) + "\u2026" : first)
                + "</summary><pre>" + Html.text(message) + "</pre></details>";
    }

    static String syncBadge(SyncStatus sync) {
        String kind = switch (sync) {
            case SYNCED -> "ok";
            case OUT_OF_SYNC -> "warn";
            case UNKNOWN -> "";
        };
        return "<span class=\"badge " + kind + "\" title=\"Sync: whether what serves matches Git\">"
                + Html.text(sync.wireName()) + "</span>";
    }

    static String healthBadge(HealthStatus health) {
        String kind = switch (health) {
            case HEALTHY -> "ok";
            case PROGRESSING -> "progress";
            case DEGRADED, MISSING -> "bad";
            case SUSPENDED, UNKNOWN -> "";
        };
        return "<span class=\"badge " + kind + "\" title=\"Health of the model server\">"
                + Html.text(health.wireName()) + "</span>";
    }

    private static String kindBadge(String kind) {
        String style = switch (kind) {
            case "ready", "synced", "healed", "canary_promoted" -> "ok";
            case "degraded", "out_of_sync", "canary_rolled_back", "canary_reverted" -> "bad";
            case "restarted", "stopped", "pruned" -> "warn";
            case "canary_started", "canary_step", "canary_check" -> "canary";
            default -> "";
        };
        return "<span class=\"badge " + style + "\">" + Html.text(kind.replace('_', ' ')) + "</span>";
    }

    private static String verdictKind(String verdict) {
        return switch (verdict.toLowerCase(Locale.ROOT)) {
            case "pass" -> "ok";
            case "fail" -> "bad";
            default -> "warn";
        };
    }

    /** How the deployment serves a model version, as a badge: stable, canary at N%, ... */
    static String roleBadge(Lineage.Placement placement) {
        DeploymentStatus status = placement.status();
        return switch (placement.role()) {
            case STABLE -> "<span class=\"badge\">stable</span>";
            case PENDING -> "<span class=\"badge warn\" title=\"Git asks for this version; "
                    + Html.attr(status.liveModel().orElse("another model")) + " still serves\">stable, not live yet"
                    + "</span>";
            case CANARY -> "<span class=\"badge canary\">canary at " + status.canaryWeight() + "%"
                    + status.canaryStep().map(step -> ", step " + step).orElse("") + "</span>";
            case LIVE -> "<span class=\"badge warn\" title=\"Git asks for " + Html.attr(status.model())
                    + "\">still live, leaving</span>";
        };
    }

    /**
     * The deployments that serve a model version, one per line: {@code env/name} linking to its page, the role,
     * sync and health; {@code noneHtml} when there is none.
     */
    static String placements(List<Lineage.Placement> placements, String noneHtml) {
        if (placements.isEmpty()) {
            return noneHtml;
        }
        List<String> lines = new ArrayList<>();
        for (Lineage.Placement placement : placements) {
            lines.add("<span class=\"placement\" data-deployment=\"" + Html.attr(placement.status().env() + "/"
                    + placement.status().name()) + "\">" + link(placement.status()) + " " + roleBadge(placement) + " "
                    + syncBadge(placement.status().sync()) + " " + healthBadge(placement.status().health())
                    + "</span>");
        }
        return String.join("<br>", lines);
    }
}
