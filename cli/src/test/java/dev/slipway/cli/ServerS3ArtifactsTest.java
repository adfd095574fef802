package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.FileInfo;
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
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code slipway server --artifacts-destination s3://...} against a real S3-compatible server (S3Proxy) in this JVM:
 * artifacts go through the proxy routes into the bucket and stream back.
 */
class ServerS3ArtifactsTest {
    private static final String ACCESS_KEY = "slipway-access";
    private static final String SECRET_KEY = "slipway-secret";
    private static final Map<String, String> CREDENTIALS = Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    private static final long LARGE = 20L * 1024 * 1024 + 4321;
    private static S3Proxy proxy;
    private static String endpoint;
    private static S3Client admin;
    private static int bucketNumber;

    @TempDir
    Path folder;

    private String bucket;

    @BeforeAll
    static void startS3() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        admin = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @AfterAll
    static void stopS3() throws Exception {
        admin.close();
        proxy.stop();
    }

    @BeforeEach
    void createBucket() {
        bucket = "mlflow-" + (++bucketNumber);
        admin.createBucket(request -> request.bucket(bucket));
    }

    @Test
    void runArtifactsGoThroughTheProxyIntoTheBucketAndStreamBack() throws Exception {
        Path weights = folder.resolve("weights.bin");
        String weightsSha256 = writeGenerated(weights, LARGE);

        try (RunningServer server = RunningServer.start(folder, CREDENTIALS,
                "--backend-store-uri", "sqlite:///" + folder.resolve("tracking.db"),
                "--artifacts-destination", "s3://" + bucket + "/mlartifacts", "--s3-endpoint-url", endpoint)) {
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
        try (RunningServer server = RunningServer.start(folder, CREDENTIALS,
                "--backend-store-uri", "sqlite:///" + folder.resolve("tracking.db"),
                "--artifacts-destination", "s3://no-such-bucket/x", "--s3-endpoint-url", endpoint)) {
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
