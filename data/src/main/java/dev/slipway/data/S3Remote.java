package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A remote in an S3 bucket or any S3-compatible store ({@code url = s3://bucket/prefix}), with DVC's
 * option names: {@code endpointurl} (path-style addressing then), {@code region} (default
 * {@code us-east-1}), {@code profile}, {@code access_key_id}, {@code secret_access_key},
 * {@code session_token}; without keys or profile the SDK's default credential chain applies.
 *
 * <p>Existence is checked with parallel HEAD requests for a few objects and by listing the
 * {@code XX/} prefixes involved, in parallel, for many. A PUT is atomic in S3, so no object is ever
 * visible half-written. Thread-safe; close it to release its client and threads.
 */
public final class S3Remote implements Remote {
    /** Up to this many objects are checked one HEAD each; more are checked by listing prefixes. */
    static final int HEAD_THRESHOLD = 64;

    private final String name;
    private final String url;
    private final String bucket;
    private final String prefix;
    private final S3Client client;
    private final ExecutorService executor;
    private final FileHasher hasher = new FileHasher();

    /**
     * @param client closed with this remote
     * @param threads how many existence checks run at once
     */
    public S3Remote(String name, String url, S3Client client, int threads) {
        this.name = requireNonNull(name, "name is null");
        this.url = requireNonNull(url, "url is null");
        this.client = requireNonNull(client, "client is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        if (!url.startsWith("s3://") || url.length() <= "s3://".length()) {
            throw SlipwayException.invalidParameter("Remote '%s' has URL '%s', expected s3://bucket/path", name, url);
        }
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        this.bucket = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
        this.prefix = path.isEmpty() ? "" : path + "/";
        this.executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "s3-remote-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Creates S3 remotes for {@code s3://} URLs from a remote's config section. */
    public static RemoteFactory factory() {
        return new RemoteFactory() {
            @Override
            public boolean accepts(String url) {
                return url.startsWith("s3://");
            }

            @Override
            public Remote create(String name, String url, Map<String, String> options, Path configFolder) {
                S3ClientBuilder builder = S3Client.builder()
                        .region(Region.of(options.getOrDefault("region", "us-east-1")))
                        .credentialsProvider(credentials(name, options));
                Optional.ofNullable(options.get("endpointurl")).ifPresent(endpoint -> {
                    try {
                        builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
                    } catch (IllegalArgumentException e) {
                        throw SlipwayException.invalidParameter(
                                "Remote '%s' has an invalid endpointurl '%s': %s", name, endpoint, e.getMessage());
                    }
                });
                int threads = Math.max(1, 4 * Runtime.getRuntime().availableProcessors());
                return new S3Remote(name, url, builder.build(), threads);
            }
        };
    }

    private static AwsCredentialsProvider credentials(String name, Map<String, String> options) {
        String keyId = options.get("access_key_id");
        String secret = options.get("secret_access_key");
        if (keyId != null || secret != null) {
            if (keyId == null || secret == null) {
                throw SlipwayException.invalidParameter(
                        "Remote '%s' sets only one of access_key_id and secret_access_key; set both", name);
            }
            String token = options.get("session_token");
            return StaticCredentialsProvider.create(token == null
                    ? AwsBasicCredentials.create(keyId, secret)
                    : AwsSessionCredentials.create(keyId, secret, token));
        }
        if (options.containsKey("profile")) {
            return ProfileCredentialsProvider.create(options.get("profile"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public Map<HashInfo, Long> existing(Collection<HashInfo> hashes) {
        Map<HashInfo, Long> found = new ConcurrentHashMap<>();
        List<Supplier<Void>> tasks = new ArrayList<>();
        if (hashes.size() <= HEAD_THRESHOLD) {
            for (HashInfo hash : hashes) {
                tasks.add(() -> {
                    head(hash).ifPresent(size -> found.put(hash, size));
                    return null;
                });
            }
        } else {
            Map<String, Set<HashInfo>> byPrefix = hashes.stream().collect(Collectors.groupingBy(
                    hash -> prefix + Remote.objectKey(hash).substring(0, Remote.objectKey(hash).lastIndexOf('/') + 1),
                    Collectors.toSet()));
            byPrefix.forEach((listed, wanted) -> tasks.add(() -> {
                for (S3Object object : call("list objects", () -> client.listObjectsV2Paginator(
                        request -> request.bucket(bucket).prefix(listed)).contents().stream().toList())) {
                    Remote.parseKey(object.key().substring(prefix.length()))
                            .filter(wanted::contains)
                            .ifPresent(hash -> found.put(hash, object.size()));
                }
                return null;
            }));
        }
        runAll(tasks);
        return Map.copyOf(found);
    }

    @Override
    public void upload(Path source, HashInfo hash) {
        call("upload '" + hash.value() + "'", () -> client.putObject(
                request -> request.bucket(bucket).key(key(hash)), RequestBody.fromFile(source)));
    }

    @Override
    public void download(HashInfo hash, Path target) {
        fetch(hash, () -> client.getObject(
                request -> request.bucket(bucket).key(key(hash)), ResponseTransformer.toFile(target)));
    }

    /** {@link #call} for a request that reads object {@code hash}, its absence reported as that object's. */
    private <T> T fetch(HashInfo hash, Supplier<T> body) {
        try {
            return call("download '" + hash.value() + "'", body);
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw SlipwayException.notFound("Object '%s' is not on remote '%s' (%s)", hash.value(), name, url);
            }
            throw e;
        }
    }

    /** Downloads are read as streams, hashed behind their writes into the cache ({@link LocalCache#receiveStream}). */
    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public ReadableByteChannel open(HashInfo hash) {
        InputStream body = fetch(hash, () -> client.getObject(request -> request.bucket(bucket).key(key(hash))));
        ReadableByteChannel channel = Channels.newChannel(body);
        // the SDK reports a connection lost while reading as an unchecked exception; the cache expects IOException
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer target) throws IOException {
                try {
                    return channel.read(target);
                } catch (SdkException e) {
                    throw new IOException("remote '" + name + "' (" + url + ") failed while sending '" + hash.value()
                            + "': " + e.getMessage(), e);
                }
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /** Hashes {@code source} (natively where the MD5 kernel runs), then sends it only if it matches. */
    @Override
    public String uploadIfIntact(Path source, HashInfo hash) {
        String actual = hasher.hash(source, HashName.MD5);
        if (actual.equals(hash.hex())) {
            upload(source, hash);
        }
        return actual;
    }

    @Override
    public Collection<HashInfo> list() {
        return call("list objects", () -> client.listObjectsV2Paginator(
                        request -> request.bucket(bucket).prefix(prefix)).contents().stream()
                .map(object -> Remote.parseKey(object.key().substring(prefix.length())))
                .flatMap(Optional::stream)
                .toList());
    }

    @Override
    public void delete(HashInfo hash) {
        call("delete '" + hash.value() + "'", () -> client.deleteObject(
                request -> request.bucket(bucket).key(key(hash))));
    }

    @Override
    public void close() {
        executor.shutdownNow();
        client.close();
    }

    private Optional<Long> head(HashInfo hash) {
        try {
            return Optional.of(call("check '" + hash.value() + "'", () -> client.headObject(
                    request -> request.bucket(bucket).key(key(hash))).contentLength()));
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST && !(e.getCause() instanceof S3Exception s3
                    && "NoSuchBucket".equals(errorCodeOf(s3)))) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private String key(HashInfo hash) {
        return prefix + Remote.objectKey(hash);
    }

    private void runAll(List<Supplier<Void>> tasks) {
        List<Future<Void>> futures = new ArrayList<>();
        for (Supplier<Void> task : tasks) {
            futures.add(executor.submit(task::get));
        }
        try {
            for (Future<Void> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Interrupted while checking remote '%s' (%s)", name, url), e);
        } catch (ExecutionException e) {
            futures.forEach(future -> future.cancel(true));
            if (e.getCause() instanceof SlipwayException slipway) {
                throw slipway;
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot check remote '%s' (%s): %s", name, url, e.getCause()), e.getCause());
        }
    }

    /** Runs one S3 call, turning SDK failures into one message that names the remote and its URL. */
    private <T> T call(String action, Supplier<T> body) {
        try {
            return body.get();
        } catch (S3Exception e) {
            String code = errorCodeOf(e);
            int status = e.statusCode();
            if (status == 403 || status == 401 || "InvalidAccessKeyId".equals(code)
                    || "SignatureDoesNotMatch".equals(code) || "AccessDenied".equals(code)) {
                throw new SlipwayException(ErrorCode.PERMISSION_DENIED, String.format(
                        "Remote '%s' (%s) refused the credentials or access (%s %s) while trying to %s",
                        name, url, status, code, action), e);
            }
            if ("NoSuchBucket".equals(code)) {
                throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, String.format(
                        "Remote '%s' (%s): bucket '%s' does not exist", name, url, bucket), e);
            }
            if (status == 404) {
                throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, String.format(
                        "Remote '%s' (%s) has no such object (while trying to %s)", name, url, action), e);
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                    "Remote '%s' (%s) failed to %s: %s %s", name, url, action, status, code), e);
        } catch (SdkClientException e) {
            throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, String.format(
                    "Remote '%s' (%s) is not reachable: %s", name, url, e.getMessage()), e);
        } catch (SdkException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                    "Remote '%s' (%s) failed to %s: %s", name, url, action, e.getMessage()), e);
        }
    }

    private static String errorCodeOf(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "" : e.awsErrorDetails().errorCode();
    }
}
