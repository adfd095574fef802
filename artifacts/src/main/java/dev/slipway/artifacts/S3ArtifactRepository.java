package dev.slipway.artifacts;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.artifacts.MultipartUploads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedUploadPartRequest;

/**
 * Artifacts under a prefix of an S3 bucket ({@code s3://bucket/prefix}), on AWS S3 or any S3-compatible store. The
 * artifact path {@code a/b.txt} is the object key {@code prefix/a/b.txt}; directories are key prefixes ending in
 * {@code /}, as in MLflow's S3 artifact repository, so the same bucket can be shared with MLflow.
 *
 * <p>{@link #put} streams: content up to one part is sent with a single PUT; larger content goes up as a multipart
 * upload, one part at a time, so at most one part is held in memory. Parts are {@link #DEFAULT_PART_SIZE} bytes (the
 * size doubles every 1,000 parts, up to {@link #MAX_PART_SIZE}, to stay within S3's 10,000 parts). A failed
 * multipart upload is aborted, and S3 makes an object visible only once it is complete, so readers never see half a
 * file. {@link #open} streams the object from S3 without buffering it.
 *
 * <p>{@link #multipartUploads()} lets clients send the parts of a large file straight to S3 (MLflow's proxied multipart
 * upload): it starts an upload of the file's key and presigns one UploadPart URL per part, valid for
 * {@link #PART_URL_LIFETIME}, which the client PUTs to without credentials of its own; completing joins the parts
 * with CompleteMultipartUpload. The URLs name the endpoint the presigner is configured with, so clients must be able
 * to reach it (AWS S3, or the {@code MLFLOW_S3_ENDPOINT_URL} of an S3-compatible store), and without an endpoint the
 * presigner's region must be the bucket's.
 *
 * <p>SDK failures become {@link SlipwayException}s that name the bucket and key: a missing bucket
 * (RESOURCE_DOES_NOT_EXIST), refused or missing credentials (PERMISSION_DENIED), an unreachable endpoint
 * (TEMPORARILY_UNAVAILABLE). Thread-safe; the client is shared and not closed by this repository.
 */
public final class S3ArtifactRepository implements ArtifactRepository {
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    /** S3's smallest part (all but the last part must be at least this large). */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    public static final int MAX_PART_SIZE = 512 * 1024 * 1024;
    /** How long the presigned URL of a part of a client's multipart upload stays valid. */
    public static final Duration PART_URL_LIFETIME = Duration.ofHours(1);
    private static final int MAX_PARTS = 10_000;
    private static final int PARTS_PER_PART_SIZE = 1_000;
    private static final int DELETE_BATCH = 1_000;
    private static final int INITIAL_BUFFER = 64 * 1024;
    /** S3's answers to a CompleteMultipartUpload whose part list does not fit what was uploaded. */
    private static final Set<String> REFUSED_PARTS_CODES = Set.of("InvalidPart", "InvalidPartOrder",
            "EntityTooSmall", "InvalidArgument");

    private final S3Client client;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final int partSize;

    /** A repository at {@code s3://bucket/prefix} with parts of {@link #DEFAULT_PART_SIZE} bytes. */
    public S3ArtifactRepository(S3Client client, S3Presigner presigner, String bucket, String prefix) {
        this(client, presigner, bucket, prefix, DEFAULT_PART_SIZE);
    }

    /**
     * @param presigner presigns the part URLs of {@link #multipartUploads()}; configured like the client (endpoint,
     *     path-style addressing, region, credentials); shared and not closed by this repository
     * @param prefix the key prefix of the root, without leading or trailing '/'; empty for the bucket's root
     * @param partSize the size of the first parts of a multipart upload, and the size up to which content is sent
     *     with a single PUT; between {@link #MIN_PART_SIZE} and {@link #MAX_PART_SIZE}
     */
    public S3ArtifactRepository(S3Client client, S3Presigner presigner, String bucket, String prefix, int partSize) {
        this.client = requireNonNull(client, "client is null");
        this.presigner = requireNonNull(presigner, "presigner is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        if (bucket.isEmpty() || bucket.contains("/")) {
            throw new IllegalArgumentException("bucket is not a bucket name: '" + bucket + "'");
        }
        if (prefix.startsWith("/") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix starts or ends with '/': '" + prefix + "'");
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be between " + MIN_PART_SIZE + " and " + MAX_PART_SIZE
                    + ": " + partSize);
        }
        this.partSize = partSize;
    }

    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public void put(String path, InputStream content) throws IOException {
        String normal = ArtifactPaths.validate(path);
        if (normal.isEmpty()) {
            throw ArtifactPaths.invalidPath();
        }
        String key = key(normal);
        PushbackInputStream input = new PushbackInputStream(content, 1);
        // the buffer grows as content arrives, so that small files do not cost a whole part of memory
        byte[] buffer = new byte[Math.min(partSize, INITIAL_BUFFER)];
        int length = 0;
        while (length < partSize) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(partSize, 2 * buffer.length));
            }
            int read = input.read(buffer, length, buffer.length - length);
            if (read < 0) {
                break;
            }
            length += read;
        }
        if (length < partSize || !hasMore(input)) {
            RequestBody body = body(buffer, length);
            call("write", key, () -> client.putObject(request -> request.bucket(bucket).key(key)
                    .contentType(contentType(normal)), body));
            return;
        }
        multipartUpload(normal, key, buffer, input);
    }

    @Override
    public Optional<InputStream> open(String path) throws IOException {
        String normal = ArtifactPaths.validate(path);
        if (normal.isEmpty()) {
            return Optional.empty();
        }
        String key = key(normal);
        return callUnlessMissing("read", key, () -> client.getObject(request -> request.bucket(bucket).key(key)));
    }

    @Override
    public Optional<Long> size(String path) throws IOException {
        String normal = ArtifactPaths.validate(path);
        if (normal.isEmpty()) {
            return Optional.empty();
        }
        String key = key(normal);
        Optional<Long> size = callUnlessMissing("check the size of", key,
                () -> client.headObject(request -> request.bucket(bucket).key(key)).contentLength());
        if (size.isEmpty()) {
            // a HEAD response has no body, so a missing bucket looks like a missing object: tell them apart
            try {
                client.headBucket(request -> request.bucket(bucket));
            } catch (S3Exception e) {
                throw e.statusCode() == 404 ? noSuchBucket("check the size of", key, e)
                        : translate(e, "check the size of", key);
            } catch (SdkException e) {
                throw translate(e, "check the size of", key);
            }
        }
        return size;
    }

    @Override
    public List<FileInfo> list(String path) throws IOException {
        String normal = ArtifactPaths.validate(path);
        String listed = directoryPrefix(normal);
        List<FileInfo> entries = new ArrayList<>();
        call("list", listed, () -> {
            for (ListObjectsV2Response page : client.listObjectsV2Paginator(
                    request -> request.bucket(bucket).prefix(listed).delimiter("/"))) {
                for (CommonPrefix directory : page.commonPrefixes()) {
                    String name = directory.prefix().substring(listed.length(), directory.prefix().length() - 1);
                    if (!name.isEmpty()) {
                        entries.add(new FileInfo(child(normal, name), true, Optional.empty()));
                    }
                }
                for (S3Object object : page.contents()) {
                    String name = object.key().substring(listed.length());
                    if (!name.isEmpty()) { // the marker object some tools create for an empty "folder"
                        entries.add(new FileInfo(child(normal, name), false, Optional.of(object.size())));
                    }
                }
            }
            return null;
        });
        entries.sort(Comparator.comparing(FileInfo::path));
        return List.copyOf(entries);
    }

    @Override
    public void delete(String path) throws IOException {
        String normal = ArtifactPaths.validate(path);
        if (!normal.isEmpty()) {
            String key = key(normal);
            call("delete", key, () -> client.deleteObject(request -> request.bucket(bucket).key(key)));
        }
        String tree = directoryPrefix(normal);
        call("delete", tree, () -> {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(tree))
                    .contents()) {
                batch.add(ObjectIdentifier.builder().key(object.key()).build());
                if (batch.size() == DELETE_BATCH) {
                    deleteObjects(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                deleteObjects(batch);
            }
            return null;
        });
    }

    @Override
    public Optional<MultipartUploads> multipartUploads() {
        return Optional.of(new PresignedMultipartUploads());
    }

    @Override
    public String toString() {
        return location(prefix);
    }

    /** Clients' multipart uploads: parts go to presigned UploadPart URLs, S3 holds the upload until it is joined. */
    private final class PresignedMultipartUploads implements MultipartUploads {
        @Override
        public Upload create(String path, int partCount) {
            MultipartUploads.checkPartCount(partCount);
            String normal = filePath(path);
            String key = key(normal);
            String uploadId = call("start a multipart upload of", key, () -> client.createMultipartUpload(
                    request -> request.bucket(bucket).key(key).contentType(contentType(normal))).uploadId());
            try {
                List<PartUrl> parts = new ArrayList<>(partCount);
                for (int partNumber = 1; partNumber <= partCount; partNumber++) {
                    parts.add(presignPart(key, uploadId, partNumber));
                }
                return new Upload(uploadId, parts);
            } catch (RuntimeException | Error e) {
                try {
                    client.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId));
                } catch (RuntimeException abortFailure) {
                    e.addSuppressed(abortFailure);
                }
                throw e;
            }
        }

        @Override
        public void complete(String path, String uploadId, List<UploadedPart> parts) {
            requireNonNull(uploadId, "uploadId is null");
            List<CompletedPart> sorted = MultipartUploads.checkParts(parts).stream()
                    .map(part -> CompletedPart.builder().partNumber(part.partNumber()).eTag(part.etag()).build())
                    .toList();
            String key = key(filePath(path));
            callOnUpload("complete", key, uploadId, () -> client.completeMultipartUpload(request -> request
                    .bucket(bucket).key(key).uploadId(uploadId).multipartUpload(upload -> upload.parts(sorted))));
        }

        @Override
        public void abort(String path, String uploadId) {
            requireNonNull(uploadId, "uploadId is null");
            String key = key(filePath(path));
            callOnUpload("abort", key, uploadId, () -> client.abortMultipartUpload(request -> request.bucket(bucket)
                    .key(key).uploadId(uploadId)));
        }

        @Override
        public String toString() {
            return "multipart uploads into " + S3ArtifactRepository.this;
        }
    }

    private MultipartUploads.PartUrl presignPart(String key, String uploadId, int partNumber) {
        PresignedUploadPartRequest presigned = call("presign part " + partNumber + " of", key,
                () -> presigner.presignUploadPart(request -> request.signatureDuration(PART_URL_LIFETIME)
                        .uploadPartRequest(part -> part.bucket(bucket).key(key).uploadId(uploadId)
                                .partNumber(partNumber))));
        // the host header goes with every request; any other signed header the client must send as signed
        Map<String, String> headers = new TreeMap<>();
        presigned.signedHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                headers.put(name, String.join(",", values));
            }
        });
        try {
            return new MultipartUploads.PartUrl(partNumber, presigned.url().toURI(), headers);
        } catch (URISyntaxException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("The presigned URL of part %d of "
                    + "'%s' is not a URI: %s", partNumber, location(key), e.getMessage()), e);
        }
    }

    /**
     * Completes or aborts a client's upload; S3's answers about the upload and its parts become errors the client can
     * act on (404 for an unknown upload, 400 for parts S3 refuses), the rest are translated as for every call.
     */
    private void callOnUpload(String action, String key, String uploadId, Supplier<?> body) {
        try {
            body.get();
        } catch (S3Exception e) {
            String code = errorCode(e);
            String s3Message = (e.awsErrorDetails() == null ? e.getMessage()
                    : String.valueOf(e.awsErrorDetails().errorMessage())).replaceFirst("\\.$", "");
            if ("NoSuchUpload".equals(code)) {
                throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, String.format("Cannot %s the multipart "
                        + "upload '%s' of '%s': S3 has no such upload there (it was never created for this path, or "
                        + "it was already completed or aborted)", action, uploadId, location(key)), e);
            }
            if (REFUSED_PARTS_CODES.contains(code)) {
                throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE, String.format("Cannot %s the multipart "
                        + "upload '%s' of '%s': S3 answered %s: %s%s", action, uploadId, location(key), code,
                        s3Message, partsHint(code)), e);
            }
            throw translate(e, action + " the multipart upload of", key);
        } catch (SdkException e) {
            throw translate(e, action + " the multipart upload of", key);
        }
    }

    private static String partsHint(String code) {
        return switch (code) {
            case "InvalidPart" -> ". Give each part's number with the ETag S3 answered to its PUT, for parts that "
                    + "were sent";
            case "EntityTooSmall" -> ". Every part but the last must be at least 5 MiB";
            default -> "";
        };
    }

    /** A path that names a file: valid and not the root. */
    private static String filePath(String path) {
        String normal = ArtifactPaths.validate(path);
        if (normal.isEmpty()) {
            throw ArtifactPaths.invalidPath();
        }
        return normal;
    }

    private void multipartUpload(String normal, String key, byte[] firstPart, InputStream input) throws IOException {
        String uploadId = call("start a multipart upload of", key, () -> client.createMultipartUpload(
                request -> request.bucket(bucket).key(key).contentType(contentType(normal))).uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = firstPart;
            int length = firstPart.length;
            for (int partNumber = 1; length > 0; partNumber++) {
                int number = partNumber;
                RequestBody part = body(buffer, length);
                String eTag = call("upload part " + number + " of", key, () -> client.uploadPart(request -> request
                        .bucket(bucket).key(key).uploadId(uploadId).partNumber(number), part).eTag());
                parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
                int nextSize = partSize(partNumber + 1);
                if (nextSize != buffer.length) {
                    buffer = new byte[nextSize];
                }
                length = input.readNBytes(buffer, 0, nextSize);
                if (length > 0 && partNumber + 1 > MAX_PARTS) {
                    throw SlipwayException.invalidParameter("Cannot write '%s': the content is larger than an S3 "
                            + "multipart upload of %d parts can hold", location(key), MAX_PARTS);
                }
            }
            call("complete the multipart upload of", key, () -> client.completeMultipartUpload(request -> request
                    .bucket(bucket).key(key).uploadId(uploadId).multipartUpload(upload -> upload.parts(parts))));
        } catch (IOException | RuntimeException | Error e) {
            try {
                client.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException abortFailure) {
                e.addSuppressed(abortFailure);
            }
            throw e;
        }
    }

    /** Parts grow so that S3's 10,000 parts hold large files while memory stays bounded by one part. */
    private int partSize(int partNumber) {
        long size = (long) partSize << Math.min(20, (partNumber - 1) / PARTS_PER_PART_SIZE);
        return (int) Math.min(MAX_PART_SIZE, size);
    }

    private void deleteObjects(List<ObjectIdentifier> batch) {
        List<ObjectIdentifier> keys = List.copyOf(batch);
        DeleteObjectsResponse response = client.deleteObjects(request -> request.bucket(bucket)
                .delete(delete -> delete.objects(keys).quiet(true)));
        if (response.hasErrors() && !response.errors().isEmpty()) {
            var error = response.errors().get(0);
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                    "S3 did not delete %d object(s) under %s; the first, '%s': %s %s", response.errors().size(),
                    location(prefix), error.key(), error.code(), error.message()));
        }
    }

    private static boolean hasMore(PushbackInputStream input) throws IOException {
        int next = input.read();
        if (next < 0) {
            return false;
        }
        input.unread(next);
        return true;
    }

    private static RequestBody body(byte[] buffer, int length) {
        // a ByteArrayInputStream can be reset, so the SDK can sign and retry without copying the part
        return RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length);
    }

    private static String contentType(String path) {
        String type = URLConnection.guessContentTypeFromName(path);
        return type == null ? "application/octet-stream" : type;
    }

    private String key(String normalPath) {
        return prefix.isEmpty() ? normalPath : prefix + "/" + normalPath;
    }

    private String directoryPrefix(String normalPath) {
        String directory = normalPath.isEmpty() ? prefix : key(normalPath);
        return directory.isEmpty() ? "" : directory + "/";
    }

    private static String child(String directory, String name) {
        return directory.isEmpty() ? name : directory + "/" + name;
    }

    private String location(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private <T> Optional<T> callUnlessMissing(String action, String key, Supplier<T> body) {
        try {
            return Optional.of(body.get());
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
                return Optional.empty();
            }
            throw translate(e, action, key);
        } catch (SdkException e) {
            throw translate(e, action, key);
        }
    }

    private <T> T call(String action, String key, Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            throw translate(e, action, key);
        }
    }

    /** One message that names the bucket, the key and what went wrong, with an error code for the HTTP status. */
    private SlipwayException translate(SdkException failure, String action, String key) {
        String target = String.format("'%s'", location(key));
        if (failure instanceof S3Exception e) {
            String code = errorCode(e);
            int status = e.statusCode();
            if ("NoSuchBucket".equals(code) || e instanceof NoSuchBucketException) {
                return noSuchBucket(action, key, e);
            }
            if (status == 401 || status == 403 || "InvalidAccessKeyId".equals(code)
                    || "SignatureDoesNotMatch".equals(code) || "AccessDenied".equals(code)) {
                return new SlipwayException(ErrorCode.PERMISSION_DENIED, String.format(
                        "S3 refused access to bucket '%s' (%d %s) while trying to %s %s; check the credentials "
                                + "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and the bucket's "
                                + "permissions", bucket, status, code.isEmpty() ? "Forbidden" : code, action, target),
                        e);
            }
            return new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("S3 failed to %s %s: %d %s %s",
                    action, target, status, code, e.awsErrorDetails() == null ? e.getMessage()
                            : String.valueOf(e.awsErrorDetails().errorMessage())), e);
        }
        if (failure instanceof AbortedException) {
            return new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                    "Interrupted while trying to %s %s", action, target), failure);
        }
        if (failure instanceof SdkClientException && String.valueOf(failure.getMessage())
                .contains("Unable to load credentials")) {
            return new SlipwayException(ErrorCode.PERMISSION_DENIED, String.format("No AWS credentials to %s %s: set "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or configure the AWS default "
                    + "credential chain", action, target), failure);
        }
        if (failure instanceof SdkClientException) {
            return new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, String.format(
                    "S3 endpoint %s is not reachable (while trying to %s %s): %s", endpoint(), action, target,
                    failure.getMessage()), failure);
        }
        return new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("S3 failed to %s %s: %s", action, target,
                failure.getMessage()), failure);
    }

    private SlipwayException noSuchBucket(String action, String key, Exception cause) {
        return new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, String.format(
                "S3 bucket '%s' does not exist at %s (while trying to %s '%s')", bucket, endpoint(), action,
                location(key)), cause);
    }

    private String endpoint() {
        return client.serviceClientConfiguration().endpointOverride().map(URI::toString).orElse("AWS S3");
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }
}
