package dev.slipway.server;

import static dev.slipway.server.MlflowPaths.tracking;
import static io.javalin.http.HandlerType.GET;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.artifacts.MultipartUploads;
import dev.slipway.core.artifacts.MultipartUploads.PartUrl;
import dev.slipway.core.artifacts.MultipartUploads.Upload;
import dev.slipway.core.artifacts.MultipartUploads.UploadedPart;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.TrackingService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Artifact endpoints: the tracking API's {@code artifacts/list} and {@code /get-artifact} over a run's artifact
 * URI, and the {@code mlflow-artifacts} proxy that reads and writes the server's artifact destination for clients
 * holding {@code mlflow-artifacts:/} URIs.
 *
 * <p>Every client-supplied path passes {@link ArtifactPaths#validate}. For the proxy the path is taken from the
 * undecoded request URI and decoded there, so encoded traversal ({@code %2e%2e%2f}, {@code ..%2f},
 * {@code %252e%252e%252f}) is seen and rejected with MLflow's "Invalid path" 400.
 *
 * <p>The proxy's multipart upload routes ({@code mpu/create|complete|abort/<directory>}) follow MLflow's wire format:
 * the URL names the artifact directory and the body's {@code path} the client's local file, whose file name is the
 * artifact's name in that directory (MLflow's client sends {@code {"path": "/tmp/model.bin", ...}} to
 * {@code mpu/create/<run artifact root>}). A destination without {@link ArtifactRepository#multipartUploads()} answers
 * 501 with MLflow's message, on which MLflow's client falls back to a single PUT.
 */
final class ArtifactRoutes {
    private static final String PATH_PARAMETER = "path";
    /** MLflow's message; its client falls back to a single PUT when the 501's message starts with it. */
    static final String MULTIPART_NOT_SUPPORTED = "Multipart upload is not supported for the current artifact "
            + "repository";

    private final TrackingService tracking;
    private final ArtifactRepositories artifacts;
    private final boolean serveArtifacts;
    private final RequestReader reader;

    ArtifactRoutes(TrackingService tracking, ArtifactRepositories artifacts, boolean serveArtifacts,
            RequestReader reader) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.serveArtifacts = serveArtifacts;
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        tracking(routes, GET, "artifacts/list", this::listRunArtifacts);
        routes.get("/get-artifact", this::getRunArtifact);
        for (String prefix : MlflowPaths.ARTIFACT_PREFIXES) {
            routes.get(prefix + "artifacts/<path>", proxy(this::download));
            routes.put(prefix + "artifacts/<path>", proxy(this::upload));
            routes.delete(prefix + "artifacts/<path>", proxy(this::delete));
            routes.get(prefix + "artifacts", proxy(this::listProxied));
            routes.post(prefix + "mpu/create/<path>", proxy(this::createMultipartUpload));
            routes.post(prefix + "mpu/complete/<path>", proxy(this::completeMultipartUpload));
            routes.post(prefix + "mpu/abort/<path>", proxy(this::abortMultipartUpload));
        }
    }

    private void listRunArtifacts(Context ctx) throws IOException {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        String path = request.string("path").map(ArtifactPaths::validate).orElse("");
        RunInfo info = tracking.getRunInfo(runId);
        List<FileInfo> files = artifacts.resolve(info.artifactUri()).list(path);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeStringField("root_uri", info.artifactUri());
            writeFiles(generator, files, false);
        }));
    }

    private void getRunArtifact(Context ctx) throws IOException {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        String path = ArtifactPaths.validate(request.requiredString("path"));
        RunInfo info = tracking.getRunInfo(runId);
        ArtifactRepository repository = artifacts.resolve(info.artifactUri());
        InputStream content = repository.open(path).orElseThrow(() -> SlipwayException.notFound(
                "Artifact '%s' not found in run %s", path, runId));
        ArtifactDownloads.send(ctx, path, content);
    }

    private void download(Context ctx) throws IOException {
        String path = proxiedPath(ctx);
        InputStream content = artifacts.destination().open(path)
                .orElseThrow(() -> SlipwayException.notFound("Artifact '%s' not found", path));
        ArtifactDownloads.send(ctx, path, content);
    }

    private void upload(Context ctx) throws IOException {
        String path = proxiedPath(ctx);
        if (path.isEmpty()) {
            throw ArtifactPaths.invalidPath();
        }
        try (InputStream body = ctx.req().getInputStream()) {
            artifacts.destination().put(path, body);
        }
        WireFormat.sendEmpty(ctx);
    }

    private void delete(Context ctx) throws IOException {
        String path = proxiedPath(ctx);
        if (path.isEmpty()) {
            throw ArtifactPaths.invalidPath();
        }
        artifacts.destination().delete(path);
        WireFormat.sendEmpty(ctx);
    }

    private void listProxied(Context ctx) throws IOException {
        String path = Optional.ofNullable(ctx.queryParam(PATH_PARAMETER)).map(ArtifactPaths::validate).orElse("");
        List<FileInfo> files = artifacts.destination().list(path);
        WireFormat.send(ctx, WireFormat.object(generator -> writeFiles(generator, files, true)));
    }

    private void createMultipartUpload(Context ctx) throws IOException {
        String directory = proxiedPath(ctx);
        MultipartUploads uploads = multipartUploads();
        ApiRequest request = reader.read(ctx);
        String path = multipartFilePath(directory, request);
        int partCount = MultipartUploads.checkPartCount(request.requiredInt64("num_parts"));
        Upload upload = uploads.create(path, partCount);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeStringField("upload_id", upload.uploadId());
            generator.writeArrayFieldStart("credentials");
            for (PartUrl part : upload.parts()) {
                generator.writeStartObject();
                generator.writeStringField("url", part.url().toString());
                generator.writeNumberField("part_number", part.partNumber());
                generator.writeObjectFieldStart("headers");
                for (Map.Entry<String, String> header : part.headers().entrySet()) {
                    generator.writeStringField(header.getKey(), header.getValue());
                }
                generator.writeEndObject();
                generator.writeEndObject();
            }
            generator.writeEndArray();
        }));
    }

    private void completeMultipartUpload(Context ctx) throws IOException {
        String directory = proxiedPath(ctx);
        MultipartUploads uploads = multipartUploads();
        ApiRequest request = reader.read(ctx);
        String path = multipartFilePath(directory, request);
        String uploadId = request.requiredString("upload_id");
        List<UploadedPart> parts = new ArrayList<>();
        // MLflow's client also sends each part's URL; only the number and the ETag matter to the store
        for (ApiRequest part : request.objects("parts")) {
            int partNumber = part.int32("part_number").orElseThrow(() -> part.missingValue("part_number"));
            parts.add(new UploadedPart(partNumber, part.requiredString("etag")));
        }
        uploads.complete(path, uploadId, parts);
        WireFormat.sendEmpty(ctx);
    }

    private void abortMultipartUpload(Context ctx) throws IOException {
        String directory = proxiedPath(ctx);
        MultipartUploads uploads = multipartUploads();
        ApiRequest request = reader.read(ctx);
        uploads.abort(multipartFilePath(directory, request), request.requiredString("upload_id"));
        WireFormat.sendEmpty(ctx);
    }

    private MultipartUploads multipartUploads() {
        return artifacts.destination().multipartUploads().orElseThrow(() -> new SlipwayException(
                ErrorCode.NOT_IMPLEMENTED, MULTIPART_NOT_SUPPORTED + "; upload the file with a single PUT"));
    }

    /** The artifact a multipart request is about ({@link #multipartArtifact}), checked. */
    private static String multipartFilePath(String directory, ApiRequest request) {
        String localFile = request.requiredString(PATH_PARAMETER);
        return ArtifactPaths.validate(multipartArtifact(directory, localFile).orElseThrow(() ->
                SlipwayException.invalidParameter("Invalid value '%s' for parameter 'path': expected the path of the "
                        + "file being uploaded; its file name is the artifact's name in the directory the URL names",
                        localFile)));
    }

    /**
     * The artifact a multipart request is about: the file name of the body's {@code path} (the client's local file,
     * in MLflow's wire format) in the directory named by the URL; empty when that path names no file. Not yet
     * checked with {@link ArtifactPaths#validate}.
     */
    static Optional<String> multipartArtifact(String directory, String localFile) {
        String fileName = localFile.substring(Math.max(localFile.lastIndexOf('/'), localFile.lastIndexOf('\\')) + 1);
        if (fileName.isEmpty() || fileName.equals(".") || fileName.equals("..")) {
            return Optional.empty();
        }
        return Optional.of(directory.isEmpty() ? fileName : directory + "/" + fileName);
    }

    /** The proxy is answered only when the server serves artifacts; otherwise 503, as MLflow does. */
    private Handler proxy(Handler handler) {
        return ctx -> {
            if (!serveArtifacts) {
                throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, "Endpoint " + ctx.endpoint().path
                        + " is disabled because the server is running without artifact serving");
            }
            handler.handle(ctx);
        };
    }

    /**
     * The artifact path of a proxy request in normal form. It is read from the raw request URI (everything after
     * the route's literal prefix) and validated there, and the router's decoded copy is validated too.
     */
    private static String proxiedPath(Context ctx) {
        String pattern = ctx.endpoint().path;
        String literalPrefix = pattern.substring(0, pattern.indexOf('<'));
        String rawUri = ctx.req().getRequestURI();
        if (rawUri == null || !rawUri.startsWith(literalPrefix)) {
            throw ArtifactPaths.invalidPath();
        }
        String path = ArtifactPaths.validate(rawUri.substring(literalPrefix.length()));
        ArtifactPaths.validate(ctx.pathParam(PATH_PARAMETER));
        return path;
    }

    private static void writeFiles(JsonGenerator generator, List<FileInfo> files,
            boolean baseNames) throws IOException {
        if (files.isEmpty()) {
            return;
        }
        generator.writeArrayFieldStart("files");
        for (FileInfo file : files) {
            generator.writeStartObject();
            generator.writeStringField("path", baseNames ? ArtifactDownloads.baseName(file.path()) : file.path());
            generator.writeBooleanField("is_dir", file.isDir());
            if (file.fileSize().isPresent()) {
                generator.writeNumberField("file_size", file.fileSize().get());
            }
            generator.writeEndObject();
        }
        generator.writeEndArray();
    }
}
