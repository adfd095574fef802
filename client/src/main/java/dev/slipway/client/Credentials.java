package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a client proves who it is to the tracking server: as MLflow's clients do, HTTP Basic from
 * {@value #USERNAME_VARIABLE} and {@value #PASSWORD_VARIABLE} when both are set, else a bearer token from
 * {@value #TOKEN_VARIABLE}, else nothing. {@link #toString()} never shows the secret.
 */
public final class Credentials {
    public static final String USERNAME_VARIABLE = "MLFLOW_TRACKING_USERNAME";
    public static final String PASSWORD_VARIABLE = "MLFLOW_TRACKING_PASSWORD";
    public static final String TOKEN_VARIABLE = "MLFLOW_TRACKING_TOKEN";
    private static final Credentials NONE = new Credentials(Optional.empty(), "none");

    private final Optional<String> authorization;
    private final String description;

    private Credentials(Optional<String> authorization, String description) {
        this.authorization = authorization;
        this.description = description;
    }

    /** No credentials: requests carry no {@code Authorization} header. */
    public static Credentials none() {
        return NONE;
    }

    /** HTTP Basic with the username and password (or a personal access token as the password). */
    public static Credentials basic(String username, String password) {
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
        String pair = username + ":" + password;
        return new Credentials(Optional.of("Basic " + Base64.getEncoder().encodeToString(
                pair.getBytes(StandardCharsets.UTF_8))), "basic(" + username + ")");
    }

    /** A bearer token: a personal access token or an identity provider's JWT. */
    public static Credentials bearer(String token) {
        requireNonNull(token, "token is null");
        return new Credentials(Optional.of("Bearer " + token), "bearer");
    }

    /** The credentials MLflow's clients take from these environment variables; blank values count as unset. */
    public static Credentials fromVariables(Map<String, String> variables) {
        requireNonNull(variables, "variables is null");
        return fromVariables(variables::get);
    }

    /** The credentials of this process's environment variables. */
    public static Credentials fromEnvironment() {
        return fromVariables(System::getenv);
    }

    private static Credentials fromVariables(Function<String, String> lookup) {
        Optional<String> username = value(lookup, USERNAME_VARIABLE);
        Optional<String> password = value(lookup, PASSWORD_VARIABLE);
        if (username.isPresent() && password.isPresent()) {
            return basic(username.get(), password.get());
        }
        return value(lookup, TOKEN_VARIABLE).map(Credentials::bearer).orElse(NONE);
    }

    private static Optional<String> value(Function<String, String> lookup, String name) {
        return Optional.ofNullable(lookup.apply(name)).filter(value -> !value.isBlank());
    }

    /** The value of the {@code Authorization} header, if any. */
    public Optional<String> authorization() {
        return authorization;
    }

    @Override
    public String toString() {
        return "Credentials[" + description + "]";
    }
}
