package dev.slipway.artifacts;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach S3 or an S3-compatible store, read from the environment variables MLflow users already set.
 *
 * @param endpoint {@code MLFLOW_S3_ENDPOINT_URL}: an S3-compatible store (MinIO, Ceph, ...), reached with path-style
 *     addressing; absent for AWS S3
 * @param region {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}
 * @param accessKeyId {@code AWS_ACCESS_KEY_ID}; with {@code secretAccessKey}, else the SDK's default credential chain
 * @param secretAccessKey {@code AWS_SECRET_ACCESS_KEY}
 * @param sessionToken {@code AWS_SESSION_TOKEN}, for temporary credentials
 * @param profile {@code AWS_PROFILE}, a profile of {@code ~/.aws/credentials} when no keys are given
 * @param ignoreTls {@code MLFLOW_S3_IGNORE_TLS}: accept any TLS certificate and host name (self-signed test stores)
 */
public record S3ClientSettings(Optional<URI> endpoint, Optional<String> region, Optional<String> accessKeyId,
        Optional<String> secretAccessKey, Optional<String> sessionToken, Optional<String> profile, boolean ignoreTls) {
    public static final String ENDPOINT_URL = "MLFLOW_S3_ENDPOINT_URL";
    public static final String IGNORE_TLS = "MLFLOW_S3_IGNORE_TLS";
    public static final String REGION = "AWS_REGION";
    public static final String DEFAULT_REGION = "AWS_DEFAULT_REGION";
    public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";
    public static final String PROFILE = "AWS_PROFILE";

    public S3ClientSettings {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(accessKeyId, "accessKeyId is null");
        requireNonNull(secretAccessKey, "secretAccessKey is null");
        requireNonNull(sessionToken, "sessionToken is null");
        requireNonNull(profile, "profile is null");
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw SlipwayException.invalidParameter("Only one of %s and %s is set; set both, or neither to use the "
                    + "AWS default credential chain", ACCESS_KEY_ID, SECRET_ACCESS_KEY);
        }
    }

    /** AWS S3 through the SDK's default region and credential chains. */
    public static S3ClientSettings defaults() {
        return fromVariables(Map.of());
    }

    /**
     * The settings in the variables; blank values count as unset.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an endpoint that is not an http(s) URL, an
     *     {@code MLFLOW_S3_IGNORE_TLS} other than true/false/1/0, or only one half of a key pair
     */
    public static S3ClientSettings fromVariables(Map<String, String> variables) {
        requireNonNull(variables, "variables is null");
        Optional<URI> endpoint = variable(variables, ENDPOINT_URL).map(S3ClientSettings::endpoint);
        Optional<String> region = variable(variables, REGION).or(() -> variable(variables, DEFAULT_REGION));
        boolean ignoreTls = variable(variables, IGNORE_TLS).map(S3ClientSettings::flag).orElse(false);
        return new S3ClientSettings(endpoint, region, variable(variables, ACCESS_KEY_ID),
                variable(variables, SECRET_ACCESS_KEY), variable(variables, SESSION_TOKEN), variable(variables, PROFILE),
                ignoreTls);
    }

    /** Where requests go, for messages: the endpoint, or AWS S3. */
    public String describeEndpoint() {
        return endpoint.map(URI::toString).orElse("AWS S3");
    }

    /** Without the secret key and session token, which must not reach logs. */
    @Override
    public String toString() {
        return "S3ClientSettings[endpoint=" + describeEndpoint() + ", region=" + region.orElse("(default)")
                + ", accessKeyId=" + accessKeyId.orElse("(default chain)") + ", secretAccessKey="
                + secretAccessKey.map(secret -> "****").orElse("(default chain)") + ", sessionToken="
                + sessionToken.map(token -> "****").orElse("(none)") + ", profile=" + profile.orElse("(none)")
                + ", ignoreTls=" + ignoreTls + "]";
    }

    private static URI endpoint(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalidEndpoint(value);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw invalidEndpoint(value);
        }
        return uri;
    }

    private static SlipwayException invalidEndpoint(String value) {
        return SlipwayException.invalidParameter("Invalid S3 endpoint URL '%s' (--s3-endpoint-url or %s): expected "
                + "http://host:port or https://host[:port]", value, ENDPOINT_URL);
    }

    private static boolean flag(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw SlipwayException.invalidParameter("%s is '%s'; expected true, false, 1 or 0", IGNORE_TLS,
                    value);
        };
    }

    private static Optional<String> variable(Map<String, String> variables, String name) {
        return Optional.ofNullable(variables.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }
}
