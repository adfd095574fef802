package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP side shared by the clients of one server: JSON requests, retries of 429/502/503/504 and broken
 * connections by the {@link RetryPolicy}, and MLflow error bodies turned into {@link SlipwayException}s.
 * Thread-safe.
 */
final class RestTransport {
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 502, 503, 504);
    private static final int MAX_ERROR_TEXT = 500;

    private final URI trackingUri;
    private final String baseUrl;
    private final HttpClient httpClient;
    private final RetryPolicy retryPolicy;
    private final Duration requestTimeout;
    private final Credentials credentials;
    private final ObjectMapper mapper = new ObjectMapper();

    RestTransport(URI trackingUri, String baseUrl, HttpClient httpClient, RetryPolicy retryPolicy,
            Duration requestTimeout, Credentials credentials) {
        this.trackingUri = requireNonNull(trackingUri, "trackingUri is null");
        this.baseUrl = requireNonNull(baseUrl, "baseUrl is null");
        this.httpClient = requireNonNull(httpClient, "httpClient is null");
        this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy is null");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
    }

    Credentials credentials() {
        return credentials;
    }

    URI trackingUri() {
        return trackingUri;
    }

    /** The server's base URL, ending with a slash. */
    String baseUrl() {
        return baseUrl;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** GET of {@code apiPath} (relative to the base URL) with the query; the answer must be a JSON object. */
    JsonNode get(String apiPath, Query query) {
        URI uri = URI.create(baseUrl + apiPath + query.encoded());
        return expectJson(send(HttpRequest.newBuilder(uri).timeout(requestTimeout).GET()));
    }

    JsonNode post(String apiPath, ObjectNode body) {
        return withJsonBody("POST", apiPath, body);
    }

    JsonNode patch(String apiPath, ObjectNode body) {
        return withJsonBody("PATCH", apiPath, body);
    }

    /** DELETE with a JSON body, as MLflow's clients send it. */
    JsonNode delete(String apiPath, ObjectNode body) {
        return withJsonBody("DELETE", apiPath, body);
    }

    private JsonNode withJsonBody(String method, String apiPath, ObjectNode body) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        URI uri = URI.create(baseUrl + apiPath);
        return expectJson(send(HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .method(method, BodyPublishers.ofByteArray(json))));
    }

    /** Sends the request with the credentials, repeating it on retryable answers and broken connections. */
    HttpResponse<InputStream> send(HttpRequest.Builder builder) {
        credentials.authorization().ifPresent(value -> builder.setHeader("Authorization", value));
        HttpRequest request = builder.build();
        for (int retry = 0; ; retry++) {
            boolean mayRetry = retry < retryPolicy.maxRetries();
            HttpResponse<InputStream> response;
            try {
                response = httpClient.send(request, BodyHandlers.ofInputStream());
            } catch (ConnectException | HttpConnectTimeoutException e) {
                throw unreachable(request, e);
            } catch (HttpTimeoutException e) {
                throw new SlipwayException(ErrorCode.DEADLINE_EXCEEDED, String.format(
                        "The tracking server at %s did not answer %s %s within %d s", trackingUri, request.method(),
                        request.uri().getPath(), requestTimeout.toSeconds()), e);
            } catch (IOException e) {
                if (e.getCause() instanceof ConnectException) {
                    throw unreachable(request, e);
                }
                if (!mayRetry) {
                    throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, String.format(
                            "Request %s %s to the tracking server at %s failed: %s", request.method(),
                            request.uri().getPath(), trackingUri, describe(e)), e);
                }
                pause(retryPolicy.backoff(retry));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                        "Interrupted while waiting for the tracking server at " + trackingUri, e);
            }
            if (!mayRetry || !RETRYABLE_STATUSES.contains(response.statusCode())) {
                return response;
            }
            discard(response);
            pause(retryAfter(response).orElse(retryPolicy.backoff(retry)));
        }
    }

    JsonNode expectJson(HttpResponse<InputStream> response) {
        if (response.statusCode() / 100 != 2) {
            throw error(response);
        }
        String text = readBody(response);
        JsonNode json;
        try {
            json = text.isBlank() ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                    "The tracking server at %s answered %s with something other than a JSON object: %s", trackingUri,
                    response.request().uri().getPath(), abbreviate(text)));
        }
        return json;
    }

    SlipwayException error(HttpResponse<InputStream> response) {
        String text = readBody(response);
        int status = response.statusCode();
        try {
            JsonNode json = mapper.readTree(text);
            if (json != null && json.isObject() && json.hasNonNull("error_code")) {
                String code = json.path("error_code").asText();
                String message = json.path("message").asText("");
                ErrorCode errorCode = errorCode(code);
                if (errorCode == ErrorCode.INTERNAL_ERROR && !code.equals(ErrorCode.INTERNAL_ERROR.name())) {
                    message = code + ": " + message;
                }
                return new SlipwayException(errorCode, message);
            }
        } catch (JsonProcessingException e) {
            // not a JSON error body: fall through to the status-based mapping
        }
        String detail = text.isBlank() ? "HTTP " + status : "HTTP " + status + ": " + abbreviate(text.strip());
        return new SlipwayException(errorCodeForStatus(status), String.format("%s %s on the tracking server at %s "
                + "failed with %s", response.request().method(), response.request().uri().getPath(), trackingUri, detail));
    }

    private static ErrorCode errorCode(String name) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.name().equals(name)) {
                return code;
            }
        }
        return ErrorCode.INTERNAL_ERROR;
    }

    private static ErrorCode errorCodeForStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.BAD_REQUEST;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.ENDPOINT_NOT_FOUND;
            case 409 -> ErrorCode.RESOURCE_CONFLICT;
            case 429 -> ErrorCode.REQUEST_LIMIT_EXCEEDED;
            case 501 -> ErrorCode.NOT_IMPLEMENTED;
            case 502, 503 -> ErrorCode.TEMPORARILY_UNAVAILABLE;
            case 504 -> ErrorCode.DEADLINE_EXCEEDED;
            default -> ErrorCode.INTERNAL_ERROR;
        };
    }

    private SlipwayException unreachable(HttpRequest request, Exception cause) {
        return new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, String.format(
                "Cannot connect to the tracking server at %s (%s). Is the server running and the URI right?",
                trackingUri, connectFailure(cause)), cause);
    }

    private static String connectFailure(Exception failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
                return "unknown host";
            }
            if (cause instanceof HttpConnectTimeoutException) {
                return "connection timed out";
            }
        }
        return "connection refused";
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }).map(wait -> wait.compareTo(Duration.ZERO) < 0 ? Duration.ZERO : wait);
    }

    private void pause(Duration wait) {
        Duration bounded = wait.compareTo(retryPolicy.maxBackoff()) > 0 ? retryPolicy.maxBackoff() : wait;
        try {
            Thread.sleep(bounded.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Interrupted while waiting to retry a request to " + trackingUri, e);
        }
    }

    private String readBody(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "Reading the answer of the tracking server at " + trackingUri + " failed: " + describe(e), e);
        }
    }

    private static void discard(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the answer is thrown away anyway
        }
    }

    static Optional<String> nextPageToken(JsonNode response) {
        JsonNode token = response.path("next_page_token");
        return token.isTextual() && !token.textValue().isEmpty() ? Optional.of(token.textValue()) : Optional.empty();
    }

    static String requiredText(JsonNode response, String field) {
        JsonNode value = response.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Malformed response from the tracking server: missing field '" + field + "'");
        }
        return value.asText();
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "...";
    }

}
