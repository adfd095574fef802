package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.testing.S3TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The remote contract against a real S3-compatible server (S3Proxy) started in this JVM. */
class S3RemoteTransfersTest extends AbstractRemoteTransfersTest {
    private static final String ACCESS_KEY = "access";
    private static final String SECRET_KEY = "secret-key";
    private static final String BUCKET = "dvc-store";
    private static S3TestServer s3;
    private static URI endpoint;
    private static S3Client admin;

    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3TestServer.start(ACCESS_KEY, SECRET_KEY);
        endpoint = s3.endpoint();
        admin = s3.admin();
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
    }

    @Override
    void configureRemote(Path repositoryRoot) {
        bucket = s3.createBucket(BUCKET);
        Path config = repositoryRoot.resolve(".dvc/config");
        DvcConfig.addRemote(config, "store", "s3://" + bucket + "/team/dvcstore", true, false);
        appendCredentials(repositoryRoot.resolve(".dvc/config.local"), "store", ACCESS_KEY, SECRET_KEY);
    }

    @Override
    void overwriteOnRemote(HashInfo hash, byte[] bytes) {
        admin.putObject(request -> request.bucket(bucket).key("team/dvcstore/" + Remote.objectKey(hash)),
                RequestBody.fromBytes(bytes));
    }

    /** A repository with model.bin added and the S3 remote as its default. */
    private Repository repositoryWithModel() {
        Fixtures.write(root.resolve("model.bin"), MODEL);
        Repository repository = Repository.init(root);
        configureRemote(root);
        repository.add(Path.of("model.bin"));
        return repository;
    }

    @Test
    void pushWritesObjectsUnderTheUrlPrefixInDvcThreeLayout() {
        try (Repository repository = repositoryWithModel();
                Remote remote = repository.openRemote(Optional.empty())) {
            repository.push(remote, List.of(), 4, Transfers.Progress.none());
        }
        String md5 = MODEL_HASH.value();
        byte[] stored = admin.getObjectAsBytes(request -> request.bucket(bucket)
                .key("team/dvcstore/files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2))).asByteArray();
        assertThat(stored).isEqualTo(MODEL);
    }

    /**
     * Objects are read as streams (hashed behind their writes into the cache); an absent one is named, and a file
     * whose bytes do not match its name is not sent.
     */
    @Test
    void objectsAreStreamedAndOnlyIntactFilesAreSent() throws Exception {
        try (Repository repository = repositoryWithModel();
                Remote remote = repository.openRemote(Optional.empty())) {
            assertThat(remote.streams()).isTrue();
            HashInfo absent = new HashInfo(HashName.MD5, "0123456789abcdef0123456789abcdef");
            assertThatThrownBy(() -> remote.open(absent)).isInstanceOf(SlipwayException.class)
                    .hasMessageContaining(absent.value())
                    .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);

            Path impostor = Fixtures.write(root.resolve("impostor.bin"), "not the model\n");
            assertThat(remote.uploadIfIntact(impostor, MODEL_HASH)).isNotEqualTo(MODEL_HASH.hex());
            assertThat(remote.existing(List.of(MODEL_HASH))).isEmpty();

            assertThat(remote.uploadIfIntact(root.resolve("model.bin"), MODEL_HASH)).isEqualTo(MODEL_HASH.hex());
            try (java.nio.channels.ReadableByteChannel in = remote.open(MODEL_HASH)) {
                assertThat(java.nio.channels.Channels.newInputStream(in).readAllBytes()).isEqualTo(MODEL);
            }
        }
    }

    @Test
    void manyObjectsAreCheckedByListingPrefixes() {
        Path data = root.resolve("many");
        for (int i = 0; i < S3Remote.HEAD_THRESHOLD + 10; i++) {
            Fixtures.write(data.resolve("f" + i + ".txt"), "file " + i + "\n");
        }
        try (Repository repository = Repository.init(root)) {
            configureRemote(root);
            repository.add(Path.of("many"));
            try (Remote remote = repository.openRemote(Optional.empty())) {
                assertThat(repository.push(remote, List.of(), 4, Transfers.Progress.none()).transferred())
                        .isEqualTo(S3Remote.HEAD_THRESHOLD + 11);
                Transfers.Result again = repository.push(remote, List.of(), 4, Transfers.Progress.none());
                assertThat(again.transferred()).isZero();
                assertThat(again.alreadyPresent()).isEqualTo(S3Remote.HEAD_THRESHOLD + 11);
            }
        }
    }

    @Test
    void refusedCredentialsAreOneMessageNamingRemoteAndUrl() throws Exception {
        Fixtures.write(root.resolve("model.bin"), MODEL);
        try (Repository repository = Repository.init(root)) {
            configureRemote(root);
            Files.delete(root.resolve(".dvc/config.local"));
            appendCredentials(root.resolve(".dvc/config.local"), "store", ACCESS_KEY, "wrong-secret");
            repository.add(Path.of("model.bin"));
            try (Remote remote = repository.openRemote(Optional.empty())) {
                assertThatThrownBy(() -> repository.push(remote, List.of(), 4, Transfers.Progress.none()))
                        .isInstanceOfSatisfying(SlipwayException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                        .hasMessageContaining("'store'")
                        .hasMessageContaining("s3://" + bucket + "/team/dvcstore")
                        .hasMessageContaining("refused the credentials");
            }
        }
    }

    @Test
    void unreachableEndpointIsOneMessageNamingRemoteAndUrl() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Fixtures.write(root.resolve("model.bin"), MODEL);
        try (Repository repository = Repository.init(root)) {
            DvcConfig.addRemote(root.resolve(".dvc/config"), "away", "s3://nowhere/x", true, false);
            Files.writeString(root.resolve(".dvc/config.local"), "['remote \"away\"']\n"
                    + "    endpointurl = http://127.0.0.1:" + closedPort + "\n"
                    + "    access_key_id = a\n    secret_access_key = b\n");
            repository.add(Path.of("model.bin"));
            try (Remote remote = repository.openRemote(Optional.empty())) {
                assertThatThrownBy(() -> repository.push(remote, List.of(), 4, Transfers.Progress.none()))
                        .isInstanceOfSatisfying(SlipwayException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                        .hasMessageContaining("Remote 'away' (s3://nowhere/x) is not reachable");
            }
        }
    }

    private void appendCredentials(Path configLocal, String remote, String keyId, String secret) {
        try {
            Files.writeString(configLocal, "['remote \"" + remote + "\"']\n"
                    + "    endpointurl = " + endpoint + "\n"
                    + "    access_key_id = " + keyId + "\n"
                    + "    secret_access_key = " + secret + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
