package dev.slipway.testing;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: S3Proxy keeping its buckets in memory, on an ephemeral port of this JVM,
 * checking AWS signatures against one access key, with a client of its own to create buckets and inspect objects.
 * Tests start one per class and make a bucket per test.
 */
public final class S3TestServer implements AutoCloseable {
    private final S3Proxy proxy;
    private final URI endpoint;
    private final S3Client admin;
    private final AtomicInteger buckets = new AtomicInteger();

    private S3TestServer(S3Proxy proxy, URI endpoint, S3Client admin) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.admin = admin;
    }

    /** Starts a server that accepts requests signed with this key pair, and returns once it listens. */
    public static S3TestServer start(String accessKey, String secretKey) throws Exception {
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(secretKey, "secretKey is null");
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        S3Client admin = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
        return new S3TestServer(proxy, endpoint, admin);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** A client of the server, signed with the server's key pair, path-style, in us-east-1. */
    public S3Client admin() {
        return admin;
    }

    /** Creates a bucket named {@code prefix-N}, N counting the buckets made so far, and returns its name. */
    public String createBucket(String prefix) {
        String bucket = prefix + "-" + buckets.incrementAndGet();
        admin.createBucket(request -> request.bucket(bucket));
        return bucket;
    }

    @Override
    public void close() throws Exception {
        admin.close();
        proxy.stop();
    }
}
