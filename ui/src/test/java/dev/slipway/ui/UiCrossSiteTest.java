package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI's actions against cross-site requests (CSRF), without a browser: only htmx on a page of this server may
 * change anything. Done actions are in the audit log under the API action they perform; refused ones, and actions
 * that answered the form again with a message, are not.
 */
class UiCrossSiteTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path folder;
    private static UiServer server;

    @BeforeAll
    static void start() {
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCrossSiteFormPostToAnActionIsRefused() throws Exception {
        String id = server.tracking.createExperiment("csrf-target", Optional.empty(), List.of());
        String rename = "/experiments/" + id + "/rename";

        // a plain HTML form on another site: no htmx header
        assertThat(post(rename, "name=owned", Optional.of("https://evil.example"), false).statusCode())
                .isEqualTo(403);
        // a script of another site that somehow sent the htmx header, or a sandboxed frame (Origin: null)
        assertThat(post(rename, "name=owned", Optional.of("https://evil.example"), true).statusCode()).isEqualTo(403);
        assertThat(post(rename, "name=owned", Optional.of("null"), true).statusCode()).isEqualTo(403);
        // a form of this server's own pages without htmx
        assertThat(post(rename, "name=owned", Optional.of(server.url()), false).statusCode()).isEqualTo(403);
        assertThat(server.tracking.getExperiment(id).name()).isEqualTo("csrf-target");

        HttpResponse<String> sameOrigin = post(rename, "name=renamed-by-ui", Optional.of(server.url()), true);
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
        assertThat(server.tracking.getExperiment(id).name()).isEqualTo("renamed-by-ui");
    }

    @Test
    void anOversizedFormIsRefusedWith413() throws Exception {
        String id = server.tracking.createExperiment("big-form", Optional.empty(), List.of());
        HttpResponse<String> response = post("/experiments/" + id + "/rename", "name=" + "x".repeat(2 * 1024 * 1024),
                Optional.of(server.url()), true);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(server.tracking.getExperiment(id).name()).isEqualTo("big-form");
    }

    @Test
    void onlyDoneActionsAreInTheAuditLog() throws Exception {
        String id = server.tracking.createExperiment("audited-in-ui", Optional.empty(), List.of());
        String rename = "/experiments/" + id + "/rename";
        post(rename, "name=", Optional.of(server.url()), true);
        post(rename, "name=owned", Optional.of("https://evil.example"), true);
        post(rename, "name=audited-in-ui-2", Optional.of(server.url()), true);
        post("/models/no-such-model/description", "form=description&description=x", Optional.of(server.url()), true);

        List<JsonNode> entries = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (entries.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            entries.clear();
            audit("resource_id=" + id).forEach(entries::add);
        }
        Thread.sleep(300);
        entries.clear();
        audit("resource_id=" + id).forEach(entries::add);

        // neither the form refused for its empty name nor the anonymous cross-site attempt is there
        assertThat(entries).hasSize(1);
        JsonNode done = entries.get(0);
        assertThat(done.get("action").asText()).isEqualTo("experiments/update");
        assertThat(done.get("route").asText()).isEqualTo("/experiments/{experimentId}/rename");
        assertThat(done.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(done.get("details").get("name").asText()).isEqualTo("audited-in-ui-2");
        assertThat(audit("resource_id=no-such-model")).isEmpty();
    }

    @Test
    void pagesKeepTheirPolicyAndOnlyArtifactPreviewsMayBeFramedBySlipway() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/")).build(),
                BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("frame-ancestors 'self'", "script-src 'self'"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("same-origin");
        assertThat(page.headers().firstValue("Server")).isEmpty();

        String experimentId = server.tracking.createExperiment("framed", Optional.empty(), List.of());
        String runId = server.tracking.createRun(Optional.of(experimentId), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of()).info().runId();
        server.artifacts.resolve(server.tracking.getRunInfo(runId).artifactUri()).put("report.html",
                new ByteArrayInputStream("<p>report</p>".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> preview = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/ui/data/artifact?run_id=" + runId + "&path=report.html")).build(), BodyHandlers.ofString());
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("sandbox", "frame-ancestors 'self'"));
        assertThat(preview.headers().firstValue("X-Frame-Options")).contains("SAMEORIGIN");

        HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/api/2.0/mlflow/experiments/search")).build(), BodyHandlers.ofString());
        assertThat(api.headers().firstValue("X-Frame-Options")).contains("DENY");
    }

    private static HttpResponse<String> post(String path, String form, Optional<String> origin, boolean htmx)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .POST(BodyPublishers.ofString(form)).header("Content-Type", "application/x-www-form-urlencoded");
        origin.ifPresent(value -> request.header("Origin", value));
        if (htmx) {
            request.header("HX-Request", "true");
        }
        return HTTP.send(request.build(), BodyHandlers.ofString());
    }

    private static JsonNode audit(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/api/2.0/slipway/audit/list?" + query)).build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).get("entries");
    }
}
