package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.MultipartUploads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * MLflow's proxied multipart upload of one file: {@code mpu/create} at the artifact's directory, the parts PUT straight
 * to the presigned URLs the server answers (up to {@value #PARALLEL_PARTS} at a time, each streamed from its range of
 * the file), then {@code mpu/complete}; a failure after the upload is created aborts it with {@code mpu/abort}.
 * Thread-safe.
 */
final class MultipartUpload {
    /** The start of the message of the server's 501, on which MLflow's client falls back to a single PUT. */
    static final String NOT_SUPPORTED = "Multipart upload is not supported for the current artifact repository";
    private static final String MPU_API = "api/2.0/mlflow-artifacts/mpu/";
    private static final int PARALLEL_PARTS = 4;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ERROR_TEXT = 300;

    private final RestTransport transport;
    private final RetryPolicy retryPolicy;
    private final MultipartSettings settings;
    private final HttpClient partClient;

    private record PartTarget(int partNumber, URI url, Map<String, String> headers) {}

    MultipartUpload(RestTransport transport, RetryPolicy retryPolicy, MultipartSettings settings) {
        this.transport = requireNonNull(transport, "transport is null");
        this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy is null");
        this.settings = requireNonNull(settings, "settings is null");
        // a client of its own, never the tracking server's: presigned URLs carry their signature, and an
        // Authorization header added to them breaks S3's signature check
        this.partClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /**
     * Uploads the file to {@code artifactPath} (validated, relative to the proxied destination) in parts, if the
     * settings ask for it at the file's size and the path has a directory (MLflow's routes name one).
     *
     * @return false if the file is to go up with a single PUT instead: the file is smaller than the minimum, the path
     *     has no directory, or the server's destination does not support multipart upload (its 501)
     * @throws SlipwayException naming the file if the upload fails; an upload already created is aborted (best
     *     effort)
     */
    boolean tryUpload(String artifactPath, Path file) {
        int slash = artifactPath.lastIndexOf('/');
        long size = size(file);
        if (slash < 0 || !settings.appliesTo(size)) {
            return false;
        }
        String directory = artifactPath.substring(0, slash);
        String fileName = artifactPath.substring(slash + 1);
        long partCount = settings.partCount(size);
        if (partCount > MultipartUploads.MAX_PARTS) {
            throw SlipwayException.invalidParameter("Cannot upload '%s' in parts of %d bytes: it needs %d parts, more "
                    + "than S3's %d; raise %s", file, settings.chunkSize(), partCount, MultipartUploads.MAX_PARTS,
                    MultipartSettings.CHUNK_SIZE_VARIABLE);
        }
        JsonNode created;
        String uploadId;
        try {
            created = transport.post(route("create", directory),
                    transport.object().put("path", fileName).put("num_parts", partCount));
            uploadId = RestTransport.requiredText(created, "upload_id");
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.NOT_IMPLEMENTED && e.getMessage().startsWith(NOT_SUPPORTED)) {
                return false;
            }
            throw failure(file, artifactPath, "", e);
        }
        try {
            List<PartTarget> parts = parts(created.path("credentials"), partCount);
            List<String> etags = uploadParts(file, size, parts);
            ObjectNode complete = transport.object().put("path", fileName).put("upload_id", uploadId);
            ArrayNode completed = complete.putArray("parts");
            for (PartTarget part : parts) {
                completed.addObject().put("part_number", part.partNumber())
                        .put("etag", etags.get(part.partNumber() - 1)).put("url", part.url().toString());
            }
            transport.post(route("complete", directory), complete);
        } catch (RuntimeException e) {
            String outcome = " and was aborted";
            try {
                transport.post(route("abort", directory),
                        transport.object().put("path", fileName).put("upload_id", uploadId));
            } catch (RuntimeException abortFailure) {
                e.addSuppressed(abortFailure);
                outcome = " (aborting upload " + uploadId + " failed too: " + abortFailure.getMessage() + ")";
            }
            throw failure(file, artifactPath, outcome, e);
        }
        return true;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw SlipwayException.invalidParameter("Cannot upload '%s': no such file", file);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Cannot upload '" + file + "': " + e.getMessage(), e);
        }
    }

    private String route(String action, String directory) {
        StringBuilder path = new StringBuilder(MPU_API).append(action);
        for (String segment : directory.split("/")) {
            path.append('/').append(TrackingClient.encodePathSegment(segment));
        }
        return path.toString();
    }

    /** The server's presigned URLs, in part order; exactly one for each part. */
    private static List<PartTarget> parts(JsonNode credentials, long partCount) {
        PartTarget[] parts = new PartTarget[(int) partCount];
        for (JsonNode credential : credentials) {
            int partNumber = credential.path("part_number").asInt(0);
            String url = credential.path("url").asText("");
            if (partNumber < 1 || partNumber > partCount || parts[partNumber - 1] != null || url.isEmpty()) {
                throw malformed("credentials entry " + credential);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            credential.path("headers").properties().forEach(header -> headers.put(header.getKey(),
                    header.getValue().asText()));
            try {
                parts[partNumber - 1] = new PartTarget(partNumber, URI.create(url), Map.copyOf(headers));
            } catch (IllegalArgumentException e) {
                throw malformed("part URL of part " + partNumber);
            }
        }
        for (int index = 0; index < parts.length; index++) {
            if (parts[index] == null) {
                throw malformed("no URL for part " + (index + 1));
            }
        }
        return List.of(parts);
    }

    private static SlipwayException malformed(String what) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR,
                "Malformed answer to mpu/create from the tracking server: " + what);
    }

    /** PUTs the parts, a few at a time, and returns their ETags in part order. */
    private List<String> uploadParts(Path file, long size, List<PartTarget> parts) {
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(PARALLEL_PARTS, parts.size()), task -> {
            Thread thread = new Thread(task, "slipway-multipart-upload");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<String>> etags = new ArrayList<>();
            for (PartTarget part : parts) {
                long offset = (part.partNumber() - 1) * settings.chunkSize();
                long length = Math.min(settings.chunkSize(), size - offset);
                etags.add(executor.submit(() -> uploadPart(file, offset, length, part, parts.size())));
            }
            List<String> result = new ArrayList<>();
            for (Future<String> etag : etags) {
                result.add(etag.get());
            }
            return List.copyOf(result);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Uploading a part failed: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Interrupted while uploading the parts", e);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * PUTs one part to its presigned URL, repeating it by the retry policy on broken connections, 429 and 5xx.
     *
     * @return the part's ETag as the store sent it, quotes included
     */
    private String uploadPart(Path file, long offset, long length, PartTarget part, int partCount)
            throws InterruptedException {
        String name = "part " + part.partNumber() + " of " + partCount;
        for (int retry = 0; ; retry++) {
            boolean mayRetry = retry < retryPolicy.maxRetries();
            HttpRequest.Builder request = HttpRequest.newBuilder(part.url()).timeout(transport.requestTimeout())
                    .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(
                            () -> FileRange.open(file, offset, length)), length));
            part.headers().forEach(request::setHeader);
            try {
                HttpResponse<String> response = partClient.send(request.build(), BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return response.headers().firstValue("ETag").orElseThrow(() -> new SlipwayException(
                            ErrorCode.INTERNAL_ERROR, "The artifact store accepted " + name + " without an ETag"));
                }
                boolean retryable = status == 429 || status / 100 == 5;
                if (!mayRetry || !retryable) {
                    String body = response.body().strip();
                    throw new SlipwayException(retryable ? ErrorCode.TEMPORARILY_UNAVAILABLE : ErrorCode.INTERNAL_ERROR,
                            String.format("PUT of %s to %s failed with HTTP %d%s", name, part.url().getHost(), status,
                                    body.isEmpty() ? "" : ": " + abbreviate(body)));
                }
            } catch (IOException | UncheckedIOException e) {
                if (!mayRetry) {
                    throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, String.format(
                            "PUT of %s to %s failed: %s", name, part.url().getHost(), e.getMessage()), e);
                }
            }
            Thread.sleep(retryPolicy.backoff(retry).toMillis());
        }
    }

    private static SlipwayException failure(Path file, String artifactPath, String outcome, RuntimeException cause) {
        ErrorCode code = cause instanceof SlipwayException slipway ? slipway.errorCode() : ErrorCode.INTERNAL_ERROR;
        return new SlipwayException(code, String.format("Multipart upload of '%s' to '%s' failed%s: %s", file,
                artifactPath, outcome, cause instanceof SlipwayException ? cause.getMessage() : cause), cause);
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "...";
    }

    /** {@code length} bytes of a file from {@code offset}, read with positional reads of one channel. */
    private static final class FileRange extends InputStream {
        private final FileChannel channel;
        private final long end;
        private long position;

        private FileRange(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.end = offset + length;
        }

        static FileRange open(Path file, long offset, long length) {
            try {
                return new FileRange(FileChannel.open(file, StandardOpenOption.READ), offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= end) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int read = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, end - position)), position);
            if (read > 0) {
                position += read;
            }
            return read;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
