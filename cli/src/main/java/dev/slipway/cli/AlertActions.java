package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.monitoring.AlertRule;
import dev.slipway.monitoring.MonitorDefinition;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actions of an alert rule that fired, each recorded in the tracking server with its cause:
 *
 * <ul>
 *   <li>webhook: a POST of a JSON body (monitor, model, rule, cause, status, result id and time, dataset drift,
 *       drift share, the drifted features, the window) to the rule's URL; it succeeded when the answer is 2xx
 *       within {@value #WEBHOOK_TIMEOUT_SECONDS} s.
 *   <li>retrain: {@code slipway ci} run in the rule's pipeline project (relative folders are taken from
 *       {@code workingDirectory}) against this tracking server, by default with {@code --model NAME [--alias ALIAS]
 *       --promote}, so the pipeline reruns, the new model is gated against the champion and promoted when better.
 *       Its output goes to {@code .slipway/monitor-actions/} in the project; the action records the gate's verdict.
 *       It succeeded when ci reached a verdict (passed or failed the gate), not when the pipeline or ci broke.
 * </ul>
 *
 * Thread-safe.
 */
final class AlertActions {
    static final int WEBHOOK_TIMEOUT_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(AlertActions.class);
    private static final int DETAIL_LINES = 20;

    private final TrackingClient client;
    private final HttpClient http;
    private final Clock clock;
    private final Path workingDirectory;
    private final Map<String, String> variables;
    private final Duration retrainTimeout;

    AlertActions(TrackingClient client, HttpClient http, Clock clock, Path workingDirectory,
            Map<String, String> variables, Duration retrainTimeout) {
        this.client = requireNonNull(client, "client is null");
        this.http = requireNonNull(http, "http is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.workingDirectory = requireNonNull(workingDirectory, "workingDirectory is null");
        this.variables = Map.copyOf(requireNonNull(variables, "variables is null"));
        this.retrainTimeout = requireNonNull(retrainTimeout, "retrainTimeout is null");
    }

    /** Takes the rule's actions, webhook first, and returns them as recorded. */
    List<MonitorAction> take(MonitorDefinition definition, MonitorResult result, AlertRule rule, String cause) {
        List<MonitorAction> taken = new ArrayList<>();
        if (rule.webhook().isPresent()) {
            URI url = rule.webhook().get();
            Outcome outcome = callWebhook(url, body(definition, result, rule, cause));
            taken.add(record(definition, result, rule, cause, "webhook", url.toString(), outcome));
        }
        if (rule.retrain().isPresent()) {
            AlertRule.Retrain retrain = rule.retrain().get();
            Path project = workingDirectory.resolve(retrain.project()).normalize();
            Outcome outcome = retrain(definition, project, retrain.arguments());
            taken.add(record(definition, result, rule, cause, "retrain", project.toString(), outcome));
        }
        return taken;
    }

    private record Outcome(boolean succeeded, String detail) {}

    private MonitorAction record(MonitorDefinition definition, MonitorResult result, AlertRule rule, String cause,
            String kind, String target, Outcome outcome) {
        LOG.info("Monitor {}: {} -> {} {}: {}", definition.name(), rule.describe(), kind, target,
                outcome.detail().lines().findFirst().orElse(""));
        return client.monitors().addAction(new MonitorAction(0, definition.name(), result.id(), clock.millis(),
                rule.describe(), cause, kind, target, outcome.succeeded(), outcome.detail()));
    }

    /** The webhook's JSON body. */
    static ObjectNode body(MonitorDefinition definition, MonitorResult result, AlertRule rule, String cause) {
        ObjectNode body = TrackingCommand.json().createObjectNode();
        body.put("monitor", definition.name());
        body.put("model", definition.model());
        body.put("rule", rule.describe());
        body.put("cause", cause);
        body.put("status", result.status().wireName());
        body.put("result_id", result.id());
        body.put("time", result.time());
        body.put("rows", result.rows());
        result.datasetDrift().ifPresentOrElse(drift -> body.put("dataset_drift", drift),
                () -> body.putNull("dataset_drift"));
        result.driftShare().ifPresentOrElse(share -> body.put("drift_share", share), () -> body.putNull("drift_share"));
        try {
            JsonNode report = TrackingCommand.json().readTree(result.reportJson());
            for (String field : List.of("model_name", "model_version", "window", "window_start", "window_end")) {
                if (report.has(field)) {
                    body.set(field, report.get(field));
                }
            }
            var drifted = body.putArray("drifted_features");
            report.path("features").forEach(feature -> {
                if (feature.path("drifted").asBoolean(false)) {
                    drifted.add(feature.path("name").asText());
                }
            });
            if (report.has("model_quality")) {
                body.set("model_quality", report.get("model_quality"));
            }
        } catch (IOException e) {
            // the report was written by this program; a body without its details is still a useful alert
        }
        return body;
    }

    private Outcome callWebhook(URI url, ObjectNode body) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(WEBHOOK_TIMEOUT_SECONDS))
                .header("Content-Type", "application/json").header("User-Agent", "slipway-monitor")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), UTF_8)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
            boolean ok = response.statusCode() / 100 == 2;
            String answer = response.body() == null ? "" : response.body().strip();
            if (answer.length() > 500) {
                answer = answer.substring(0, 500) + "...";
            }
            return new Outcome(ok, "HTTP " + response.statusCode() + (answer.isEmpty() ? "" : ": " + answer));
        } catch (IOException e) {
            return new Outcome(false, "request failed: " + Main.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    private Outcome retrain(MonitorDefinition definition, Path project, List<String> userArguments) {
        if (!Files.isRegularFile(project.resolve("dvc.yaml"))) {
            return new Outcome(false, "no pipeline to retrain: " + project + " has no dvc.yaml");
        }
        Path folder = project.resolve(".slipway").resolve("monitor-actions");
        String stamp = definition.name() + "-" + clock.millis();
        Path log = folder.resolve(stamp + ".log");
        Path report = folder.resolve(stamp + ".md");
        List<String> command = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            command.add(PipelineRun.writeLauncher(project.resolve(PipelineRun.LAUNCHER_FOLDER)).resolve("slipway")
                    .toString());
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, "cannot prepare the retraining in " + project + ": " + Main.describe(e));
        }
        command.add("ci");
        if (userArguments.isEmpty()) {
            command.add("--model");
            command.add(definition.modelName());
            definition.modelAlias().ifPresent(alias -> {
                command.add("--alias");
                command.add(alias);
            });
            command.add("--promote");
        } else {
            command.addAll(userArguments);
        }
        if (userArguments.stream().noneMatch(argument -> argument.equals("--report")
                || argument.startsWith("--report="))) {
            command.add("--report");
            command.add(report.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(variables);
        builder.environment().put(TrackingOptions.MLFLOW_TRACKING_URI, client.trackingUri().toString());
        try {
            Process process = builder.start();
            if (!process.waitFor(retrainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Outcome(false, "slipway ci did not finish within " + retrainTimeout.toMinutes()
                        + " min and was stopped (log: " + log + ")");
            }
            int exit = process.exitValue();
            String tail = tail(log);
            Optional<String> verdict = verdict(report);
            if (verdict.isPresent()) {
                return new Outcome(true, verdict.get() + " (exit " + exit + "; log: " + log + ")\n" + tail);
            }
            return new Outcome(false, "slipway ci failed with exit " + exit + " (log: " + log + ")\n" + tail);
        } catch (IOException e) {
            return new Outcome(false, "cannot run slipway ci in " + project + ": " + Main.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    /** The first heading of ci's report: {@code Slipway CI: `churn` PASS ...}, when ci got that far. */
    private static Optional<String> verdict(Path report) {
        try {
            if (!Files.isRegularFile(report)) {
                return Optional.empty();
            }
            String text = Files.readString(report, UTF_8);
            if (text.contains("**The pipeline failed")) {
                return Optional.empty();
            }
            List<String> lines = text.lines().map(String::strip).toList();
            Optional<String> heading = lines.stream().filter(line -> line.startsWith("## ")).findFirst()
                    .map(line -> line.substring(3).replace("`", "").strip());
            if (heading.isEmpty()) {
                return Optional.empty();
            }
            StringBuilder verdict = new StringBuilder(heading.get());
            lines.stream().filter(line -> line.startsWith("**") && line.endsWith("**")).findFirst()
                    .ifPresent(line -> verdict.append(": ").append(line, 2, line.length() - 2));
            lines.stream().filter(line -> line.startsWith("| Alias |")).findFirst().ifPresent(line -> verdict
                    .append("; alias: ").append(line.substring("| Alias |".length()).replace("|", "")
                            .replace("`", "").strip()));
            return Optional.of(verdict.toString().replace("\\", ""));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - DETAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
