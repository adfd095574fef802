package dev.slipway.artifacts;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.ArtifactRepositoryFactory;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * {@code s3://bucket/prefix} locations on AWS S3 or, with an endpoint, any S3-compatible store. The factory builds one
 * S3 client on first use and shares it among the repositories it creates; {@link #close()} releases it.
 *
 * <p>With an endpoint ({@code MLFLOW_S3_ENDPOINT_URL}) requests use path-style addressing, the region defaults to
 * {@code us-east-1}, and checksums are sent only where S3 requires them (as Content-MD5), which S3-compatible stores
 * understand. Without one, requests go to AWS S3 in the configured region (else the profile's, else
 * {@code us-east-1}), following buckets to their own region. A presigner built from the same settings (endpoint,
 * path-style addressing, region, credentials) signs the part URLs of clients' multipart uploads; without an endpoint
 * those URLs are signed for the configured region, which must then be the bucket's.
 */
public final class S3ArtifactRepositoryFactory implements ArtifactRepositoryFactory, AutoCloseable {
    private final Supplier<S3ClientSettings> settingsSource;
    private final int partSize;
    private S3ClientSettings settings;
    private S3Client client;
    private S3Presigner presigner;
    private SdkHttpClient httpClient;
    private AwsCredentialsProvider credentials;
    private boolean closed;

    /** AWS S3 through the SDK's default chains; what {@link java.util.ServiceLoader} finds. */
    public S3ArtifactRepositoryFactory() {
        this(S3ClientSettings.defaults());
    }

    public S3ArtifactRepositoryFactory(S3ClientSettings settings) {
        this(settings, S3ArtifactRepository.DEFAULT_PART_SIZE);
    }

    /** @param partSize the multipart part size of the repositories, see {@link S3ArtifactRepository} */
    public S3ArtifactRepositoryFactory(S3ClientSettings settings, int partSize) {
        this(constant(requireNonNull(settings, "settings is null")), partSize);
    }

    private S3ArtifactRepositoryFactory(Supplier<S3ClientSettings> settingsSource, int partSize) {
        this.settingsSource = settingsSource;
        this.partSize = partSize;
    }

    private static Supplier<S3ClientSettings> constant(S3ClientSettings settings) {
        return () -> settings;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("s3");
    }

    /**
     * A new factory, with its own client, for the {@link S3ClientSettings#fromVariables variables}. They are read when
     * the first {@code s3://} repository is created, so AWS variables that are malformed do not matter to a server
     * that keeps its artifacts elsewhere; that first {@link #create} reports them.
     */
    @Override
    public ArtifactRepositoryFactory configured(Map<String, String> settings) {
        Map<String, String> variables = Map.copyOf(settings);
        return new S3ArtifactRepositoryFactory(() -> S3ClientSettings.fromVariables(variables), partSize);
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE if the URI is not {@code s3://bucket[/prefix]} or a setting is
     *     malformed
     */
    @Override
    public ArtifactRepository create(URI root) {
        String bucket = root.getRawAuthority();
        if (bucket == null || !bucket.matches("[A-Za-z0-9._-]+")) {
            throw SlipwayException.invalidParameter("Invalid S3 location '%s': expected s3://bucket/prefix", root);
        }
        String path = root.getPath() == null ? "" : root.getPath();
        StringBuilder prefix = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw SlipwayException.invalidParameter("Invalid S3 location '%s': '%s' is not allowed", root,
                        segment);
            }
            if (!segment.isEmpty()) {
                prefix.append(prefix.length() == 0 ? "" : "/").append(segment);
            }
        }
        synchronized (this) {
            connect();
            return new S3ArtifactRepository(client, presigner, bucket, prefix.toString(), partSize);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            presigner.close();
            httpClient.close();
            if (credentials instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Closing the AWS credential provider failed: "
                            + e.getMessage(), e);
                }
            }
            client = null;
        }
    }

    @Override
    public synchronized String toString() {
        return "S3ArtifactRepositoryFactory[" + (settings == null ? "not connected" : settings) + "]";
    }

    /** Builds the client and the presigner on first use. */
    private synchronized void connect() {
        if (closed) {
            throw new SlipwayException(ErrorCode.INVALID_STATE, "The S3 artifact repositories are closed");
        }
        if (client == null) {
            settings = settingsSource.get();
            AttributeMap.Builder http = AttributeMap.builder();
            if (settings.ignoreTls()) {
                http.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE);
            }
            httpClient = Apache5HttpClient.builder().buildWithDefaults(http.build());
            credentials = credentials();
            S3ClientBuilder builder = S3Client.builder().httpClient(httpClient).credentialsProvider(credentials);
            S3Presigner.Builder presigning = S3Presigner.builder().credentialsProvider(credentials);
            if (settings.endpoint().isPresent()) {
                Region region = Region.of(settings.region().orElse("us-east-1"));
                builder.endpointOverride(settings.endpoint().get()).forcePathStyle(true).region(region)
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                        .addPlugin(LegacyMd5Plugin.create());
                presigning.endpointOverride(settings.endpoint().get()).region(region)
                        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
            } else {
                Region region = settings.region().map(Region::of)
                        .orElseGet(S3ArtifactRepositoryFactory::defaultRegion);
                builder.region(region).crossRegionAccessEnabled(true);
                presigning.region(region);
            }
            client = builder.build();
            presigner = presigning.build();
        }
    }

    private AwsCredentialsProvider credentials() {
        if (settings.accessKeyId().isPresent()) {
            String keyId = settings.accessKeyId().get();
            String secret = settings.secretAccessKey().orElseThrow();
            return StaticCredentialsProvider.create(settings.sessionToken()
                    .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                            token -> AwsSessionCredentials.create(keyId, secret, token))
                    .orElseGet(() -> AwsBasicCredentials.create(keyId, secret)));
        }
        if (settings.profile().isPresent()) {
            return ProfileCredentialsProvider.create(settings.profile().get());
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** The region of the system settings or the profile, without asking EC2 instance metadata (slow elsewhere). */
    private static Region defaultRegion() {
        try {
            return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                    .getRegion();
        } catch (RuntimeException e) {
            return Region.US_EAST_1;
        }
    }
}
