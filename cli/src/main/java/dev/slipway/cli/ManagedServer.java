package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A model server ({@code slipway serve}) that the GitOps agent runs for one deployment as a child process, and talks
 * to over HTTP: readiness on {@code /v2/health/ready}, traffic on {@code /metrics}, and what it serves through the
 * admin API, protected by a random token the agent hands it in {@code SLIPWAY_SERVE_ADMIN_TOKEN}, with which the agent
 * swaps versions and moves canary weights without a restart. Used by the agent's thread only.
 */
final class ManagedServer {
    static final String ADMIN_TOKEN_VARIABLE = "SLIPWAY_SERVE_ADMIN_TOKEN";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SWAP_TIMEOUT = Duration.ofMinutes(5);

    private final String name;
    private final String host;
    private final int port;
    private final String token;
    private final ProcessHandle process;
    private final Path log;
    private final Instant started;
    private final HttpClient http;

    /**
     * What a model server serves under one name, as its admin API describes it and as the agent wants it.
     *
     * @param canaryPercent the candidate's share in percent; 0 without a canary
     */
    record Serving(String model, Optional<String> canary, int canaryPercent, Optional<String> shadow) {
        Serving {
            requireNonNull(model, "model is null");
            requireNonNull(canary, "canary is null");
            requireNonNull(shadow, "shadow is null");
        }

        String describe() {
            return model + canary.map(uri -> ", canary " + uri + " at " + canaryPercent + "%").orElse("")
                    + shadow.map(uri -> ", shadow " + uri).orElse("");
        }
    }

    private ManagedServer(String name, String host, int port, String token, ProcessHandle process, Path log,
            Instant started) {
        this.name = requireNonNull(name, "name is null");
        this.host = requireNonNull(host, "host is null");
        this.port = port;
        this.token = requireNonNull(token, "token is null");
        this.process = requireNonNull(process, "process is null");
        this.log = requireNonNull(log, "log is null");
        this.started = requireNonNull(started, "started is null");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Starts {@code slipway serve} for deployment {@code name} on {@code host:port} serving {@code serving}, logging
     * to {@code log} (appended).
     *
     * @param launcher the {@code slipway} launcher script
     * @throws IOException when the process cannot be started
     */
    static ManagedServer start(Path launcher, String name, String host, int port, Serving serving, String trackingUri,
            Path log, Instant now) throws IOException {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "serve", "-m", serving.model(), "--name",
                name, "--host", host, "--port", Integer.toString(port), "--tracking-uri", trackingUri));
        serving.canary().ifPresent(canary -> command.addAll(List.of("--canary", canary, "--canary-percent",
                Integer.toString(serving.canaryPercent()))));
        serving.shadow().ifPresent(shadow -> command.addAll(List.of("--shadow", shadow)));
        String token = newToken();
        Files.createDirectories(log.getParent());
        Files.writeString(log, String.format(Locale.ROOT, "%n--- %s: %s%n", now, String.join(" ", command)), UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put(ADMIN_TOKEN_VARIABLE, token);
        Process process = builder.start();
        return new ManagedServer(name, host, port, token, process.toHandle(), log, now);
    }

    /** A server started by an earlier agent that is still running, from what that agent recorded. */
    static Optional<ManagedServer> adopt(String name, String host, int port, String token, long pid, Path log,
            Instant now) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(handle -> new ManagedServer(name, host, port, token, handle, log, now));
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String token() {
        return token;
    }

    Instant started() {
        return started;
    }

    Path log() {
        return log;
    }

    String endpoint() {
        String shown = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return "http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + port;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Whether {@code /v2/health/ready} answers 200. */
    boolean ready() {
        try {
            return send(HttpRequest.newBuilder(uri("/v2/health/ready")).timeout(Duration.ofSeconds(2)).GET()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** The server's {@code /metrics} text. */
    String metrics() throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/metrics")).timeout(CALL_TIMEOUT).GET());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + response.statusCode());
        }
        return response.body();
    }

    /** What the server serves under the deployment's name, from its admin API. */
    Serving serving() throws IOException {
        HttpResponse<String> response = send(admin(HttpRequest.newBuilder(uri("/slipway/admin/models"))
                .timeout(CALL_TIMEOUT).GET()));
        if (response.statusCode() != 200) {
            throw new IOException("GET /slipway/admin/models answered " + response.statusCode() + ": " + response.body());
        }
        for (JsonNode model : JSON.readTree(response.body()).path("models")) {
            if (model.path("name").asText().equals(name)) {
                return parse(model);
            }
        }
        throw new IOException("the server does not serve '" + name + "'");
    }

    /**
     * Makes the server serve {@code serving} (a live swap: the new versions load beside the old ones, then take
     * over). On a failure the server keeps serving what it served.
     *
     * @throws IOException with the server's message when it refused or failed to load a version
     */
    void configure(Serving serving) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("uri", serving.model());
        serving.canary().ifPresent(canary -> body.putObject("canary").put("uri", canary).put("percent", serving.canaryPercent()));
        serving.shadow().ifPresent(shadow -> body.put("shadow", shadow));
        HttpResponse<String> response = send(admin(HttpRequest.newBuilder(uri("/slipway/admin/models/" + name))
                .timeout(SWAP_TIMEOUT).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))));
        if (response.statusCode() != 200) {
            throw new IOException(errorMessage(response));
        }
    }

    /** Stops the server (SIGTERM: in-flight requests finish), forcibly after {@code grace}. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
        }
    }

    /** The last lines of the server's log, for a status message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())).strip();
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Serving parse(JsonNode model) {
        JsonNode canary = model.path("canary");
        JsonNode shadow = model.path("shadow");
        boolean hasCanary = canary.isObject();
        return new Serving(model.path("uri").asText(),
                hasCanary ? Optional.of(canary.path("uri").asText()) : Optional.empty(),
                hasCanary ? (int) Math.round(canary.path("percent").asDouble()) : 0,
                shadow.isObject() ? Optional.of(shadow.path("uri").asText()) : Optional.empty());
    }

    private static String errorMessage(HttpResponse<String> response) {
        try {
            JsonNode error = JSON.readTree(response.body());
            String message = error.path("message").asText(error.path("error").asText(""));
            if (!message.isEmpty()) {
                return message;
            }
        } catch (IOException e) {
            // not JSON: the body itself
        }
        return "status " + response.statusCode() + ": " + response.body();
    }

    private HttpRequest.Builder admin(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private URI uri(String path) {
        return URI.create(endpoint() + path);
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
