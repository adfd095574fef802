package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.client.MonitorClient;
import dev.slipway.client.MonitorView;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.StoredMonitor;
import dev.slipway.monitoring.AlertRule;
import dev.slipway.monitoring.MonitorDefinition;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code slipway monitor create|apply|list|show|run|delete|actions}: the monitors the tracking server runs on their
 * schedules, their results and the actions their alerts took.
 */
final class MonitorAdminCommands {
    private MonitorAdminCommands() {}

    /** A command about monitors, with tables for people and {@code --json} for scripts. */
    abstract static class ServerSubcommand extends MonitorCommand.ServerBound {
        @Option(names = "--json", description = "Print JSON for scripts instead of tables.")
        boolean json;

        ServerSubcommand(Environment environment) {
            super(environment);
        }

        HumanFormat format() {
            return new HumanFormat(environment.zone());
        }

        void printJson(PrintWriter out, JsonNode node) throws IOException {
            out.println(TrackingCommand.json().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        }
    }

    @Command(name = "create", sortOptions = false, description = {"Create a monitor the tracking server evaluates on "
            + "its schedule: drift of the model's live inputs and predictions against its reference, data quality and "
            + "live quality, with alert rules that call a webhook and/or retrain through slipway ci.",
            "Alerts: --alert dataset_drift, --alert feature_drift[:F1,F2], --alert 'accuracy<0.8' or --alert "
                    + "'rmse>3'; each takes the actions --webhook and --retrain. For anything more, write the "
                    + "monitor in YAML and use 'slipway monitor apply'."})
    static final class Create extends ServerSubcommand {
        private static final Pattern QUALITY = Pattern.compile("([a-z0-9_]+)\\s*([<>])\\s*(-?[0-9.eE+-]+)");

        @Parameters(index = "0", paramLabel = "NAME", description = "The monitor's name: letters, digits, '.', '_', '-'.")
        String name;

        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL_URI",
                description = "The model: models:/NAME@ALIAS (follows the alias) or models:/NAME/VERSION.")
        String model;

        static final class Window {
            @Option(names = "--window", paramLabel = "DURATION",
                    description = "Each evaluation reads the predictions of this last period (default: 1h).")
            Optional<String> duration = Optional.empty();

            @Option(names = "--rows", paramLabel = "N", description = "Each evaluation reads the latest N predictions.")
            Optional<Long> rows = Optional.empty();
        }

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Window window = new Window();

        @Option(names = "--schedule", paramLabel = "DURATION",
                description = "How often the server evaluates it (default: the window, or 1h).")
        Optional<String> schedule = Optional.empty();

        @Option(names = "--drift-share", paramLabel = "SHARE",
                description = "The dataset drifts when this share of the features drifted (default: 0.5).")
        Optional<Double> driftShare = Optional.empty();

        @Option(names = "--method", paramLabel = "[COLUMN=]METHOD",
                description = "The drift test of one column, or of every column; repeatable.")
        List<String> methods = List.of();

        @Option(names = "--threshold", paramLabel = "[COLUMN=]VALUE",
                description = "The drift threshold of one column, or of every column; repeatable.")
        List<String> thresholds = List.of();

        @Option(names = "--positive-label", paramLabel = "LABEL",
                description = "The positive class for live precision, recall, F1 and ROC AUC.")
        Optional<String> positiveLabel = Optional.empty();

        @Option(names = "--alert", paramLabel = "CONDITION", description = "When to act: dataset_drift, "
                + "feature_drift[:F1,F2], or METRIC<BOUND / METRIC>BOUND on live quality; repeatable (default with an "
                + "action: dataset_drift).")
        List<String> alerts = List.of();

        @Option(names = "--webhook", paramLabel = "URL", description = "POST a JSON alert here when a rule fires.")
        Optional<String> webhook = Optional.empty();

        @Option(names = "--retrain", paramLabel = "PROJECT", description = "Run 'slipway ci --promote' in this "
                + "pipeline project (a folder on the server's machine) when a rule fires.")
        Optional<String> retrain = Optional.empty();

        @Option(names = "--repeat", paramLabel = "DURATION",
                description = "While a rule keeps holding, act again after this long (default: 24h).")
        Optional<String> repeat = Optional.empty();

        @Option(names = "--replace", description = "Replace the monitor of that name if there is one.")
        boolean replace;

        Create(Environment environment) {
            super(environment);
        }

        /** The definition the options describe, checked as the server checks it. */
        ObjectNode definition() {
            ObjectNode definition = TrackingCommand.json().createObjectNode();
            definition.put("name", name);
            definition.put("model", model);
            Window chosen = window == null ? new Window() : window;
            chosen.duration.ifPresent(value -> definition.put("window", value));
            chosen.rows.ifPresent(value -> definition.put("rows", value));
            schedule.ifPresent(value -> definition.put("schedule", value));
            driftShare.ifPresent(value -> definition.put("drift_share", value));
            for (String entry : methods) {
                int equals = entry.indexOf('=');
                if (equals < 0) {
                    definition.put("method", entry.trim());
                } else {
                    definition.with("methods").put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
                }
            }
            for (String entry : thresholds) {
                int equals = entry.indexOf('=');
                String value = entry.substring(equals + 1).trim();
                double number;
                try {
                    number = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw usageError("--threshold: '%s' is not a number", value);
                }
                if (equals < 0) {
                    definition.put("threshold", number);
                } else {
                    definition.with("thresholds").put(entry.substring(0, equals).trim(), number);
                }
            }
            positiveLabel.ifPresent(value -> definition.put("positive_label", value));
            if ((webhook.isPresent() || retrain.isPresent()) || !alerts.isEmpty()) {
                if (webhook.isEmpty() && retrain.isEmpty()) {
                    throw usageError("--alert needs an action: --webhook URL and/or --retrain PROJECT");
                }
                ArrayNode rules = definition.putArray("alerts");
                for (String condition : alerts.isEmpty() ? List.of("dataset_drift") : alerts) {
                    ObjectNode rule = rules.addObject();
                    condition(condition.trim(), rule);
                    webhook.ifPresent(url -> rule.put("webhook", url));
                    retrain.ifPresent(project -> rule.putObject("retrain").put("project",
                            environment.resolve(project).toString()));
                    repeat.ifPresent(value -> rule.put("repeat", value));
                }
            }
            try {
                return MonitorDefinition.fromJson(definition).toJson();
            } catch (SlipwayException e) {
                throw usageError("%s", e.getMessage());
            }
        }

        private void condition(String condition, ObjectNode rule) {
            String lower = condition.toLowerCase(Locale.ROOT);
            if (lower.equals("dataset_drift")) {
                rule.put("when", "dataset_drift");
                return;
            }
            if (lower.equals("feature_drift") || lower.startsWith("feature_drift:")) {
                rule.put("when", "feature_drift");
                if (lower.contains(":")) {
                    ArrayNode features = rule.putArray("features");
                    for (String feature : condition.substring(condition.indexOf(':') + 1).split(",")) {
                        if (!feature.isBlank()) {
                            features.add(feature.trim());
                        }
                    }
                }
                return;
            }
            Matcher matcher = QUALITY.matcher(lower);
            if (!matcher.matches()) {
                throw usageError("--alert: '%s' is not dataset_drift, feature_drift[:F1,F2], METRIC<BOUND or "
                        + "METRIC>BOUND (metrics: %s)", condition, String.join(", ", AlertRule.QUALITY_METRICS));
            }
            rule.put("when", matcher.group(2).equals("<") ? "quality_below" : "quality_above");
            rule.put("metric", matcher.group(1));
            try {
                rule.put("bound", Double.parseDouble(matcher.group(3)));
            } catch (NumberFormatException e) {
                throw usageError("--alert: '%s' is not a number in '%s'", matcher.group(3), condition);
            }
        }

        @Override
        void validate() {
            definition();
        }

        @Override
        int run(TrackingClient client, PrintWriter out) throws IOException {
            StoredMonitor stored = client.monitors().create(definition(), replace);
            if (json) {
                printJson(out, TrackingCommand.json().readTree(stored.definitionJson()));
            } else {
                MonitorDefinition definition = MonitorDefinition.fromJson(TrackingCommand.json()
                        .readTree(stored.definitionJson()));
                out.printf("Monitor %s %s: %s, %s, evaluated every %s by the server at %s.%n", stored.name(),
                        stored.creationTime() == stored.lastUpdateTime() ? "created" : "replaced", definition.model(),
                        definition.describeWindow(), Durations.describe(definition.schedule()),
                        client.trackingUri());
                out.printf("Run it now with: slipway monitor run %s%n", stored.name());
            }
            return 0;
        }
    }

    @Command(name = "apply", description = {"Create or replace the monitors defined in a YAML (or JSON) file: a "
            + "list under 'monitors:', a list, or one monitor.",
            "Each monitor has name, model, window or rows, schedule, drift_share, method(s), threshold(s), "
                    + "positive_label and alerts (when, features, metric, bound, webhook, retrain, repeat)."})
    static final class Apply extends ServerSubcommand {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The monitors file.")
        Path file;

        Apply(Environment environment) {
            super(environment);
        }

        /** The monitors of the file, each checked, with relative retrain projects taken from the file's folder. */
        List<ObjectNode> definitions() {
            Path path = environment.resolve(file.toString());
            JsonNode root;
            try {
                root = new YAMLMapper().readTree(Files.readString(path));
            } catch (NoSuchFileException e) {
                throw usageError("No monitors file '%s'", path);
            } catch (IOException e) {
                throw usageError("Cannot read the monitors file '%s': %s", path, e.getMessage().lines().findFirst()
                        .orElse(""));
            }
            JsonNode list = root != null && root.isObject() && root.has("monitors") ? root.get("monitors") : root;
            List<JsonNode> nodes = new ArrayList<>();
            if (list != null && list.isArray()) {
                list.forEach(nodes::add);
            } else if (list != null && list.isObject()) {
                nodes.add(list);
            }
            if (nodes.isEmpty()) {
                throw usageError("'%s' defines no monitor: expected 'monitors:' with a list of monitors", path);
            }
            List<ObjectNode> definitions = new ArrayList<>();
            java.util.Set<String> names = new java.util.HashSet<>();
            for (int index = 0; index < nodes.size(); index++) {
                JsonNode node = nodes.get(index);
                try {
                    MonitorDefinition definition = MonitorDefinition.fromJson(node);
                    if (!names.add(definition.name())) {
                        throw usageError("%s: monitor '%s' is defined twice", path, definition.name());
                    }
                    ObjectNode normalised = definition.toJson();
                    for (JsonNode rule : normalised.path("alerts")) {
                        if (rule.has("retrain")) {
                            ObjectNode retrain = (ObjectNode) rule.get("retrain");
                            retrain.put("project", path.toAbsolutePath().getParent()
                                    .resolve(retrain.get("project").asText()).normalize().toString());
                        }
                    }
                    definitions.add(normalised);
                } catch (SlipwayException e) {
                    throw usageError("%s: monitors[%d]: %s", path, index, e.getMessage());
                }
            }
            return definitions;
        }

        @Override
        void validate() {
            definitions();
        }

        @Override
        int run(TrackingClient client, PrintWriter out) throws IOException {
            ArrayNode applied = TrackingCommand.json().createArrayNode();
            TextTable table = new TextTable("MONITOR", "MODEL", "WINDOW", "SCHEDULE", "ALERTS");
            for (ObjectNode definition : definitions()) {
                StoredMonitor stored = client.monitors().create(definition, true);
                MonitorDefinition parsed = MonitorDefinition.fromJson(TrackingCommand.json()
                        .readTree(stored.definitionJson()));
                applied.add(TrackingCommand.json().readTree(stored.definitionJson()));
                table.add(parsed.name(), parsed.model(), parsed.describeWindow(),
                        Durations.describe(parsed.schedule()),
                        Integer.toString(parsed.alerts().size()));
            }
            if (json) {
                printJson(out, applied);
            } else {
                out.printf("Applied %d monitor(s) to %s%n", applied.size(), client.trackingUri());
                table.print(out);
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the monitors with their latest result.")
    static final class ListMonitors extends ServerSubcommand {
        ListMonitors(Environment environment) {
            super(environment);
        }

        @Override
        int run(TrackingClient client, PrintWriter out) throws IOException {
            List<MonitorView> monitors = client.monitors().list();
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                for (MonitorView view : monitors) {
                    ObjectNode node = array.addObject();
                    node.put("name", view.monitor().name());
                    node.set("definition", TrackingCommand.json().readTree(view.monitor().definitionJson()));
                    view.latestResult().ifPresent(result -> node.set("latest_result", resultJson(result)));
                }
                printJson(out, array);
                return 0;
            }
            if (monitors.isEmpty()) {
                out.println("No monitors. Create one with: slipway monitor create NAME -m models:/NAME@champion");
                return 0;
            }
            TextTable table = new TextTable("MONITOR", "MODEL", "WINDOW", "SCHEDULE", "LAST RUN", "STATUS", "ROWS",
                    "DRIFT SHARE");
            for (MonitorView view : monitors) {
                MonitorDefinition definition = MonitorDefinition.fromJson(TrackingCommand.json()
                        .readTree(view.monitor().definitionJson()));
                Optional<MonitorResult> latest = view.latestResult();
                table.add(definition.name(), definition.model(), definition.describeWindow(),
                        Durations.describe(definition.schedule()),
                        latest.map(result -> format().time(result.time())).orElse("never"),
                        latest.map(result -> result.status().wireName()).orElse("-"),
                        latest.map(result -> Long.toString(result.rows())).orElse("-"),
                        latest.flatMap(MonitorResult::driftShare).map(MonitorAdminCommands::share).orElse("-"));
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "show", description = "Show a monitor's definition and its latest results.")
    static final class Show extends ServerSubcommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = {"-n", "--results"}, paramLabel = "N", defaultValue = "10",
                description = "How many of the latest results (default: ${DEFAULT-VALUE}).")
        int results;

        Show(Environment environment) {
            super(environment);
        }

        @Override
        void validate() {
            if (results < 1 || results > 1000) {
                throw usageError("--results must be between 1 and 1000, got %d", results);
            }
        }

        @Override
        int run(TrackingClient client, PrintWriter out) throws IOException {
            MonitorView view = client.monitors().get(name);
            List<MonitorResult> latest = client.monitors().results(name, results);
            if (json) {
                ObjectNode node = TrackingCommand.json().createObjectNode();
                node.put("name", name);
                node.set("definition", TrackingCommand.json().readTree(view.monitor().definitionJson()));
                ArrayNode array = node.putArray("results");
                latest.forEach(result -> array.add(resultJson(result)));
                printJson(out, node);
                return 0;
            }
            out.printf("Monitor %s%n", name);
            YAMLMapper yaml = YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();
            out.println(yaml.writeValueAsString(TrackingCommand.json().readTree(view.monitor().definitionJson()))
                    .stripTrailing().indent(2).stripTrailing());
            out.println();
            if (latest.isEmpty()) {
                out.printf("No results yet. Run it now with: slipway monitor run %s%n", name);
                return 0;
            }
            TextTable table = new TextTable("TIME", "STATUS", "ROWS", "DATASET DRIFT", "DRIFT SHARE", "ALERTS");
            for (MonitorResult result : latest) {
                table.add(format().time(result.time()), result.status().wireName(), Long.toString(result.rows()),
                        result.datasetDrift().map(drift -> drift ? "yes" : "no").orElse("-"),
                        result.driftShare().map(MonitorAdminCommands::share).orElse("-"), alerts(result));
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "run", description = {"Evaluate a monitor now, from this machine, and record the result and "
            + "its actions in the tracking server as a scheduled run would.",
            "Exits 0 whatever it finds (with --fail-on-alert: 1 when a rule holds or the evaluation failed)."})
    static final class Run extends ServerSubcommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--fail-on-alert", description = "Exit 1 when an alert rule holds or the evaluation failed.")
        boolean failOnAlert;

        Run(Environment environment) {
            super(environment);
        }

        @Override
        int run(TrackingClient client, PrintWriter out) throws IOException {
            MonitorView view = client.monitors().get(name);
            MonitorDefinition definition = MonitorDefinition.fromJson(TrackingCommand.json()
                    .readTree(view.monitor().definitionJson()));
            AlertActions actions = new AlertActions(client, HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10)).build(), environment.clock(),
                    environment.workingDirectory(), environment.variables(), Duration.ofHours(1));
            MonitorEvaluator.Evaluation evaluation = new MonitorEvaluator(client, environment.clock(), actions)
                    .evaluate(definition);
            MonitorResult result = evaluation.result();
            if (json) {
                ObjectNode node = resultJson(result);
                ArrayNode taken = node.putArray("actions");
                evaluation.actions().forEach(action -> taken.add(actionJson(action)));
                printJson(out, node);
            } else {
                JsonNode report = TrackingCommand.json().readTree(result.reportJson());
                out.printf("Monitor %s on %s: %s%n", name, definition.model(), summary(result, report));
                for (MonitorEvaluator.Firing firing : evaluation.firings()) {
                    out.printf("  %s %s: %s%n", firing.fired() ? "FIRED" : "holds (already acted, repeats after "
                            + Durations.describe(firing.rule().repeat()) + ")",
                            firing.rule().describe(), firing.cause());
                }
                for (MonitorAction action : evaluation.actions()) {
                    out.printf("  %s %s -> %s: %s%n", action.kind(), action.target(),
                            action.succeeded() ? "ok" : "FAILED", action.detail().lines().findFirst().orElse(""));
                }
            }
            boolean alarming = !evaluation.firings().isEmpty()
                    || result.status() == dev.slipway.core.monitors.MonitorStatus.ERROR;
            return failOnAlert && alarming ? Main.EXIT_FAILURE : 0;
        }

        private static String summary(MonitorResult result, JsonNode report) {
            return switch (result.status()) {
                case ERROR -> "error: " + report.path("error").asText();
                case NOT_ENOUGH_DATA -> "not enough data: " + report.path("not_enough_data").asText();
                case OK, ALERT -> String.format(Locale.ROOT, "%s, %d rows of %s, %s of the features drifted%s",
                        result.status().wireName(), result.rows(), report.path("window").asText(),
                        result.driftShare().map(MonitorAdminCommands::share).orElse("-"),
                        result.datasetDrift().orElse(false) ? " (dataset drift)" : "");
            };
        }
    }

    @Command(name = "delete", description = "Delete a monitor with its results and actions.")
    static final class Delete extends ServerSubcommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        Delete(Environment environment) {
            super(environment);
        }

        @Override
        int run(TrackingClient client, PrintWriter out) {
            client.monitors().delete(name);
            out.printf("Deleted monitor %s%n", name);
            return 0;
        }
    }

    @Command(name = "actions", description = "List the actions alert rules took (webhooks called, retraining), "
            + "newest first, with their causes.")
    static final class Actions extends ServerSubcommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Only this monitor's actions.")
        Optional<String> name = Optional.empty();

        @Option(names = {"-n", "--max"}, paramLabel = "N", defaultValue = "20",
                description = "How many (default: ${DEFAULT-VALUE}).")
        int max;

        Actions(Environment environment) {
            super(environment);
        }

        @Override
        void validate() {
            if (max < 1 || max > 1000) {
                throw usageError("--max must be between 1 and 1000, got %d", max);
            }
        }

        @Override
        int run(TrackingClient client, PrintWriter out) throws IOException {
            List<MonitorAction> actions = client.monitors().actions(name, max);
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                actions.forEach(action -> array.add(actionJson(action)));
                printJson(out, array);
                return 0;
            }
            if (actions.isEmpty()) {
                out.println("No actions yet.");
                return 0;
            }
            TextTable table = new TextTable("TIME", "MONITOR", "RULE", "CAUSE", "ACTION", "TARGET", "OK", "DETAIL");
            for (MonitorAction action : actions) {
                table.add(format().time(action.time()), action.monitorName(), action.rule(), action.cause(),
                        action.kind(), action.target(), action.succeeded() ? "yes" : "no",
                        action.detail().lines().findFirst().orElse(""));
            }
            table.print(out);
            return 0;
        }
    }

    /** The result as the monitors API sends it (the server keeps only reports that are JSON objects). */
    static ObjectNode resultJson(MonitorResult result) {
        return MonitorClient.toJson(result);
    }

    static ObjectNode actionJson(MonitorAction action) {
        return MonitorClient.toJson(action);
    }

    private static String share(double value) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * value);
    }

    /** The rules that held, from the result's report: {@code dataset_drift (fired)}. */
    private static String alerts(MonitorResult result) {
        try {
            List<String> held = new ArrayList<>();
            for (JsonNode alert : TrackingCommand.json().readTree(result.reportJson()).path("alerts")) {
                if (alert.path("holds").asBoolean(false)) {
                    held.add(alert.path("rule").asText() + (alert.path("fired").asBoolean(false) ? " (fired)" : ""));
                }
            }
            return held.isEmpty() ? "-" : String.join("; ", held);
        } catch (IOException e) {
            return "-";
        }
    }
}
