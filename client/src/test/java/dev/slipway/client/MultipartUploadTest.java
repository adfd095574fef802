package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's side of MLflow's proxied multipart upload, against a real HTTP server on an ephemeral port that plays
 * both the tracking server (its {@code mpu} routes) and the artifact store behind the presigned part URLs, so that
 * what reaches each is seen: the part bytes, the headers, the ETags sent back, and the abort after a failure.
 */
class MultipartUploadTest {
    private static final int CHUNK = 5 * 1024 * 1024;
    private static final String MPU = "/api/2.0/mlflow-artifacts/mpu/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetryPolicy TWO_QUICK_RETRIES = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5));
    private static final MultipartSettings FROM_ONE_MIB = new MultipartSettings(true, 1024 * 1024, CHUNK);

    private record Request(String method, String path, Optional<String> authorization, Optional<String> metaHeader,
            byte[] body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    @TempDir
    Path folder;

    private HttpServer server;
    private ExecutorService handlers;
    private String uri;
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger failuresOfPart2 = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.start();
        uri = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        synchronized (requests) {
            requests.add(new Request(exchange.getRequestMethod(), path,
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("x-amz-meta-origin")), body));
        }
        if (path.startsWith(MPU + "create/")) {
            int partCount = JSON.readTree(body).get("num_parts").asInt();
            StringBuilder credentials = new StringBuilder();
            for (int part = 1; part <= partCount; part++) {
                credentials.append(part == 1 ? "" : ", ").append("{\"url\": \"").append(uri).append("/bucket/part-")
                        .append(part).append("?X-Amz-Signature=abc\", \"part_number\": ").append(part)
                        .append(", \"headers\": {\"x-amz-meta-origin\": \"slipway\"}}");
            }
            send(exchange, 200, "{\"upload_id\": \"upload-7\", \"credentials\": [" + credentials + "]}", null);
        } else if (path.startsWith("/bucket/part-")) {
            String partNumber = path.substring("/bucket/part-".length());
            if (partNumber.equals("2") && failuresOfPart2.getAndDecrement() > 0) {
                send(exchange, 500, "<Error><Code>InternalError</Code></Error>", null);
            } else {
                send(exchange, 200, "", "\"etag-" + partNumber + "\"");
            }
        } else {
            send(exchange, 200, "{}", null);
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String etag) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (etag != null) {
            exchange.getResponseHeaders().add("ETag", etag);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private List<Request> requests(String method, String pathPrefix) {
        synchronized (requests) {
            return requests.stream().filter(request -> request.method().equals(method)
                    && request.path().startsWith(pathPrefix)).toList();
        }
    }

    private TrackingClient client(RetryPolicy retryPolicy, MultipartSettings settings) {
        return TrackingClient.create(uri, retryPolicy, Credentials.bearer("server-token"), settings);
    }

    private Path generated(String name, int length) throws IOException {
        byte[] content = new byte[length];
        new Random(length).nextBytes(content);
        return Files.write(folder.resolve(name), content);
    }

    @Test
    void partsGoToTheirPresignedUrlsWithoutTheServersCredentialsAndTheirEtagsCompleteTheUpload() throws Exception {
        Path file = generated("local-copy.tmp", 2 * CHUNK + 123);
        failuresOfPart2.set(1);

        client(TWO_QUICK_RETRIES, FROM_ONE_MIB).uploadArtifact("1/run/artifacts/model/weights.bin", file);

        List<Request> created = requests("POST", MPU + "create/");
        assertThat(created).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo(MPU + "create/1/run/artifacts/model");
            assertThat(request.json()).isEqualTo(JSON.readTree("{\"path\": \"weights.bin\", \"num_parts\": 3}"));
            assertThat(request.authorization()).contains("Bearer server-token");
        });
        List<Request> parts = requests("PUT", "/bucket/");
        assertThat(parts).as("part 2 is sent again after its 500").hasSize(4);
        assertThat(parts).allSatisfy(part -> {
            assertThat(part.authorization()).isEmpty();
            assertThat(part.metaHeader()).contains("slipway");
        });
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int part = 1; part <= 3; part++) {
            String path = "/bucket/part-" + part;
            Request last = parts.stream().filter(request -> request.path().equals(path)).reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(last.body().length).isEqualTo(part < 3 ? CHUNK : 123);
            joined.write(last.body());
        }
        assertThat(joined.toByteArray()).isEqualTo(Files.readAllBytes(file));
        assertThat(requests("POST", MPU + "complete/")).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo(MPU + "complete/1/run/artifacts/model");
            JsonNode body = request.json();
            assertThat(body.get("path").asText()).isEqualTo("weights.bin");
            assertThat(body.get("upload_id").asText()).isEqualTo("upload-7");
            assertThat(body.get("parts").findValuesAsText("part_number")).containsExactly("1", "2", "3");
            assertThat(body.get("parts").findValuesAsText("etag"))
                    .containsExactly("\"etag-1\"", "\"etag-2\"", "\"etag-3\"");
            assertThat(body.get("parts").get(1).get("url").asText())
                    .isEqualTo(uri + "/bucket/part-2?X-Amz-Signature=abc");
        });
        assertThat(requests("PUT", "/api/")).isEmpty();
        assertThat(requests("POST", MPU + "abort/")).isEmpty();
    }

    @Test
    void aPartThatKeepsFailingAbortsTheUploadAndTheErrorNamesTheFile() throws Exception {
        Path file = generated("weights.bin", 2 * CHUNK + 123);
        failuresOfPart2.set(Integer.MAX_VALUE);

        assertThatThrownBy(() -> client(TWO_QUICK_RETRIES, FROM_ONE_MIB).uploadArtifact("model/weights.bin", file))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                .hasMessageContaining("Multipart upload of '" + file + "' to 'model/weights.bin' failed and was "
                        + "aborted")
                .hasMessageContaining("PUT of part 2 of 3 to 127.0.0.1 failed with HTTP 500")
                .hasMessageNotContaining("X-Amz-Signature");

        assertThat(requests("PUT", "/bucket/part-2")).as("the first attempt and two retries").hasSize(3);
        assertThat(requests("POST", MPU + "abort/")).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo(MPU + "abort/model");
            assertThat(request.json())
                    .isEqualTo(JSON.readTree("{\"path\": \"weights.bin\", \"upload_id\": \"upload-7\"}"));
        });
        assertThat(requests("POST", MPU + "complete/")).isEmpty();
    }

    @Test
    void smallFilesTopLevelFilesAndDisabledSettingsUseOnePut() throws Exception {
        Path small = generated("small.bin", 1024);
        Path large = generated("large.bin", CHUNK + 1);

        client(RetryPolicy.none(), FROM_ONE_MIB).uploadArtifact("model/small.bin", small);
        client(RetryPolicy.none(), FROM_ONE_MIB).uploadArtifact("large.bin", large);
        client(RetryPolicy.none(), MultipartSettings.disabled()).uploadArtifact("model/large.bin", large);

        assertThat(requests("PUT", "/api/2.0/mlflow-artifacts/artifacts/")).extracting(Request::path).containsExactly(
                "/api/2.0/mlflow-artifacts/artifacts/model/small.bin", "/api/2.0/mlflow-artifacts/artifacts/large.bin",
                "/api/2.0/mlflow-artifacts/artifacts/model/large.bin");
        assertThat(requests("POST", MPU)).isEmpty();
    }

    @Test
    void aMissingFileIsAnInvalidParameterBeforeAnythingIsSent() {
        Path missing = folder.resolve("missing.bin");

        assertThatThrownBy(() -> client(RetryPolicy.none(), FROM_ONE_MIB).uploadArtifact("model/missing.bin", missing))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessage("Cannot upload '" + missing + "': no such file");
        assertThat(requests).isEmpty();
    }
}
