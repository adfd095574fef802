package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunMetric;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A client of an MLflow-compatible tracking server (Slipway's or MLflow's own): experiments, runs,
 * metrics, params, tags, dataset inputs, metric histories, run artifact listings and the
 * {@code mlflow-artifacts} proxy.
 *
 * <p>Every method throws {@link SlipwayException}: with the server's {@code error_code} and message when the
 * server rejects a request (codes this client does not know become INTERNAL_ERROR), with
 * TEMPORARILY_UNAVAILABLE when the server cannot be reached, and with DEADLINE_EXCEEDED on a timeout.
 * Answers 429, 502, 503 and 504 are retried according to the {@link RetryPolicy}.
 *
 * <p>Thread-safe; one instance can serve a whole application.
 */
public final class TrackingClient {
    private static final String TRACKING_API = "api/2.0/mlflow/";
    private static final String ARTIFACTS_API = "api/2.0/mlflow-artifacts/artifacts";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final URI trackingUri;
    private final String baseUrl;
    private final Duration requestTimeout;
    private final RestTransport transport;
    private final ObjectMapper mapper = new ObjectMapper();
    private final RegistryClient registry;
    private final LoggedModelClient loggedModels;
    private final PredictionLogClient predictions;
    private final MonitorClient monitors;
    private final DeploymentClient deployments;
    private final AuthClient auth;
    private final AuditClient audit;
    private final MultipartSettings multipart;
    private final Optional<MultipartUpload> multipartUpload;

    /**
     * @param trackingUri the server's base URI, such as {@code http://127.0.0.1:5000}; a path prefix is kept
     * @param requestTimeout how long one attempt may wait for the response headers
     */
    public TrackingClient(URI trackingUri, HttpClient httpClient, RetryPolicy retryPolicy, Duration requestTimeout) {
        this(trackingUri, httpClient, retryPolicy, requestTimeout, Credentials.none());
    }

    /**
     * @param trackingUri the server's base URI, such as {@code http://127.0.0.1:5000}; a path prefix is kept
     * @param requestTimeout how long one attempt may wait for the response headers
     * @param credentials sent with every request
     */
    public TrackingClient(URI trackingUri, HttpClient httpClient, RetryPolicy retryPolicy, Duration requestTimeout,
            Credentials credentials) {
        this(trackingUri, httpClient, retryPolicy, requestTimeout, credentials, MultipartSettings.disabled());
    }

    /**
     * @param trackingUri the server's base URI, such as {@code http://127.0.0.1:5000}; a path prefix is kept
     * @param requestTimeout how long one attempt may wait for the response headers
     * @param credentials sent with every request to the server (never to the presigned URLs of a multipart upload)
     * @param multipart whether {@link #uploadArtifact(String, Path)} sends large files in parts
     */
    public TrackingClient(URI trackingUri, HttpClient httpClient, RetryPolicy retryPolicy, Duration requestTimeout,
            Credentials credentials, MultipartSettings multipart) {
        this.trackingUri = requireNonNull(trackingUri, "trackingUri is null");
        requireNonNull(httpClient, "httpClient is null");
        requireNonNull(retryPolicy, "retryPolicy is null");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        String scheme = trackingUri.getScheme() == null ? "" : trackingUri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || trackingUri.getHost() == null) {
            throw SlipwayException.invalidParameter(
                    "Invalid tracking URI '%s': expected http://host:port or https://host:port", trackingUri);
        }
        String text = trackingUri.toString();
        int query = text.indexOf('?');
        if (query >= 0) {
            text = text.substring(0, query);
        }
        this.baseUrl = text.endsWith("/") ? text : text + "/";
        this.transport = new RestTransport(trackingUri, baseUrl, httpClient, retryPolicy, requestTimeout,
                requireNonNull(credentials, "credentials is null"));
        this.registry = new RegistryClient(transport);
        this.loggedModels = new LoggedModelClient(transport);
        this.predictions = new PredictionLogClient(transport);
        this.monitors = new MonitorClient(transport);
        this.deployments = new DeploymentClient(transport);
        this.auth = new AuthClient(transport);
        this.audit = new AuditClient(transport);
        this.multipart = requireNonNull(multipart, "multipart is null");
        this.multipartUpload = multipart.enabled()
                ? Optional.of(new MultipartUpload(transport, retryPolicy, multipart))
                : Optional.empty();
    }

    /**
     * A client with the default retry policy, a 10 s connect timeout and a 120 s request timeout, authenticating with
     * the credentials of MLflow's variables in this process's environment ({@link Credentials#fromEnvironment()}) and
     * uploading large files in parts if they ask for it ({@link MultipartSettings#fromEnvironment()}).
     */
    public static TrackingClient create(String trackingUri) {
        return create(trackingUri, RetryPolicy.defaults());
    }

    /** A client with the credentials and multipart settings of MLflow's variables in this process's environment. */
    public static TrackingClient create(String trackingUri, RetryPolicy retryPolicy) {
        return create(trackingUri, retryPolicy, Credentials.fromEnvironment(), MultipartSettings.fromEnvironment());
    }

    /** A client that uploads every file with a single PUT. */
    public static TrackingClient create(String trackingUri, RetryPolicy retryPolicy, Credentials credentials) {
        return create(trackingUri, retryPolicy, credentials, MultipartSettings.disabled());
    }

    public static TrackingClient create(String trackingUri, RetryPolicy retryPolicy, Credentials credentials,
            MultipartSettings multipart) {
        URI uri;
        try {
            uri = URI.create(requireNonNull(trackingUri, "trackingUri is null").trim());
        } catch (IllegalArgumentException e) {
            throw SlipwayException.invalidParameter("Invalid tracking URI '%s': %s", trackingUri, e.getMessage());
        }
        HttpClient httpClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        return new TrackingClient(uri, httpClient, retryPolicy, Duration.ofSeconds(120), credentials, multipart);
    }

    public URI trackingUri() {
        return trackingUri;
    }

    /** The credentials this client sends. */
    public Credentials credentials() {
        return transport.credentials();
    }

    /** Whether and how {@link #uploadArtifact(String, Path)} sends large files in parts. */
    public MultipartSettings multipartSettings() {
        return multipart;
    }

    /** The users, permissions and tokens of the same server (a server with authentication). */
    public AuthClient auth() {
        return auth;
    }

    /** The model registry of the same server, sharing this client's connections and retry policy. */
    public RegistryClient registry() {
        return registry;
    }

    /** MLflow 3's logged models of the same server, sharing this client's connections and retry policy. */
    public LoggedModelClient loggedModels() {
        return loggedModels;
    }

    /** Slipway's prediction log on the same server, sharing this client's connections and retry policy. */
    public PredictionLogClient predictions() {
        return predictions;
    }

    /** Slipway's production monitors on the same server, sharing this client's connections and retry policy. */
    public MonitorClient monitors() {
        return monitors;
    }

    /**
     * The deployment statuses and events GitOps agents report to the same server, sharing this client's connections
     * and retry policy.
     */
    public DeploymentClient deployments() {
        return deployments;
    }

    /** The audit log of the same server: every change made through it, newest first. */
    public AuditClient audit() {
        return audit;
    }

    // ---- experiments -------------------------------------------------------------------------

    /** @return the new experiment's id */
    public String createExperiment(String name, Optional<String> artifactLocation, List<Tag> tags) {
        ObjectNode body = mapper.createObjectNode().put("name", name);
        artifactLocation.ifPresent(location -> body.put("artifact_location", location));
        body.set("tags", TrackingJson.tags(tags));
        return requiredText(post("experiments/create", body), "experiment_id");
    }

    public String createExperiment(String name) {
        return createExperiment(name, Optional.empty(), List.of());
    }

    public Experiment getExperiment(String experimentId) {
        return TrackingJson.experiment(get("experiments/get", new Query().add("experiment_id", experimentId))
                .path("experiment"));
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST if no experiment has the name */
    public Experiment getExperimentByName(String name) {
        return TrackingJson.experiment(get("experiments/get-by-name", new Query().add("experiment_name", name))
                .path("experiment"));
    }

    public Page<Experiment> searchExperiments(ViewType viewType, Optional<String> filter, List<String> orderBy,
            Optional<Integer> maxResults, Optional<String> pageToken) {
        ObjectNode body = mapper.createObjectNode().put("view_type", viewType.name());
        filter.ifPresent(value -> body.put("filter", value));
        ArrayNode order = body.putArray("order_by");
        orderBy.forEach(order::add);
        maxResults.ifPresent(value -> body.put("max_results", value));
        pageToken.ifPresent(value -> body.put("page_token", value));
        JsonNode response = post("experiments/search", body);
        return new Page<>(TrackingJson.list(response.path("experiments"), TrackingJson::experiment),
                nextPageToken(response));
    }

    /** Renames the experiment. */
    public void updateExperiment(String experimentId, String newName) {
        post("experiments/update", mapper.createObjectNode().put("experiment_id", experimentId).put("new_name", newName));
    }

    public void deleteExperiment(String experimentId) {
        post("experiments/delete", mapper.createObjectNode().put("experiment_id", experimentId));
    }

    public void restoreExperiment(String experimentId) {
        post("experiments/restore", mapper.createObjectNode().put("experiment_id", experimentId));
    }

    public void setExperimentTag(String experimentId, Tag tag) {
        post("experiments/set-experiment-tag", mapper.createObjectNode().put("experiment_id", experimentId)
                .put("key", tag.key()).put("value", tag.value()));
    }

    public void deleteExperimentTag(String experimentId, String key) {
        post("experiments/delete-experiment-tag",
                mapper.createObjectNode().put("experiment_id", experimentId).put("key", key));
    }

    // ---- runs --------------------------------------------------------------------------------

    /**
     * Creates a run in the experiment (the server's default experiment when absent). The run name comes from
     * {@code runName}, else the {@code mlflow.runName} tag, else the server generates one.
     */
    public Run createRun(Optional<String> experimentId, Optional<String> userId, Optional<String> runName,
            Optional<Long> startTime, List<Tag> tags) {
        ObjectNode body = mapper.createObjectNode();
        experimentId.ifPresent(value -> body.put("experiment_id", value));
        userId.ifPresent(value -> body.put("user_id", value));
        runName.ifPresent(value -> body.put("run_name", value));
        startTime.ifPresent(value -> body.put("start_time", value));
        body.set("tags", TrackingJson.tags(tags));
        return TrackingJson.run(post("runs/create", body).path("run"));
    }

    public Run createRun(String experimentId) {
        return createRun(Optional.of(experimentId), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    public Run getRun(String runId) {
        return TrackingJson.run(get("runs/get", new Query().add("run_id", runId)).path("run"));
    }

    /** Changes the present fields and returns the run's info afterwards. */
    public RunInfo updateRun(String runId, Optional<RunStatus> status, Optional<Long> endTime, Optional<String> runName) {
        ObjectNode body = mapper.createObjectNode().put("run_id", runId).put("run_uuid", runId);
        status.ifPresent(value -> body.put("status", value.name()));
        endTime.ifPresent(value -> body.put("end_time", value));
        runName.ifPresent(value -> body.put("run_name", value));
        return TrackingJson.runInfo(post("runs/update", body).path("run_info"));
    }

    /** Ends the run with the status (FINISHED, FAILED or KILLED) at the given time. */
    public RunInfo endRun(String runId, RunStatus status, long endTime) {
        return updateRun(runId, Optional.of(status), Optional.of(endTime), Optional.empty());
    }

    public void deleteRun(String runId) {
        post("runs/delete", mapper.createObjectNode().put("run_id", runId));
    }

    public void restoreRun(String runId) {
        post("runs/restore", mapper.createObjectNode().put("run_id", runId));
    }

    public Page<Run> searchRuns(List<String> experimentIds, Optional<String> filter, ViewType viewType,
            Optional<Integer> maxResults, List<String> orderBy, Optional<String> pageToken) {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode ids = body.putArray("experiment_ids");
        experimentIds.forEach(ids::add);
        filter.ifPresent(value -> body.put("filter", value));
        body.put("run_view_type", viewType.name());
        maxResults.ifPresent(value -> body.put("max_results", value));
        ArrayNode order = body.putArray("order_by");
        orderBy.forEach(order::add);
        pageToken.ifPresent(value -> body.put("page_token", value));
        JsonNode response = post("runs/search", body);
        return new Page<>(TrackingJson.list(response.path("runs"), TrackingJson::run), nextPageToken(response));
    }

    public void logMetric(String runId, Metric metric) {
        ObjectNode body = mapper.createObjectNode().put("run_id", runId).put("run_uuid", runId).put("key", metric.key());
        body.set("value", TrackingJson.doubleNode(metric.value()));
        body.put("timestamp", metric.timestamp()).put("step", metric.step());
        post("runs/log-metric", body);
    }

    public void logParam(String runId, Param param) {
        post("runs/log-parameter", mapper.createObjectNode().put("run_id", runId).put("run_uuid", runId)
                .put("key", param.key()).put("value", param.value()));
    }

    public void setTag(String runId, Tag tag) {
        post("runs/set-tag", mapper.createObjectNode().put("run_id", runId).put("run_uuid", runId)
                .put("key", tag.key()).put("value", tag.value()));
    }

    public void deleteTag(String runId, String key) {
        post("runs/delete-tag", mapper.createObjectNode().put("run_id", runId).put("key", key));
    }

    /** Logs up to 1000 metrics, 100 params and 100 tags (1000 in total) in one request. */
    public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
        ObjectNode body = mapper.createObjectNode().put("run_id", runId);
        ArrayNode metricArray = body.putArray("metrics");
        metrics.forEach(metric -> metricArray.add(TrackingJson.toJson(metric)));
        ArrayNode paramArray = body.putArray("params");
        params.forEach(param -> paramArray.add(mapper.createObjectNode().put("key", param.key()).put("value", param.value())));
        body.set("tags", TrackingJson.tags(tags));
        post("runs/log-batch", body);
    }

    public void logInputs(String runId, List<DatasetInput> inputs) {
        ObjectNode body = mapper.createObjectNode().put("run_id", runId);
        ArrayNode datasets = body.putArray("datasets");
        inputs.forEach(input -> datasets.add(TrackingJson.toJson(input)));
        post("runs/log-inputs", body);
    }

    // ---- metric history ----------------------------------------------------------------------

    /** One page of a metric's history, in step order. */
    public Page<Metric> getMetricHistory(String runId, String metricKey, Optional<Integer> maxResults,
            Optional<String> pageToken) {
        Query query = new Query().add("run_id", runId).add("run_uuid", runId).add("metric_key", metricKey);
        maxResults.ifPresent(value -> query.add("max_results", String.valueOf(value)));
        pageToken.ifPresent(value -> query.add("page_token", value));
        JsonNode response = get("metrics/get-history", query);
        return new Page<>(TrackingJson.list(response.path("metrics"), TrackingJson::metric), nextPageToken(response));
    }

    /** A metric's whole history, following page tokens. */
    public List<Metric> getMetricHistory(String runId, String metricKey) {
        return Pages.all(pageToken -> getMetricHistory(runId, metricKey, Optional.empty(), pageToken));
    }

    /**
     * A metric's history for up to 100 runs, sampled to at most {@code maxResults} (1..2500) steps per run.
     * {@code startStep} and {@code endStep} go together.
     */
    public List<RunMetric> getMetricHistoryBulkInterval(List<String> runIds, String metricKey,
            Optional<Long> startStep, Optional<Long> endStep, Optional<Integer> maxResults) {
        Query query = new Query();
        runIds.forEach(runId -> query.add("run_ids", runId));
        query.add("metric_key", metricKey);
        startStep.ifPresent(value -> query.add("start_step", String.valueOf(value)));
        endStep.ifPresent(value -> query.add("end_step", String.valueOf(value)));
        maxResults.ifPresent(value -> query.add("max_results", String.valueOf(value)));
        return TrackingJson.list(get("metrics/get-history-bulk-interval", query).path("metrics"),
                TrackingJson::runMetric);
    }

    // ---- run artifacts -----------------------------------------------------------------------

    /** The direct children of {@code path} (the root when absent) in the run's artifact tree. */
    public ArtifactListing listArtifacts(String runId, Optional<String> path, Optional<String> pageToken) {
        Query query = new Query().add("run_id", runId).add("run_uuid", runId);
        path.ifPresent(value -> query.add("path", value));
        pageToken.ifPresent(value -> query.add("page_token", value));
        JsonNode response = get("artifacts/list", query);
        return new ArtifactListing(response.path("root_uri").asText(""),
                TrackingJson.list(response.path("files"), TrackingJson::fileInfo), nextPageToken(response));
    }

    /**
     * Uploads a file into the run's artifact tree through the server's artifact proxy.
     *
     * @throws SlipwayException INVALID_STATE if the run's artifact URI is not an {@code mlflow-artifacts:} URI
     *     (the server does not proxy that run's artifacts)
     */
    public void logArtifact(String runId, String artifactPath, Path file) {
        uploadArtifact(proxyPath(runId, artifactPath), file);
    }

    public void logArtifact(String runId, String artifactPath, byte[] content) {
        uploadArtifact(proxyPath(runId, artifactPath), content);
    }

    /** Opens a file of the run's artifact tree through the server's artifact proxy; the caller closes it. */
    public InputStream openRunArtifact(String runId, String artifactPath) {
        return openArtifact(proxyPath(runId, artifactPath));
    }

    /**
     * Opens a file of the run's artifact tree through the server's {@code /get-artifact} route, which serves any
     * artifact location the server can read, proxied or not; the caller closes the stream.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if the run has no such file
     */
    public InputStream openRunArtifactFile(String runId, String artifactPath) {
        Query query = new Query().add("path", artifactPath).add("run_id", runId).add("run_uuid", runId);
        HttpResponse<InputStream> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "get-artifact"
                + query.encoded())).timeout(requestTimeout).GET());
        if (response.statusCode() / 100 != 2) {
            throw error(response);
        }
        return response.body();
    }

    private String proxyPath(String runId, String artifactPath) {
        String artifactUri = getRun(runId).info().artifactUri();
        if (!artifactUri.toLowerCase(Locale.ROOT).startsWith(ArtifactRepositories.PROXY_SCHEME + ":")) {
            throw new SlipwayException(ErrorCode.INVALID_STATE, String.format(
                    "Run %s stores its artifacts at '%s', which the tracking server does not proxy; "
                            + "only mlflow-artifacts: locations can be reached through %s", runId, artifactUri,
                    trackingUri));
        }
        String root = ArtifactRepositories.proxyPath(artifactUri);
        String relative = ArtifactPaths.validate(artifactPath);
        return relative.isEmpty() ? root : root + "/" + relative;
    }

    // ---- artifact proxy (mlflow-artifacts) ----------------------------------------------------

    /**
     * Stores the file at {@code path} under the proxied destination, replacing any file there. With
     * {@link MultipartSettings} enabled, a file of at least their minimum size in a directory goes up as MLflow's
     * proxied multipart upload, its parts straight to the artifact store; a destination without multipart upload
     * (the server's 501) gets a single PUT, as every other file does.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE "Invalid path" for a path with {@code ..} segments, an
     *     absolute path, {@code #} or a backslash, before anything is sent; naming the file when a multipart upload
     *     fails (after it is aborted)
     */
    public void uploadArtifact(String path, Path file) {
        HttpRequest.Builder request = proxyRequest(path);
        if (multipartUpload.isPresent() && multipartUpload.get().tryUpload(ArtifactPaths.validate(path), file)) {
            return;
        }
        BodyPublisher body;
        try {
            body = BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw SlipwayException.invalidParameter("Cannot upload '%s': no such file", file);
        }
        expectJson(send(request.PUT(body).header("Content-Type", "application/octet-stream")));
    }

    public void uploadArtifact(String path, byte[] content) {
        expectJson(send(proxyRequest(path).PUT(BodyPublishers.ofByteArray(content))
                .header("Content-Type", "application/octet-stream")));
    }

    /**
     * Opens the file at {@code path} under the proxied destination; the caller closes the stream.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if there is no such file
     */
    public InputStream openArtifact(String path) {
        HttpResponse<InputStream> response = send(proxyRequest(path).GET());
        if (response.statusCode() / 100 != 2) {
            throw error(response);
        }
        return response.body();
    }

    /** Downloads the file at {@code path} under the proxied destination to {@code target}, replacing it. */
    public void downloadArtifact(String path, Path target) {
        try (InputStream content = openArtifact(path)) {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Downloading '" + path + "' from " + trackingUri + " to '" + target + "' failed: " + e.getMessage(), e);
        }
    }

    /** The direct children of a directory under the proxied destination; paths are base names. */
    public List<FileInfo> listProxiedArtifacts(Optional<String> path) {
        URI uri = URI.create(baseUrl + ARTIFACTS_API + path.map(value -> new Query().add("path", value).encoded()).orElse(""));
        JsonNode response = expectJson(send(HttpRequest.newBuilder(uri).timeout(requestTimeout).GET()));
        return TrackingJson.list(response.path("files"), TrackingJson::fileInfo);
    }

    /** Deletes the file or directory tree at {@code path} under the proxied destination. */
    public void deleteArtifact(String path) {
        expectJson(send(proxyRequest(path).DELETE()));
    }

    private HttpRequest.Builder proxyRequest(String path) {
        String relative = ArtifactPaths.validate(path);
        if (relative.isEmpty()) {
            throw SlipwayException.invalidParameter("Artifact path is empty");
        }
        StringBuilder url = new StringBuilder(baseUrl).append(ARTIFACTS_API);
        for (String segment : relative.split("/")) {
            url.append('/').append(encodePathSegment(segment));
        }
        return HttpRequest.newBuilder(URI.create(url.toString())).timeout(requestTimeout);
    }

    // ---- transport ---------------------------------------------------------------------------

    private JsonNode get(String endpoint, Query query) {
        return transport.get(TRACKING_API + endpoint, query);
    }

    private JsonNode post(String endpoint, ObjectNode body) {
        return transport.post(TRACKING_API + endpoint, body);
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder builder) {
        return transport.send(builder);
    }

    private JsonNode expectJson(HttpResponse<InputStream> response) {
        return transport.expectJson(response);
    }

    private SlipwayException error(HttpResponse<InputStream> response) {
        return transport.error(response);
    }

    private static Optional<String> nextPageToken(JsonNode response) {
        return RestTransport.nextPageToken(response);
    }

    private static String requiredText(JsonNode response, String field) {
        return RestTransport.requiredText(response, field);
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters. */
    static String encodePathSegment(String segment) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

}
