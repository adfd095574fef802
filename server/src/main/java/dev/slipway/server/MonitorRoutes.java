package dev.slipway.server;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorService;
import dev.slipway.core.monitors.MonitorService.NewAction;
import dev.slipway.core.monitors.MonitorService.NewResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.monitors.StoredMonitor;
import dev.slipway.monitoring.MonitorDefinition;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Slipway's production monitor endpoints (not part of MLflow), under {@code /api/2.0/slipway/monitors/} and
 * {@code /ajax-api/2.0/slipway/monitors/}:
 *
 * <ul>
 *   <li>{@code POST create {"monitor": DEFINITION, "replace": false}} answers {@code {"monitor": M}}; the definition
 *       is checked and completed by {@link MonitorDefinition#fromJson} and stored as {@link MonitorDefinition#toJson}
 *       writes it. An existing monitor is RESOURCE_ALREADY_EXISTS unless {@code replace} is true.
 *   <li>{@code GET get?name=} answers {@code {"monitor": M, "latest_result": R}}, without {@code latest_result} before
 *       the first evaluation.
 *   <li>{@code GET list} answers {@code {"monitors": [M...]}} by name, each with its {@code latest_result} when any.
 *   <li>{@code POST delete {"name"}} answers {@code {}}, deleting the results, actions and lease too.
 *   <li>{@code POST results/create {"result": R without id}} answers {@code {"result": R}}; {@code time} defaults to
 *       now.
 *   <li>{@code GET results/list?name=&max_results=} answers {@code {"results": [R...]}}, newest first.
 *   <li>{@code POST actions/create {"action": A without id}} answers {@code {"action": A}}; {@code time} defaults to
 *       now.
 *   <li>{@code GET actions/list?name=&max_results=} answers {@code {"actions": [A...]}}, newest first, of one
 *       monitor or, without {@code name}, of all.
 * </ul>
 *
 * <p>{@code M = {"name", "definition": {...}, "creation_time", "last_update_time"}};
 * {@code R = {"id", "monitor_name", "time", "window_start", "window_end", "rows", "status", "dataset_drift",
 * "drift_share", "report": {...}}} with the status's lower-case name ({@code ok}, {@code alert},
 * {@code not_enough_data}, {@code error}) and without {@code dataset_drift} and {@code drift_share} when drift could
 * not be computed; {@code A = {"id", "monitor_name", "result_id", "time", "rule", "cause", "kind", "target",
 * "succeeded", "detail"}}. Times are epoch ms, ids JSON numbers. An unknown monitor is RESOURCE_DOES_NOT_EXIST
 * (404), bad input INVALID_PARAMETER_VALUE (400), and a server whose backend keeps no monitors answers every route
 * with NOT_IMPLEMENTED (501).
 */
final class MonitorRoutes {
    static final List<String> PREFIXES = List.of("/api/2.0/slipway/monitors/", "/ajax-api/2.0/slipway/monitors/");
    private static final String STATUS_NAMES = Arrays.stream(MonitorStatus.values()).map(MonitorStatus::wireName)
            .collect(Collectors.joining(", "));

    private final Optional<MonitorService> monitors;
    private final RequestReader reader;
    private final RequestMetrics metrics;

    /**
     * @param monitors the monitors, when the backend keeps them
     * @param metrics where {@link #register} adds the monitors' series to the {@code /metrics} scrape
     */
    MonitorRoutes(Optional<MonitorService> monitors, RequestReader reader, RequestMetrics metrics) {
        this.monitors = requireNonNull(monitors, "monitors is null");
        this.reader = requireNonNull(reader, "reader is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    void register(RoutesConfig routes) {
        add(routes, POST, "create", this::create);
        add(routes, GET, "get", this::get);
        add(routes, GET, "list", this::list);
        add(routes, POST, "delete", this::delete);
        add(routes, POST, "results/create", this::createResult);
        add(routes, GET, "results/list", this::listResults);
        add(routes, POST, "actions/create", this::createAction);
        add(routes, GET, "actions/list", this::listActions);
        monitors.ifPresent(service -> metrics.addCollector(new MonitorMetrics(service)));
    }

    private static void add(RoutesConfig routes, HandlerType method, String path, Handler handler) {
        for (String prefix : PREFIXES) {
            routes.addHttpHandler(method, prefix + path, handler);
        }
    }

    private MonitorService monitors() {
        return monitors.orElseThrow(() -> new SlipwayException(ErrorCode.NOT_IMPLEMENTED,
                "The backend store of this server keeps no monitors"));
    }

    private void create(Context ctx) {
        MonitorService service = monitors();
        ApiRequest request = reader.read(ctx);
        JsonNode given = request.json("monitor").orElseThrow(() -> request.missingValue("monitor"));
        if (!given.isObject()) {
            throw request.invalidValue("monitor", given);
        }
        boolean replace = request.bool("replace").orElse(false);
        MonitorDefinition definition = MonitorDefinition.fromJson(given);
        StoredMonitor monitor = service.createMonitor(definition.name(), text(definition.toJson()), replace);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("monitor");
            monitor(generator, monitor, Optional.empty());
        }));
    }

    private void get(Context ctx) {
        MonitorService service = monitors();
        ApiRequest request = reader.read(ctx);
        StoredMonitor monitor = service.getMonitor(request.requiredString("name"));
        Optional<MonitorResult> latest = service.latestResult(monitor.name());
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("monitor");
            monitor(generator, monitor, Optional.empty());
            if (latest.isPresent()) {
                generator.writeFieldName("latest_result");
                result(generator, latest.get());
            }
        }));
    }

    private void list(Context ctx) {
        MonitorService service = monitors();
        List<StoredMonitor> all = service.listMonitors();
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("monitors");
            for (StoredMonitor monitor : all) {
                monitor(generator, monitor, service.latestResult(monitor.name()));
            }
            generator.writeEndArray();
        }));
    }

    private void delete(Context ctx) {
        MonitorService service = monitors();
        ApiRequest request = reader.read(ctx);
        service.deleteMonitor(request.requiredString("name"));
        WireFormat.sendEmpty(ctx);
    }

    private void createResult(Context ctx) {
        MonitorService service = monitors();
        ApiRequest request = reader.read(ctx);
        ApiRequest given = request.object("result").orElseThrow(() -> request.missingValue("result"));
        // Fields are read in this order so that the first bad one is the one reported.
        String monitorName = given.requiredString("monitor_name");
        Optional<Long> time = given.int64("time");
        long windowStart = given.requiredInt64("window_start");
        long windowEnd = given.requiredInt64("window_end");
        long rows = given.requiredInt64("rows");
        String statusName = given.requiredString("status");
        MonitorStatus status = MonitorStatus.fromWireName(statusName).orElseThrow(() ->
                SlipwayException.invalidParameter("Invalid value '%s' for parameter 'result.status': expected one of "
                        + "%s", abbreviate(statusName), STATUS_NAMES));
        Optional<Boolean> datasetDrift = given.bool("dataset_drift");
        Optional<Double> driftShare = given.has("drift_share") ? Optional.of(given.requiredDouble("drift_share"))
                : Optional.empty();
        JsonNode report = given.json("report").orElseThrow(() -> given.missingValue("report"));
        if (!report.isObject()) {
            throw given.invalidValue("report", report);
        }
        MonitorResult stored = service.addResult(new NewResult(monitorName, time, windowStart, windowEnd, rows,
                status, datasetDrift, driftShare, text(report)));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("result");
            result(generator, stored);
        }));
    }

    private void listResults(Context ctx) {
        MonitorService service = monitors();
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        Optional<Long> maxResults = request.int64("max_results");
        service.getMonitor(name);
        List<MonitorResult> results = service.results(name, maxResults);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("results");
            for (MonitorResult result : results) {
                result(generator, result);
            }
            generator.writeEndArray();
        }));
    }

    private void createAction(Context ctx) {
        MonitorService service = monitors();
        ApiRequest request = reader.read(ctx);
        ApiRequest given = request.object("action").orElseThrow(() -> request.missingValue("action"));
        String monitorName = given.requiredString("monitor_name");
        long resultId = given.requiredInt64("result_id");
        Optional<Long> time = given.int64("time");
        String rule = given.requiredString("rule");
        String cause = given.string("cause").orElse("");
        String kind = given.requiredString("kind");
        String target = given.string("target").orElse("");
        boolean succeeded = given.bool("succeeded").orElseThrow(() -> given.missingValue("succeeded"));
        String detail = given.string("detail").orElse("");
        MonitorAction stored = service.addAction(new NewAction(monitorName, resultId, time, rule, cause, kind, target,
                succeeded, detail));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("action");
            action(generator, stored);
        }));
    }

    private void listActions(Context ctx) {
        MonitorService service = monitors();
        ApiRequest request = reader.read(ctx);
        Optional<String> name = request.string("name").filter(value -> !value.isEmpty());
        Optional<Long> maxResults = request.int64("max_results");
        name.ifPresent(service::getMonitor);
        List<MonitorAction> actions = service.actions(name, maxResults);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("actions");
            for (MonitorAction action : actions) {
                action(generator, action);
            }
            generator.writeEndArray();
        }));
    }

    private static void monitor(JsonGenerator generator, StoredMonitor monitor, Optional<MonitorResult> latest)
            throws IOException {
        generator.writeStartObject();
        generator.writeStringField("name", monitor.name());
        generator.writeFieldName("definition");
        generator.writeRawValue(monitor.definitionJson());
        generator.writeNumberField("creation_time", monitor.creationTime());
        generator.writeNumberField("last_update_time", monitor.lastUpdateTime());
        if (latest.isPresent()) {
            generator.writeFieldName("latest_result");
            result(generator, latest.get());
        }
        generator.writeEndObject();
    }

    private static void result(JsonGenerator generator, MonitorResult result) throws IOException {
        generator.writeStartObject();
        generator.writeNumberField("id", result.id());
        generator.writeStringField("monitor_name", result.monitorName());
        generator.writeNumberField("time", result.time());
        generator.writeNumberField("window_start", result.windowStart());
        generator.writeNumberField("window_end", result.windowEnd());
        generator.writeNumberField("rows", result.rows());
        generator.writeStringField("status", result.status().wireName());
        if (result.datasetDrift().isPresent()) {
            generator.writeBooleanField("dataset_drift", result.datasetDrift().get());
        }
        if (result.driftShare().isPresent()) {
            generator.writeFieldName("drift_share");
            WireFormat.number(generator, result.driftShare().get());
        }
        generator.writeFieldName("report");
        generator.writeRawValue(result.reportJson());
        generator.writeEndObject();
    }

    private static void action(JsonGenerator generator, MonitorAction action) throws IOException {
        generator.writeStartObject();
        generator.writeNumberField("id", action.id());
        generator.writeStringField("monitor_name", action.monitorName());
        generator.writeNumberField("result_id", action.resultId());
        generator.writeNumberField("time", action.time());
        generator.writeStringField("rule", action.rule());
        generator.writeStringField("cause", action.cause());
        generator.writeStringField("kind", action.kind());
        generator.writeStringField("target", action.target());
        generator.writeBooleanField("succeeded", action.succeeded());
        generator.writeStringField("detail", action.detail());
        generator.writeEndObject();
    }

    private static String text(JsonNode node) {
        try {
            return WireFormat.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200) + "...";
    }
}
