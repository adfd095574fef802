package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.Credentials;
import dev.slipway.client.MultipartSettings;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.testing.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code slipway server --artifacts-destination s3://...} against a real S3-compatible server (S3Proxy) in this JVM:
 * artifacts go through the proxy routes into the bucket and stream back, and large files from a client with MLflow's
 * multipart variables go in parts straight to the bucket.
 */
class ServerS3ArtifactsTest {
    private static final String ACCESS_KEY = "slipway-access";
    private static final String SECRET_KEY = "slipway-secret";
    private static final Map<String, String> CREDENTIALS = Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    private static final long LARGE = 20L * 1024 * 1024 + 4321;
    private static final int FIVE_MIB = 5 * 1024 * 1024;
    /** Three parts of MULTIPART_ON's 5 MiB chunks; two of the server's own 8 MiB parts when it gets a single PUT. */
    private static final long MULTIPART_FILE = 2L * FIVE_MIB + 1024 * 1024;
    private static final Map<String, String> MULTIPART_ON = Map.of(MultipartSettings.ENABLE_VARIABLE, "true",
            MultipartSettings.MINIMUM_FILE_SIZE_VARIABLE, "1048576",
            MultipartSettings.CHUNK_SIZE_VARIABLE, String.valueOf(FIVE_MIB));
    private static final String MPU = "/api/2.0/mlflow-artifacts/mpu/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static S3TestServer s3;
    private static String endpoint;
    private static S3Client admin;

    @TempDir
    Path folder;

    private String bucket;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3TestServer.start(ACCESS_KEY, SECRET_KEY);
        endpoint = s3.endpoint().toString();
        admin = s3.admin();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void createBucket() {
        bucket = s3.createBucket("mlflow");
    }

    @Test
    void runArtifactsGoThroughTheProxyIntoTheBucketAndStreamBack() throws Exception {
        Path weights = folder.resolve("weights.bin");
        String weightsSha256 = writeGenerated(weights, LARGE);

        try (RunningServer server = proxyingTo("s3://" + bucket + "/mlartifacts")) {
            TrackingClient client = server.client();
            String experimentId = client.createExperiment("on-s3");
            String runId = client.createRun(experimentId).info().runId();
            client.logArtifact(runId, "model/weights.bin", weights);
            client.logArtifact(runId, "notes.txt", "trained on s3".getBytes(StandardCharsets.UTF_8));

            String runPrefix = "mlartifacts/" + experimentId + "/" + runId + "/artifacts/";
            try (ResponseInputStream<GetObjectResponse> stored = admin.getObject(
                    request -> request.bucket(bucket).key(runPrefix + "model/weights.bin"))) {
                assertThat(stored.response().contentLength()).isEqualTo(LARGE);
                assertThat(stored.response().eTag()).as("uploaded in parts").contains("-");
                assertThat(sha256(stored)).isEqualTo(weightsSha256);
            }
            assertThat(admin.getObjectAsBytes(request -> request.bucket(bucket).key(runPrefix + "notes.txt"))
                    .asUtf8String()).isEqualTo("trained on s3");

            try (InputStream downloaded = client.openRunArtifact(runId, "model/weights.bin")) {
                assertThat(sha256(downloaded)).isEqualTo(weightsSha256);
            }
            assertThat(client.listArtifacts(runId, Optional.empty(), Optional.empty()).files()).containsExactly(
                    new FileInfo("model", true, Optional.empty()),
                    new FileInfo("notes.txt", false, Optional.of(13L)));
            assertThat(client.listArtifacts(runId, Optional.of("model"), Optional.empty()).files()).containsExactly(
                    new FileInfo("model/weights.bin", false, Optional.of(LARGE)));

            client.deleteArtifact(experimentId + "/" + runId + "/artifacts/model");
            assertThatThrownBy(() -> admin.headObject(request -> request.bucket(bucket)
                    .key(runPrefix + "model/weights.bin"))).isInstanceOf(NoSuchKeyException.class);
            assertThatThrownBy(() -> client.openRunArtifact(runId, "model/weights.bin"))
                    .isInstanceOfSatisfying(SlipwayException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        }
    }

    @Test
    void endpointAndRegionComeFromMlflowsEnvironmentVariables() {
        Map<String, String> variables = Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "MLFLOW_S3_ENDPOINT_URL", endpoint, "AWS_DEFAULT_REGION", "eu-west-1");
        try (RunningServer server = RunningServer.start(folder, variables,
                "--backend-store-uri", "sqlite:///" + folder.resolve("tracking.db"),
                "--artifacts-destination", "s3://" + bucket)) {
            server.client().uploadArtifact("shared/readme.txt", "hi".getBytes(StandardCharsets.UTF_8));

            assertThat(admin.getObjectAsBytes(request -> request.bucket(bucket).key("shared/readme.txt"))
                    .asUtf8String()).isEqualTo("hi");
        }
    }

    @Test
    void s3DefaultArtifactRootIsAcceptedAndTheServerReadsRunArtifactsThere() throws Exception {
        try (RunningServer server = RunningServer.start(folder, CREDENTIALS,
                "--backend-store-uri", "sqlite:///" + folder.resolve("tracking.db"),
                "--default-artifact-root", "s3://" + bucket + "/direct", "--s3-endpoint-url", endpoint,
                "--no-serve-artifacts")) {
            TrackingClient client = server.client();
            String experimentId = client.createExperiment("direct-to-s3");
            assertThat(client.getExperiment(experimentId).artifactLocation())
                    .isEqualTo("s3://" + bucket + "/direct/" + experimentId);
            String runId = client.createRun(experimentId).info().runId();
            // what an MLflow client does with an s3:// artifact URI: write to the bucket itself
            admin.putObject(request -> request.bucket(bucket).key("direct/" + experimentId + "/" + runId
                    + "/artifacts/metrics.json"), RequestBody.fromString("{\"auc\": 0.9}"));

            assertThat(client.listArtifacts(runId, Optional.empty(), Optional.empty()).files())
                    .containsExactly(new FileInfo("metrics.json", false, Optional.of(12L)));
            HttpResponse<String> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    server.uri() + "/get-artifact?path=metrics.json&run_uuid=" + runId)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo("{\"auc\": 0.9}");
        }
    }

    @Test
    void missingBucketFailsUploadsWithAMessageNamingTheBucket() {
        try (RunningServer server = proxyingTo("s3://no-such-bucket/x")) {
            assertThatThrownBy(() -> server.client().uploadArtifact("a.txt", new byte[] {1}))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessageContaining("S3 bucket 'no-such-bucket' does not exist");
        }
    }

    @Test
    void malformedEndpointStopsTheServerAtStartWithTheValue() {
        assertThatThrownBy(() -> RunningServer.start(folder, CREDENTIALS,
                "--backend-store-uri", "sqlite:///" + folder.resolve("tracking.db"),
                "--artifacts-destination", "s3://" + bucket, "--s3-endpoint-url", "minio:9000"))
                .hasMessageContaining("exited early")
                .hasMessageContaining("Invalid S3 endpoint URL 'minio:9000'");
    }

    @Test
    void mlflowsProxiedMultipartUploadSendsPartsStraightToTheBucket() throws Exception {
        byte[] content = new byte[2 * FIVE_MIB + 1024];
        new Random(7).nextBytes(content);
        try (RunningServer server = proxyingTo("s3://" + bucket + "/mlartifacts")) {
            TrackingClient client = server.client();
            String experimentId = client.createExperiment("multipart");
            String runId = client.createRun(experimentId).info().runId();
            // as MLflow's client sends it: the URL names the artifact directory, "path" the local file
            String directory = experimentId + "/" + runId + "/artifacts/model";
            ObjectNode create = JSON.createObjectNode().put("path", "/home/alice/out/weights.bin").put("num_parts", 3);

            HttpResponse<String> created = post(server, MPU + "create/" + directory, create);

            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            JsonNode upload = JSON.readTree(created.body());
            JsonNode credentials = upload.get("credentials");
            assertThat(credentials.findValuesAsText("part_number")).containsExactly("1", "2", "3");
            assertThat(credentials.findValuesAsText("url")).allSatisfy(url -> assertThat(url)
                    .startsWith(endpoint + "/" + bucket + "/mlartifacts/" + directory + "/weights.bin?"));
            assertThat(credentials.get(0).get("headers").isEmpty()).isTrue();
            ArrayNode parts = JSON.createArrayNode();
            int[] bounds = {0, FIVE_MIB, 2 * FIVE_MIB, content.length};
            for (int index = 0; index < 3; index++) {
                String url = credentials.get(index).get("url").asText();
                HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest
                        .BodyPublishers.ofByteArray(Arrays.copyOfRange(content, bounds[index], bounds[index + 1])))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
                parts.addObject().put("part_number", index + 1).put("etag", put.headers().firstValue("ETag")
                        .orElseThrow()).put("url", url);
            }
            ObjectNode complete = JSON.createObjectNode().put("path", "/home/alice/out/weights.bin")
                    .put("upload_id", upload.get("upload_id").asText());
            complete.set("parts", parts);

            HttpResponse<String> completed = post(server, MPU + "complete/" + directory, complete);

            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
            assertThat(completed.body()).isEqualTo("{}");
            HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri()
                    + "/api/2.0/mlflow-artifacts/artifacts/" + directory + "/weights.bin")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(content);
            assertThat(admin.headObject(request -> request.bucket(bucket).key("mlartifacts/" + directory
                    + "/weights.bin")).eTag()).endsWith("-3\"");
            assertThat(client.listArtifacts(runId, Optional.of("model"), Optional.empty()).files()).containsExactly(
                    new FileInfo("model/weights.bin", false, Optional.of((long) content.length)));

            // the audit log names the artifact and the upload, never the presigned part URLs
            List<JsonNode> audited = auditEntries(server, "resource_id=" + directory + "/weights.bin", 2);
            assertThat(audited).extracting(entry -> entry.get("action").asText())
                    .containsExactly("artifacts/multipart-complete", "artifacts/multipart-create");
            assertThat(audited).allSatisfy(entry -> {
                assertThat(entry.get("resource_type").asText()).isEqualTo("artifact");
                assertThat(entry.get("details").get("upload_id").asText()).isEqualTo(upload.get("upload_id")
                        .asText());
                assertThat(entry.toString()).doesNotContain("X-Amz-Signature", "Signature=");
            });
            assertThat(audited.get(1).get("details").get("num_parts").asInt()).isEqualTo(3);
        }
    }

    /** The audit entries matching the query, newest first, once there are {@code count} (written in the background). */
    private static List<JsonNode> auditEntries(RunningServer server, String query, int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri()
                    + "/api/2.0/slipway/audit/list?" + query)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            List<JsonNode> entries = new java.util.ArrayList<>();
            JSON.readTree(response.body()).path("entries").forEach(entries::add);
            if (entries.size() >= count || System.nanoTime() > deadline) {
                assertThat(entries).as("audit entries for " + query).hasSize(count);
                return entries;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void abortedMultipartUploadLeavesNothingAndAnUnknownUploadIsNotFound() throws Exception {
        try (RunningServer server = proxyingTo("s3://" + bucket)) {
            HttpResponse<String> created = post(server, MPU + "create/shared", JSON.createObjectNode()
                    .put("path", "big.bin").put("num_parts", 2));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            ObjectNode abort = JSON.createObjectNode().put("path", "big.bin")
                    .put("upload_id", JSON.readTree(created.body()).get("upload_id").asText());

            HttpResponse<String> aborted = post(server, MPU + "abort/shared", abort);

            assertThat(aborted.statusCode()).as(aborted.body()).isEqualTo(200);
            assertThat(aborted.body()).isEqualTo("{}");
            assertThat(admin.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
            assertThat(admin.listObjectsV2(request -> request.bucket(bucket)).contents()).isEmpty();
            HttpResponse<String> again = post(server, MPU + "abort/shared", abort);
            assertThat(again.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(again.body()).get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            assertThat(JSON.readTree(again.body()).get("message").asText())
                    .contains("'s3://" + bucket + "/shared/big.bin'").contains("S3 has no such upload there");
        }
    }

    @Test
    void malformedMultipartRequestsAre400sBeforeS3IsAsked() throws Exception {
        try (RunningServer server = proxyingTo("s3://" + bucket)) {
            String parts = "[{\"part_number\": 1, \"etag\": \"e\"}]";
            Map<String, String> cases = new LinkedHashMap<>();
            cases.put("create/d {\"path\": \"a.bin\", \"num_parts\": 0}",
                    "Invalid value 0 for parameter 'num_parts': a multipart upload has 1 to 10000 parts");
            cases.put("create/d {\"path\": \"a.bin\", \"num_parts\": 10001}",
                    "Invalid value 10001 for parameter 'num_parts'");
            cases.put("create/d {\"path\": \"a.bin\"}", "Missing value for required parameter 'num_parts'");
            cases.put("create/d {\"num_parts\": 2}", "Missing value for required parameter 'path'");
            cases.put("create/d {\"path\": \"out/\", \"num_parts\": 2}",
                    "Invalid value 'out/' for parameter 'path': expected the path of the file being uploaded");
            cases.put("create/d {\"path\": \"..\", \"num_parts\": 2}", "Invalid value '..' for parameter 'path'");
            cases.put("create/%2e%2e%2fescape {\"path\": \"a.bin\", \"num_parts\": 2}", "Invalid path");
            cases.put("complete/d {\"path\": \"a.bin\", \"parts\": " + parts + "}",
                    "Missing value for required parameter 'upload_id'");
            cases.put("complete/d {\"path\": \"a.bin\", \"upload_id\": \"u\", \"parts\": []}",
                    "Missing value for required parameter 'parts'");
            cases.put("complete/d {\"path\": \"a.bin\", \"upload_id\": \"u\", \"parts\": [{\"etag\": \"e\"}]}",
                    "Missing value for required parameter 'parts[0].part_number'");
            cases.put("complete/d {\"path\": \"a.bin\", \"upload_id\": \"u\", \"parts\": "
                    + "[{\"part_number\": 0, \"etag\": \"e\"}]}", "Invalid value 0 for parameter 'part_number'");
            cases.put("complete/d {\"path\": \"a.bin\", \"upload_id\": \"u\", \"parts\": "
                    + "[{\"part_number\": 2, \"etag\": \"e\"}, {\"part_number\": 2, \"etag\": \"f\"}]}",
                    "part_number 2 is given more than once");
            cases.put("abort/d {\"path\": \"a.bin\"}", "Missing value for required parameter 'upload_id'");
            for (Map.Entry<String, String> entry : cases.entrySet()) {
                int space = entry.getKey().indexOf(' ');
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + MPU
                        + entry.getKey().substring(0, space))).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(entry.getKey().substring(space + 1))).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).as(entry.getKey() + " -> " + response.body()).isEqualTo(400);
                JsonNode error = JSON.readTree(response.body());
                assertThat(error.get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
                assertThat(error.get("message").asText()).as(entry.getKey()).contains(entry.getValue());
            }
            HttpResponse<String> unknown = post(server, MPU + "complete/d", (ObjectNode) JSON.readTree(
                    "{\"path\": \"a.bin\", \"upload_id\": \"no-such-upload\", \"parts\": " + parts + "}"));
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
            assertThat(admin.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
        }
    }

    @Test
    void clientSendsLargeFilesInPartsStraightToTheBucketWhenMlflowsVariablesAskForIt() throws Exception {
        Path local = folder.resolve("checkpoint-0042.tmp");
        writeGenerated(local, MULTIPART_FILE);
        Path config = Files.writeString(folder.resolve("config.json"), "{\"layers\": 3}");
        try (RunningServer server = proxyingTo("s3://" + bucket + "/mlartifacts")) {
            TrackingClient client = client(server, MULTIPART_ON);
            String experimentId = client.createExperiment("client-multipart");
            String runId = client.createRun(experimentId).info().runId();

            client.logArtifact(runId, "model/weights.bin", local);
            client.logArtifact(runId, "model/config.json", config);

            String key = "mlartifacts/" + experimentId + "/" + runId + "/artifacts/model/weights.bin";
            assertThat(admin.headObject(request -> request.bucket(bucket).key(key)).eTag())
                    .as("three parts of 5 MiB").endsWith("-3\"");
            try (InputStream downloaded = client.openRunArtifact(runId, "model/weights.bin")) {
                assertThat(downloaded.readAllBytes()).isEqualTo(Files.readAllBytes(local));
            }
            assertThat(requests(server, "POST", "mpu/create/<path>")).isEqualTo(1);
            assertThat(requests(server, "POST", "mpu/complete/<path>")).isEqualTo(1);
            assertThat(requests(server, "PUT", "artifacts/<path>")).as("the small file only").isEqualTo(1);
            assertThat(admin.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
            assertThat(client.listArtifacts(runId, Optional.of("model"), Optional.empty()).files()).containsExactly(
                    new FileInfo("model/config.json", false, Optional.of(13L)),
                    new FileInfo("model/weights.bin", false, Optional.of(MULTIPART_FILE)));
        }
    }

    @Test
    void withoutMlflowsVariableTheSameFileGoesUpWithOnePut() throws Exception {
        Path local = folder.resolve("weights.bin");
        writeGenerated(local, MULTIPART_FILE);
        try (RunningServer server = proxyingTo("s3://" + bucket)) {
            TrackingClient client = client(server, Map.of(MultipartSettings.MINIMUM_FILE_SIZE_VARIABLE, "1048576",
                    MultipartSettings.CHUNK_SIZE_VARIABLE, String.valueOf(FIVE_MIB)));

            client.uploadArtifact("shared/weights.bin", local);

            assertThat(requests(server, "PUT", "artifacts/<path>")).isEqualTo(1);
            assertThat(requests(server, "POST", "mpu/create/<path>")).isZero();
            assertThat(admin.headObject(request -> request.bucket(bucket).key("shared/weights.bin")).eTag())
                    .doesNotEndWith("-3\"");
            try (InputStream downloaded = client.openArtifact("shared/weights.bin")) {
                assertThat(downloaded.readAllBytes()).isEqualTo(Files.readAllBytes(local));
            }
        }
    }

    @Test
    void aDestinationWithoutMultipartUploadGetsASinglePutAfterIts501() throws Exception {
        Path local = folder.resolve("weights.bin");
        writeGenerated(local, MULTIPART_FILE);
        try (RunningServer server = RunningServer.onFolder(folder)) {
            TrackingClient client = client(server, MULTIPART_ON);

            client.uploadArtifact("shared/weights.bin", local);

            assertThat(requests(server, "POST", "mpu/create/<path>", 501)).isEqualTo(1);
            assertThat(requests(server, "PUT", "artifacts/<path>", 200)).isEqualTo(1);
            assertThat(folder.resolve("artifacts/shared/weights.bin")).hasSameBinaryContentAs(local);
        }
    }

    @Test
    void badMultipartVariablesStopCommandsNamingTheVariable() {
        Map<String, String> variables = Map.of("MLFLOW_TRACKING_URI", "http://127.0.0.1:1",
                MultipartSettings.ENABLE_VARIABLE, "true", MultipartSettings.CHUNK_SIZE_VARIABLE, "1048576");

        for (String[] command : List.of(new String[] {"experiments", "create", "-n", "x"}, new String[] {"audit"})) {
            CliRun run = CliRun.run(CliRun.environment(folder, variables), command);

            assertThat(run.exitCode()).as(run.toString()).isNotZero();
            assertThat(run.err()).as(run.toString())
                    .contains("Invalid value 1048576 for " + MultipartSettings.CHUNK_SIZE_VARIABLE);
        }
    }

    /** A client of the server with the multipart settings of these variables. */
    /** A server on a SQLite store in the test's folder, its artifact proxy writing to {@code destination} on S3. */
    private RunningServer proxyingTo(String destination) {
        return RunningServer.start(folder, CREDENTIALS,
                "--backend-store-uri", "sqlite:///" + folder.resolve("tracking.db"),
                "--artifacts-destination", destination, "--s3-endpoint-url", endpoint);
    }

    private static TrackingClient client(RunningServer server, Map<String, String> variables) {
        return TrackingClient.create(server.uri(), RetryPolicy.none(), Credentials.none(),
                MultipartSettings.fromVariables(variables));
    }

    /** How many requests the server answered on the route of the proxy ending with {@code route}, by its metrics. */
    private static long requests(RunningServer server, String method, String route) throws Exception {
        return requests(server, method, route, 0);
    }

    /** {@link #requests(RunningServer, String, String)} with this status only (0 for any). */
    private static long requests(RunningServer server, String method, String route, int status) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String series = "slipway_http_requests_total{route=\"/api/2.0/mlflow-artifacts/" + route + "\",method=\""
                + method + "\",status=\"";
        return metrics.lines().filter(line -> line.startsWith(series)
                        && (status == 0 || line.startsWith(series + status + "\"")))
                .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static HttpResponse<String> post(RunningServer server, String path, ObjectNode body)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Writes {@code length} pseudo-random bytes, one MiB at a time, and returns their SHA-256. */
    private static String writeGenerated(Path file, long length) throws IOException {
        MessageDigest digest = sha256();
        Random random = new Random(42);
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < length; written += chunk.length) {
                random.nextBytes(chunk);
                int count = (int) Math.min(chunk.length, length - written);
                out.write(chunk, 0, count);
                digest.update(chunk, 0, count);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            digest.update(buffer, 0, read);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
