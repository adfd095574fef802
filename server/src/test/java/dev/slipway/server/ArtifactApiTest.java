package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactApiTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String PROXY = "/api/2.0/mlflow-artifacts/artifacts/";
    private static final String INVALID_PATH = "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Invalid path\"}";

    @TempDir
    static Path directory;

    private static TestServer server;
    private static ApiClient client;
    private static String experimentId;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(directory);
        client = server.client;
        experimentId = server.createExperiment("artifacts");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Encoded spellings of traversal, backslashes, fragments, absolute paths and NUL that must all be refused. */
    static Stream<String> traversalSpellings() {
        return Stream.of(
                "%2e%2e%2f%2e%2e%2fescape.txt",
                "%2E%2E%2Fescape.txt",
                "..%2f..%2fescape.txt",
                "%252e%252e%252fescape.txt",
                "%25252e%25252e%25252fescape.txt",
                "x/..%2f..%2f..%2fescape.txt",
                "x/%2e%2e/%2e%2e/%2e%2e/escape.txt",
                "a/b/../../../escape.txt",
                "..%5c..%5cescape.txt",
                "dir%5cfile.txt",
                "a%23b",
                "%2fetc%2fpasswd",
                "%252fetc%252fpasswd",
                "C:%5cwindows%5cwin.ini",
                "a%2500b");
    }

    @ParameterizedTest
    @MethodSource("traversalSpellings")
    void proxyRejectsTraversalOnPutGetAndDelete(String spelling) {
        Response put = client.put(PROXY + spelling, "owned".getBytes(StandardCharsets.UTF_8));
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.body()).isEqualTo(INVALID_PATH);
        assertThat(put.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));

        Response get = client.get(PROXY + spelling);
        assertThat(get.status()).isEqualTo(400);
        assertThat(get.body()).isEqualTo(INVALID_PATH);

        Response delete = client.delete(PROXY + spelling);
        assertThat(delete.status()).isEqualTo(400);
        assertThat(delete.body()).isEqualTo(INVALID_PATH);

        Response ajax = client.put("/ajax-api/2.0/mlflow-artifacts/artifacts/" + spelling, new byte[] {1});
        assertThat(ajax.body()).isEqualTo(INVALID_PATH);
        assertThat(escapedFiles()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%00b", "..%00/x"})
    void nulInTheRawUriIsRefusedWithAJson400(String spelling) {
        Response put = client.put(PROXY + spelling, new byte[] {1});
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.json().get("error_code").asText()).isNotEmpty();
    }

    @Test
    void literalDotSegmentsEscapingTheServerRootAreAJson400() {
        String answer = client.raw("PUT /api/2.0/mlflow-artifacts/artifacts/../../../../../../tmp/escape.txt HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
        assertThat(ApiClient.statusOf(answer)).isEqualTo(400);
        assertThat(answer).contains("Content-Type: application/json").doesNotContain("<html");
        assertThat(escapedFiles()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../path", "..%2Fpath", "%252e%252e%252fpath", "/etc", "a%5Cb", "dir%23frag"})
    void runArtifactListingAndDownloadRejectTraversal(String encodedPath) {
        String runId = server.createRunId(experimentId);
        Response list = client.get(API + "artifacts/list?run_id=" + runId + "&path=" + encodedPath);
        assertThat(list.status()).isEqualTo(400);
        assertThat(list.body()).isEqualTo(INVALID_PATH);

        Response download = client.get("/get-artifact?run_uuid=" + runId + "&path=" + encodedPath);
        assertThat(download.status()).isEqualTo(400);
        assertThat(download.body()).isEqualTo(INVALID_PATH);

        Response proxyList = client.get("/api/2.0/mlflow-artifacts/artifacts?path=" + encodedPath);
        assertThat(proxyList.status()).isEqualTo(400);
        assertThat(proxyList.body()).isEqualTo(INVALID_PATH);
    }

    @Test
    void getArtifactCannotReadEtcPasswd() {
        String runId = server.createRunId(experimentId);
        Response response = client.get("/get-artifact?path=../../../../etc/passwd&run_uuid=" + runId);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(INVALID_PATH);
    }

    @Test
    void artifactsUploadedThroughTheProxyAreListedForTheRun() {
        JsonNode experiment = TestServer.expectOk(client.get(API + "experiments/get?experiment_id=" + experimentId))
                .json().get("experiment");
        assertThat(experiment.get("artifact_location").asText()).endsWith("/" + experimentId);
        JsonNode run = server.createRun(experimentId);
        String runId = run.get("info").get("run_id").asText();
        String artifactUri = run.get("info").get("artifact_uri").asText();
        assertThat(artifactUri).startsWith(experiment.get("artifact_location").asText() + "/");

        String runRoot = experimentId + "/" + runId + "/artifacts/";
        TestServer.expectOk(client.put(PROXY + runRoot + "my.file", "hello".getBytes(StandardCharsets.UTF_8)));
        TestServer.expectOk(client.put(PROXY + runRoot + "dir/my.file", "nested!".getBytes(StandardCharsets.UTF_8)));

        JsonNode root = TestServer.expectOk(client.get(API + "artifacts/list?run_id=" + runId)).json();
        assertThat(root.get("root_uri").asText()).isEqualTo(artifactUri);
        Map<String, JsonNode> files = byPath(root.get("files"));
        assertThat(files).containsOnlyKeys("my.file", "dir");
        assertThat(files.get("my.file").get("is_dir").asBoolean()).isFalse();
        assertThat(files.get("my.file").get("file_size").asLong()).isEqualTo(5);
        assertThat(files.get("dir").get("is_dir").asBoolean()).isTrue();
        assertThat(files.get("dir").has("file_size")).isFalse();

        JsonNode nested = TestServer.expectOk(client.get("/ajax-api/2.0/mlflow/artifacts/list?run_uuid=" + runId
                + "&path=dir")).json();
        assertThat(byPath(nested.get("files"))).containsOnlyKeys("dir/my.file");

        Response download = TestServer.expectOk(client.get("/get-artifact?run_id=" + runId + "&path=dir/my.file"));
        assertThat(download.body()).isEqualTo("nested!");
        assertThat(download.header("Content-Disposition")).hasValueSatisfying(value ->
                assertThat(value).startsWith("attachment; filename=\"my.file\""));
        assertThat(download.header("X-Content-Type-Options")).hasValue("nosniff");

        Response missing = client.get("/get-artifact?run_id=" + runId + "&path=nothing.txt");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void runsWithALocalArtifactLocationAreListedAndServedFromDisk() throws Exception {
        Path location = directory.resolve("local-location");
        String localExperiment = TestServer.expectOk(client.post(API + "experiments/create",
                "{\"name\": \"local\", \"artifact_location\": \"" + location.toUri() + "\"}")).json()
                .get("experiment_id").asText();
        JsonNode run = server.createRun(localExperiment);
        String runId = run.get("info").get("run_id").asText();
        Path runArtifacts = location.resolve(runId).resolve("artifacts");
        Files.createDirectories(runArtifacts.resolve("plots"));
        Files.writeString(runArtifacts.resolve("plots/page.html"), "<script>alert(1)</script>");

        JsonNode listed = TestServer.expectOk(client.get(API + "artifacts/list?run_id=" + runId + "&path=plots")).json();
        assertThat(byPath(listed.get("files"))).containsOnlyKeys("plots/page.html");

        Response html = TestServer.expectOk(client.get("/get-artifact?run_id=" + runId + "&path=plots/page.html"));
        assertThat(html.header("Content-Disposition")).hasValueSatisfying(value -> assertThat(value).startsWith("attachment"));
        assertThat(html.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(html.header("Content-Type")).hasValueSatisfying(value -> assertThat(value).startsWith("text/html"));
    }

    @Test
    void proxyUploadDownloadListAndDeleteRoundTrip() {
        byte[] content = new byte[6 * 1024 * 1024];
        new Random(7).nextBytes(content);
        TestServer.expectOk(client.put(PROXY + "round/trip/model.onnx", content));
        TestServer.expectOk(client.put(PROXY + "round/trip/notes.txt", "notes".getBytes(StandardCharsets.UTF_8)));

        Response download = TestServer.expectOk(client.get(PROXY + "round/trip/model.onnx"));
        assertThat(download.bytes()).isEqualTo(content);
        assertThat(download.header("Content-Disposition")).hasValueSatisfying(value ->
                assertThat(value).startsWith("attachment; filename=\"model.onnx\""));
        assertThat(download.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(download.header("Content-Type")).hasValue("application/octet-stream");
        assertThat(TestServer.expectOk(client.get(PROXY + "round/trip/notes.txt")).header("Content-Type"))
                .hasValueSatisfying(value -> assertThat(value).startsWith("text/plain"));

        JsonNode listing = TestServer.expectOk(client.get("/api/2.0/mlflow-artifacts/artifacts?path=round/trip")).json();
        Map<String, JsonNode> files = byPath(listing.get("files"));
        assertThat(files).containsOnlyKeys("model.onnx", "notes.txt");
        assertThat(files.get("model.onnx").get("file_size").asLong()).isEqualTo(content.length);
        assertThat(byPath(TestServer.expectOk(client.get("/api/2.0/mlflow-artifacts/artifacts?path=round")).json()
                .get("files"))).containsOnlyKeys("trip");

        TestServer.expectOk(client.delete(PROXY + "round/trip/notes.txt"));
        Response gone = client.get(PROXY + "round/trip/notes.txt");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void proxyRefusesToDeleteOrOverwriteItsRoot() {
        TestServer.expectOk(client.put(PROXY + "keep/me.txt", new byte[] {1}));
        for (String root : List.of("%2e", ".", "%2e/", "./.")) {
            assertThat(client.delete(PROXY + root).body()).isEqualTo(INVALID_PATH);
            assertThat(client.put(PROXY + root, new byte[] {1}).status()).isEqualTo(400);
        }
        assertThat(Files.exists(server.artifactDestination.resolve("keep/me.txt"))).isTrue();
    }

    @Test
    void multipartUploadAnswersNotImplementedSoClientsFallBackToPut() {
        Response response = client.post("/api/2.0/mlflow-artifacts/mpu/create/big/file.bin",
                "{\"path\": \"big/file.bin\", \"num_parts\": 3}");
        assertThat(response.status()).isEqualTo(501);
        assertThat(response.errorCode()).isEqualTo("NOT_IMPLEMENTED");
        assertThat(response.message()).as("MLflow's client falls back to PUT on this message")
                .startsWith("Multipart upload is not supported for the current artifact repository");
        assertThat(client.post("/ajax-api/2.0/mlflow-artifacts/mpu/abort/big/file.bin", "{}").status()).isEqualTo(501);
        assertThat(client.post("/api/2.0/mlflow-artifacts/mpu/complete/big", "{\"path\": \"file.bin\", "
                + "\"upload_id\": \"u\", \"parts\": [{\"part_number\": 1, \"etag\": \"e\"}]}").status())
                .isEqualTo(501);
        assertThat(client.post("/api/2.0/mlflow-artifacts/mpu/complete/%2e%2e%2fx", "{}").body()).isEqualTo(INVALID_PATH);
    }

    @Test
    void proxyRoutesAnswer503WhenArtifactsAreNotServed(@TempDir Path ownDirectory) {
        try (TestServer noArtifacts = TestServer.builder(ownDirectory).serveArtifacts(false)
                .defaultArtifactRoot(ownDirectory.resolve("runs").toUri().toString()).start()) {
            ApiClient api = noArtifacts.client;
            Response put = api.put(PROXY + "a.txt", new byte[] {1});
            assertThat(put.status()).isEqualTo(503);
            assertThat(put.errorCode()).isEqualTo("TEMPORARILY_UNAVAILABLE");
            assertThat(api.get(PROXY + "a.txt").status()).isEqualTo(503);
            assertThat(api.delete(PROXY + "a.txt").status()).isEqualTo(503);
            assertThat(api.get("/api/2.0/mlflow-artifacts/artifacts?path=").status()).isEqualTo(503);
            assertThat(api.post("/api/2.0/mlflow-artifacts/mpu/create/a.txt", "{}").status()).isEqualTo(503);
            TestServer.expectOk(api.get("/health"));
        }
    }

    private static Map<String, JsonNode> byPath(JsonNode files) {
        Map<String, JsonNode> byPath = new HashMap<>();
        if (files != null) {
            files.forEach(file -> byPath.put(file.get("path").asText(), file));
        }
        return byPath;
    }

    /** Files named escape.txt anywhere in the test folder or /tmp, which a successful traversal would create. */
    private static List<Path> escapedFiles() {
        List<Path> escaped = new ArrayList<>();
        for (Path candidate : List.of(directory.resolve("escape.txt"), directory.getParent().resolve("escape.txt"),
                Path.of("/tmp/escape.txt"), server.artifactDestination.resolve("escape.txt"))) {
            if (Files.exists(candidate)) {
                escaped.add(candidate);
            }
        }
        return escaped;
    }
}
