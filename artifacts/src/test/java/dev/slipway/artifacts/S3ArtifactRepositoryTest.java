package dev.slipway.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.ArtifactRepositoryFactory;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.artifacts.MultipartUploads;
import dev.slipway.core.artifacts.MultipartUploads.PartUrl;
import dev.slipway.core.artifacts.MultipartUploads.Upload;
import dev.slipway.core.artifacts.MultipartUploads.UploadedPart;
import dev.slipway.testing.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The repository contract, and what is particular to S3, against a real S3-compatible server (S3Proxy) in this JVM. */
class S3ArtifactRepositoryTest extends AbstractArtifactRepositoryTest {
    private static final String ACCESS_KEY = "access";
    private static final String SECRET_KEY = "secret-key";
    private static final String PREFIX = "team/mlartifacts";
    private static final int FIVE_MIB = 5 * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static S3TestServer s3;
    private static URI endpoint;
    private static S3Client admin;
    private static S3ArtifactRepositoryFactory factory;

    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3TestServer.start(ACCESS_KEY, SECRET_KEY);
        endpoint = s3.endpoint();
        admin = s3.admin();
        factory = new S3ArtifactRepositoryFactory(settings(SECRET_KEY));
    }

    @AfterAll
    static void stopServer() throws Exception {
        factory.close();
        s3.close();
    }

    private static S3ClientSettings settings(String secretKey) {
        return S3ClientSettings.fromVariables(Map.of(S3ClientSettings.ENDPOINT_URL, endpoint.toString(),
                S3ClientSettings.ACCESS_KEY_ID, ACCESS_KEY, S3ClientSettings.SECRET_ACCESS_KEY, secretKey));
    }

    @Override
    ArtifactRepository createRepository() {
        bucket = s3.createBucket("artifacts");
        return factory.create(URI.create("s3://" + bucket + "/" + PREFIX));
    }

    @Test
    void filesAreObjectsUnderThePrefixWithTheArtifactPathAsKey() throws IOException {
        repository.put("1/0123abcd/artifacts/model/MLmodel", text("flavors: {}\n"));

        assertThat(admin.getObjectAsBytes(request -> request.bucket(bucket)
                .key(PREFIX + "/1/0123abcd/artifacts/model/MLmodel")).asUtf8String()).isEqualTo("flavors: {}\n");
    }

    @Test
    void filesAboveOnePartAreUploadedInPartsAndSmallerOnesWithOnePut() throws IOException {
        repository.put("large.bin", GeneratedContent.of(1, LARGE));
        repository.put("one-part.bin", GeneratedContent.of(2, S3ArtifactRepository.DEFAULT_PART_SIZE));

        assertThat(admin.headObject(request -> request.bucket(bucket).key(PREFIX + "/large.bin")).eTag())
                .as("a multipart ETag ends in -<number of parts>: 8 + 8 + 4 MiB").endsWith("-3\"");
        assertThat(admin.headObject(request -> request.bucket(bucket).key(PREFIX + "/one-part.bin")).eTag())
                .doesNotContain("-");
        try (InputStream in = repository.open("one-part.bin").orElseThrow()) {
            assertThat(GeneratedContent.sha256(in))
                    .isEqualTo(GeneratedContent.sha256(2, S3ArtifactRepository.DEFAULT_PART_SIZE));
        }
    }

    @Test
    void failedMultipartUploadIsAborted() {
        assertThatThrownBy(() -> repository.put("broken.bin",
                GeneratedContent.failingAfter(3, LARGE, 12L * 1024 * 1024))).isInstanceOf(IOException.class);

        assertThat(admin.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void listIgnoresFolderMarkersThatOtherToolsCreate() throws IOException {
        admin.putObject(request -> request.bucket(bucket).key(PREFIX + "/plots/"), RequestBody.empty());
        admin.putObject(request -> request.bucket(bucket).key(PREFIX + "/plots/loss.png"), RequestBody.fromString("png"));

        assertThat(repository.list("")).containsExactly(new FileInfo("plots", true, Optional.empty()));
        assertThat(repository.list("plots")).containsExactly(new FileInfo("plots/loss.png", false, Optional.of(3L)));
    }

    @Test
    void listPagesThroughMoreThanOneThousandObjects() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 1005; i++) {
                String key = String.format("%s/many/f%04d.txt", PREFIX, i);
                writes.add(writers.submit(() -> admin.putObject(request -> request.bucket(bucket).key(key),
                        RequestBody.fromString("x"))));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            writers.shutdownNow();
        }

        List<FileInfo> files = repository.list("many");
        assertThat(files).hasSize(1005);
        assertThat(files.get(1004).path()).isEqualTo("many/f1004.txt");

        repository.delete("many");
        assertThat(repository.list("")).as("deleted in batches of 1000").isEmpty();
    }

    @Test
    void bucketRootWithoutPrefixHoldsFilesAtTheTopLevel() throws IOException {
        ArtifactRepository atRoot = factory.create(URI.create("s3://" + bucket));
        atRoot.put("top.txt", text("t"));

        assertThat(admin.getObjectAsBytes(request -> request.bucket(bucket).key("top.txt")).asUtf8String())
                .isEqualTo("t");
        assertThat(atRoot.list("")).containsExactly(new FileInfo("top.txt", false, Optional.of(1L)));
    }

    @Test
    void proxiedArtifactUrisResolveUnderTheS3Destination() throws IOException {
        ArtifactRepositories repositories = new ArtifactRepositories(
                List.of(new LocalArtifactRepositoryFactory(), factory), Optional.of("s3://" + bucket + "/proxied"));

        repositories.resolve("mlflow-artifacts:/1/abc/artifacts").put("model.onnx", text("onnx"));
        repositories.destination().put("direct.txt", text("d"));

        assertThat(admin.getObjectAsBytes(request -> request.bucket(bucket).key("proxied/1/abc/artifacts/model.onnx"))
                .asUtf8String()).isEqualTo("onnx");
        assertThat(repositories.destination().list("")).extracting(FileInfo::path).containsExactly("1", "direct.txt");
    }

    @Test
    void missingBucketIsAnErrorNamingTheBucketNotAMissingFile() {
        ArtifactRepository missing = factory.create(URI.create("s3://no-such-bucket/x"));

        for (var operation : List.<ThrowingOperation>of(() -> missing.put("a.txt", text("a")),
                () -> missing.open("a.txt"), () -> missing.size("a.txt"), () -> missing.list(""),
                () -> missing.delete("a"))) {
            assertThatThrownBy(operation::run).isInstanceOfSatisfying(SlipwayException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                    .hasMessageContaining("S3 bucket 'no-such-bucket' does not exist at " + endpoint);
        }
    }

    @Test
    void refusedCredentialsAreAPermissionErrorNamingBucketAndKey() {
        try (S3ArtifactRepositoryFactory wrongSecret = new S3ArtifactRepositoryFactory(settings("wrong-secret"))) {
            ArtifactRepository refused = wrongSecret.create(URI.create("s3://" + bucket + "/" + PREFIX));

            assertThatThrownBy(() -> refused.put("a.txt", text("a"))).isInstanceOfSatisfying(SlipwayException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessageContaining("S3 refused access to bucket '" + bucket + "'")
                    .hasMessageContaining("'s3://" + bucket + "/" + PREFIX + "/a.txt'")
                    .hasMessageContaining("AWS_ACCESS_KEY_ID");
        }
    }

    @Test
    void unreachableEndpointIsUnavailableNamingEndpointAndKey() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (S3ArtifactRepositoryFactory away = new S3ArtifactRepositoryFactory(S3ClientSettings.fromVariables(Map.of(
                S3ClientSettings.ENDPOINT_URL, "http://127.0.0.1:" + closedPort,
                S3ClientSettings.ACCESS_KEY_ID, "a", S3ClientSettings.SECRET_ACCESS_KEY, "b")))) {
            ArtifactRepository unreachable = away.create(URI.create("s3://somewhere/p"));

            assertThatThrownBy(() -> unreachable.open("a.txt")).isInstanceOfSatisfying(SlipwayException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                    .hasMessageContaining("S3 endpoint http://127.0.0.1:" + closedPort + " is not reachable")
                    .hasMessageContaining("'s3://somewhere/p/a.txt'");
        }
    }

    @Test
    void factoryConfiguredFromEnvironmentVariablesReachesTheEndpoint() throws IOException {
        ArtifactRepositoryFactory configured = new S3ArtifactRepositoryFactory().configured(Map.of(
                "MLFLOW_S3_ENDPOINT_URL", endpoint.toString(), "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_DEFAULT_REGION", "eu-west-1"));
        assertThat(configured).isInstanceOf(S3ArtifactRepositoryFactory.class);
        try (S3ArtifactRepositoryFactory owned = (S3ArtifactRepositoryFactory) configured) {
            ArtifactRepository configuredRepository = owned.create(URI.create("s3://" + bucket + "/env"));
            configuredRepository.put("f.txt", text("env"));
            assertThat(read(configuredRepository.open("f.txt").orElseThrow())).isEqualTo("env");
        }
    }

    @Test
    void malformedVariablesMatterOnlyOnceAnS3LocationIsUsed() {
        ArtifactRepositoryFactory configured = new S3ArtifactRepositoryFactory().configured(Map.of(
                "AWS_ACCESS_KEY_ID", "only-the-key-id"));

        assertThatThrownBy(() -> configured.create(URI.create("s3://" + bucket + "/x")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set");
    }

    @Test
    void factoryRefusesLocationsWithoutABucketOrWithDotSegments() {
        assertThatThrownBy(() -> factory.create(URI.create("s3:///only/a/path"))).isInstanceOf(SlipwayException.class)
                .hasMessageContaining("expected s3://bucket/prefix");
        assertThatThrownBy(() -> factory.create(URI.create("s3://user:pw@bucket/p")))
                .hasMessageContaining("expected s3://bucket/prefix");
        assertThatThrownBy(() -> factory.create(URI.create("s3://bucket/a/../b"))).hasMessageContaining("'..'");
    }

    @Test
    void closedFactoryRefusesNewRepositories() {
        S3ArtifactRepositoryFactory closing = new S3ArtifactRepositoryFactory(settings(SECRET_KEY));
        ArtifactRepositories repositories = new ArtifactRepositories(List.of(closing), Optional.empty());
        repositories.resolve("s3://" + bucket + "/x");

        repositories.close();

        assertThatThrownBy(() -> repositories.resolve("s3://" + bucket + "/x")).isInstanceOfSatisfying(
                SlipwayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
    }

    @Test
    void settingsRefuseHalfAKeyPairABadEndpointAndAnUnknownFlag() {
        assertThatThrownBy(() -> S3ClientSettings.fromVariables(Map.of("AWS_ACCESS_KEY_ID", "a")))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set");
        assertThatThrownBy(() -> S3ClientSettings.fromVariables(Map.of("MLFLOW_S3_ENDPOINT_URL", "minio:9000")))
                .hasMessageContaining("Invalid S3 endpoint URL 'minio:9000'");
        assertThatThrownBy(() -> S3ClientSettings.fromVariables(Map.of("MLFLOW_S3_IGNORE_TLS", "maybe")))
                .hasMessageContaining("MLFLOW_S3_IGNORE_TLS is 'maybe'");
        S3ClientSettings settings = S3ClientSettings.fromVariables(Map.of("AWS_ACCESS_KEY_ID", "key",
                "AWS_SECRET_ACCESS_KEY", "very-secret", "AWS_REGION", "eu-central-1", "AWS_DEFAULT_REGION", "us-west-2",
                "MLFLOW_S3_IGNORE_TLS", "TRUE", "MLFLOW_S3_ENDPOINT_URL", " "));
        assertThat(settings.region()).contains("eu-central-1");
        assertThat(settings.ignoreTls()).isTrue();
        assertThat(settings.endpoint()).isEmpty();
        assertThat(settings.toString()).doesNotContain("very-secret");
    }

    @Test
    void clientsSendPartsToPresignedUrlsAndCompletingJoinsThemIntoTheFile() throws Exception {
        MultipartUploads uploads = repository.multipartUploads().orElseThrow();
        byte[] content = GeneratedContent.of(11, 2L * FIVE_MIB + 1024).readAllBytes();

        Upload upload = uploads.create("model/weights.bin", 3);

        assertThat(upload.parts()).extracting(PartUrl::partNumber).containsExactly(1, 2, 3);
        assertThat(upload.parts()).allSatisfy(part -> {
            assertThat(part.url().toString()).as("path-style, at the endpoint, the key under the prefix")
                    .startsWith(endpoint + "/" + bucket + "/" + PREFIX + "/model/weights.bin?");
            assertThat(part.url().getQuery()).contains("uploadId=" + upload.uploadId())
                    .contains("partNumber=" + part.partNumber()).contains("X-Amz-Expires=3600")
                    .doesNotContain("checksum");
            assertThat(part.headers()).as("only the host is signed: a plain PUT does").isEmpty();
        });
        String etag1 = putPart(upload.parts().get(0), Arrays.copyOfRange(content, 0, FIVE_MIB));
        String etag2 = putPart(upload.parts().get(1), Arrays.copyOfRange(content, FIVE_MIB, 2 * FIVE_MIB));
        String etag3 = putPart(upload.parts().get(2), Arrays.copyOfRange(content, 2 * FIVE_MIB, content.length));
        assertThat(repository.open("model/weights.bin")).as("not visible before it is completed").isEmpty();

        uploads.complete("model/weights.bin", upload.uploadId(), List.of(new UploadedPart(3, etag3),
                new UploadedPart(1, etag1), new UploadedPart(2, etag2)));

        try (InputStream in = repository.open("model/weights.bin").orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(admin.headObject(request -> request.bucket(bucket).key(PREFIX + "/model/weights.bin")).eTag())
                .endsWith("-3\"");
        assertThat(admin.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void abortedUploadLeavesNothingAndCannotBeAbortedOrCompletedAgain() throws Exception {
        MultipartUploads uploads = repository.multipartUploads().orElseThrow();
        Upload upload = uploads.create("big.bin", 2);
        String etag = putPart(upload.parts().get(0), GeneratedContent.of(12, FIVE_MIB).readAllBytes());

        uploads.abort("big.bin", upload.uploadId());

        assertThat(admin.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
        assertThat(repository.list("")).isEmpty();
        assertThat(repository.size("big.bin")).isEmpty();
        assertThatThrownBy(() -> uploads.abort("big.bin", upload.uploadId()))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThatThrownBy(() -> uploads.complete("big.bin", upload.uploadId(), List.of(new UploadedPart(1, etag))))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void completingAnUnknownUploadIdIsNotFoundNamingTheUploadAndTheKey() {
        MultipartUploads uploads = repository.multipartUploads().orElseThrow();

        assertThatThrownBy(() -> uploads.complete("a.bin", "no-such-upload", List.of(new UploadedPart(1, "\"e\""))))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                .hasMessageContaining("Cannot complete the multipart upload 'no-such-upload' of 's3://" + bucket + "/"
                        + PREFIX + "/a.bin'")
                .hasMessageContaining("S3 has no such upload there");
    }

    @Test
    void completingWithAWrongEtagIsRefusedAndTheUploadCanStillBeCompleted() throws Exception {
        MultipartUploads uploads = repository.multipartUploads().orElseThrow();
        Upload upload = uploads.create("one-part.bin", 1);
        byte[] content = GeneratedContent.of(13, 1024).readAllBytes();
        String etag = putPart(upload.parts().get(0), content);

        assertThatThrownBy(() -> uploads.complete("one-part.bin", upload.uploadId(),
                List.of(new UploadedPart(1, "\"0123456789abcdef0123456789abcdef\""))))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("Cannot complete the multipart upload '" + upload.uploadId() + "'")
                .hasMessageContaining("InvalidPart")
                .hasMessageContaining("the ETag S3 answered to its PUT");
        assertThatThrownBy(() -> uploads.complete("one-part.bin", upload.uploadId(),
                List.of(new UploadedPart(1, etag), new UploadedPart(2, etag))))
                .as("a part that was never sent").isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));

        uploads.complete("one-part.bin", upload.uploadId(), List.of(new UploadedPart(1, etag)));
        try (InputStream in = repository.open("one-part.bin").orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void partCountsPartListsAndPathsAreCheckedBeforeS3IsAsked() {
        MultipartUploads uploads = repository.multipartUploads().orElseThrow();

        for (int partCount : new int[] {0, -1, MultipartUploads.MAX_PARTS + 1}) {
            assertThatThrownBy(() -> uploads.create("a.bin", partCount)).isInstanceOfSatisfying(
                    SlipwayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                    .hasMessageContaining("Invalid value " + partCount + " for parameter 'num_parts'")
                    .hasMessageContaining("1 to 10000 parts");
        }
        assertThatThrownBy(() -> uploads.complete("a.bin", "id", List.of()))
                .hasMessageContaining("Missing value for required parameter 'parts'");
        assertThatThrownBy(() -> uploads.complete("a.bin", "id", List.of(new UploadedPart(2, "\"a\""),
                new UploadedPart(2, "\"b\"")))).hasMessageContaining("part_number 2 is given more than once");
        assertThatThrownBy(() -> new UploadedPart(10_001, "\"a\"")).hasMessageContaining(
                "Invalid value 10001 for parameter 'part_number'");
        assertThatThrownBy(() -> new UploadedPart(1, " ")).hasMessageContaining("Missing value for parameter 'etag'");
        assertThatThrownBy(() -> uploads.create("", 1)).hasMessage("Invalid path");
        assertThatThrownBy(() -> uploads.abort("../x", "id")).hasMessage("Invalid path");
        assertThat(admin.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
    }

    /** PUTs a part's bytes to its presigned URL as an MLflow client does, with the part's headers; returns the ETag. */
    private static String putPart(PartUrl part, byte[] bytes) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(part.url())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        part.headers().forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT part %d: %s", part.partNumber(), response.body()).isEqualTo(200);
        return response.headers().firstValue("ETag").orElseThrow();
    }

    @FunctionalInterface
    private interface ThrowingOperation {
        void run() throws Exception;
    }
}
