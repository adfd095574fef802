package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.audit.AuditQuery;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.NewModelVersion;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway audit} and {@code slipway audit export} against a real {@code slipway server}, and the server's
 * hardening flags: {@code --cors-allowed-origins}, and the Host check on by default.
 */
class AuditCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path folder;

    private static RunningServer server;
    private static Environment environment;

    @BeforeAll
    static void startServerAndMakeChanges() {
        server = RunningServer.onFolder(folder, "--cors-allowed-origins", "https://notebooks.example.org");
        environment = CliRun.environment(folder, Map.of("MLFLOW_TRACKING_URI", server.uri()));
        TrackingClient client = server.client();
        String experimentId = client.createExperiment("audited");
        client.createRun(experimentId);
        client.registry().createRegisteredModel("churn", Optional.empty(), List.of());
        client.registry().createModelVersion(new NewModelVersion("churn", "s3://bucket/churn/1", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty()));
        client.registry().transitionModelVersionStage("churn", 1, ModelVersionStage.STAGING, false);
        awaitEntries(client, 5);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void auditPrintsTheNewestChangesAsATable() {
        CliRun run = CliRun.run(environment, "audit");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("TIME").contains("USER", "ADDRESS", "ACTION", "RESOURCE", "STATUS",
                "CHANGE");
        assertThat(lines.get(1)).contains("anonymous", "127.0.0.1", "model-versions/transition-stage",
                "model_version churn/1", "200", "current_stage: None -> Staging");
        assertThat(run.out()).contains("model-versions/create", "registered-models/create", "runs/create",
                "experiments/create", "created");
    }

    @Test
    void filtersNarrowTheListAndJsonHasTheStates() throws Exception {
        CliRun run = CliRun.run(environment, "audit", "--resource", "churn", "--since", "1h", "--json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode entries = JSON.readTree(run.out());
        assertThat(entries).hasSize(3);
        assertThat(entries.get(0).get("action").asText()).isEqualTo("model-versions/transition-stage");
        assertThat(entries.get(0).get("before").get("current_stage").asText()).isEqualTo("None");
        assertThat(entries.get(0).get("after").get("current_stage").asText()).isEqualTo("Staging");

        CliRun byAction = CliRun.run(environment, "audit", "--action", "runs/create", "--limit", "1");
        assertThat(byAction.out().lines().toList()).hasSize(2);
        assertThat(byAction.out()).contains("runs/create").doesNotContain("experiments/create");

        CliRun typeOnly = CliRun.run(environment, "audit", "--resource", "experiment:", "--json");
        assertThat(JSON.readTree(typeOnly.out())).hasSize(1);

        CliRun future = CliRun.run(environment, "audit", "--since", "2999-01-01");
        assertThat(future.exitCode()).isZero();
        assertThat(future.out()).contains("No audit entries match");

        CliRun badSince = CliRun.run(environment, "audit", "--since", "yesterday");
        assertThat(badSince.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(badSince.err()).contains("--since");
    }

    @Test
    void exportWritesOneJsonEntryPerLine() throws Exception {
        CliRun run = CliRun.run(environment, "audit", "export", "--since", "24h", "-o", "exports/audit.jsonl");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Exported 5 audit entries to exports/audit.jsonl");
        Path file = folder.resolve("exports/audit.jsonl");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(5);
        List<String> actions = new ArrayList<>();
        for (String line : lines) {
            JsonNode entry = JSON.readTree(line);
            assertThat(entry.fieldNames()).toIterable().contains("id", "time", "user", "client_address", "method",
                    "route", "action", "status", "outcome", "details");
            actions.add(entry.get("action").asText());
        }
        assertThat(actions).containsExactly("model-versions/transition-stage", "model-versions/create",
                "registered-models/create", "runs/create", "experiments/create");
        assertThat(folder.resolve("exports/audit.jsonl.partial")).doesNotExist();

        CliRun toStdout = CliRun.run(environment, "audit", "export", "--user", "anonymous", "--action",
                "runs/create");
        assertThat(toStdout.out().lines().toList()).singleElement()
                .satisfies(line -> assertThat(JSON.readTree(line).get("action").asText()).isEqualTo("runs/create"));
        assertThat(toStdout.err()).contains("Exported 1 audit entries");
    }

    @Test
    void aLocalStoreHasItsOwnAuditLog() {
        Path local = folder.resolve("local");
        CliRun run = CliRun.run(CliRun.environment(local, Map.of()), "audit");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("The audit log of").contains("is empty");
    }

    @Test
    void theServerAnswersPreflightsOfTheAllowedOriginsAndRefusesUnknownHosts() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> allowed = http.send(preflight("https://notebooks.example.org"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
                .contains("https://notebooks.example.org");
        HttpResponse<String> refused = http.send(preflight("https://evil.example"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        // no --allowed-hosts: only this machine's names are served (DNS-rebinding protection is on by default)
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /api/2.0/mlflow/experiments/search HTTP/1.1\r\nHost: "
                    + "rebinding.evil.example\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 403");
        }
    }

    @Test
    void aCorsOriginThatIsNotAnOriginIsAUsageError() {
        CliRun run = CliRun.run(CliRun.environment(folder, Map.of()), "server", "--port", "0",
                "--cors-allowed-origins", "notebooks.example.org/path");

        assertThat(run.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err()).contains("--cors-allowed-origins", "scheme://host[:port]");
    }

    private static HttpRequest preflight(String origin) {
        return HttpRequest.newBuilder(URI.create(server.uri() + "/api/2.0/mlflow/experiments/create"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST").build();
    }

    /** The audit log is written in the background: waits until it holds the changes. */
    private static void awaitEntries(TrackingClient client, int count) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (client.audit().list(AuditQuery.all(), 100, Optional.empty()).items().size()
                    >= count) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the audit log did not get " + count + " entries");
    }
}
