package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.Access;
import dev.slipway.core.auth.AuthService;
import dev.slipway.core.auth.User;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who sends a request, checked before any route runs when the server has authentication: HTTP Basic with a username
 * and password (what MLflow clients send from {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD},
 * and what browsers prompt for) or with a personal access token as the password; {@code Bearer} with a personal
 * access token ({@code MLFLOW_TRACKING_TOKEN}), the server's internal token, or, when configured, a JWT of the
 * OpenID Connect issuer. Requests without credentials answer 401 UNAUTHENTICATED with
 * {@code WWW-Authenticate: Basic realm="mlflow"}, as MLflow's basic-auth plugin does; so do wrong ones, and once a
 * client address or a username has had too many failures in the window, 429 REQUEST_LIMIT_EXCEEDED with
 * {@code Retry-After} (before a password that needs the slow check, the failures counted by every replica sharing the
 * store; otherwise those of this one). Open paths (probes, metrics, static files) need no credentials.
 *
 * <p>The authenticated username is the request attribute {@value #USER_ATTRIBUTE} ({@link #user(Context)}); what the
 * user may do is {@link #access(Context)}. Credentials are never logged. Thread-safe.
 */
public final class Authentication {
    /** The request attribute holding the authenticated username (read by the audit log). */
    public static final String USER_ATTRIBUTE = "slipway.user";
    /** The user the server's internal token acts as. */
    public static final String INTERNAL_USERNAME = "slipway-server";
    static final String ACCESS_ATTRIBUTE = "slipway.access";
    static final String CHALLENGE = "Basic realm=\"mlflow\"";
    private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);
    private static final String NOT_AUTHENTICATED = "You are not authenticated. Set MLFLOW_TRACKING_USERNAME and "
            + "MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN, or log in with a username and password";
    private static final String BAD_CREDENTIALS = "Invalid username, password or token";

    private final ServerAuth auth;
    private final AuthService service;
    private final Predicate<String> openPath;
    private final LoginThrottle throttle;
    private final Optional<OidcVerifier> oidc;
    private final User internalUser = new User(0, INTERNAL_USERNAME, true);

    /** @param openPath whether a request path needs no credentials */
    Authentication(ServerAuth auth, Predicate<String> openPath, Clock clock) {
        this.auth = requireNonNull(auth, "auth is null");
        this.service = auth.service();
        this.openPath = requireNonNull(openPath, "openPath is null");
        this.throttle = new LoginThrottle(auth.maxFailures(), auth.failureWindow(), clock,
                Optional.of(new LoginThrottle.SharedFailures() {
                    @Override
                    public void record(String key, Duration window) {
                        service.loginFailed(key, window);
                    }

                    @Override
                    public List<Long> latest(String key, Duration window, int limit) {
                        return service.loginFailures(key, window, limit);
                    }
                }));
        this.oidc = auth.oidc().map(OidcVerifier::new);
    }

    /** The name of the authenticated user of the request; absent on an open path or a server without auth. */
    public static Optional<String> user(Context ctx) {
        return Optional.ofNullable(ctx.attribute(USER_ATTRIBUTE));
    }

    /** What the request's user may do; everything on a server without authentication. */
    public static Access access(Context ctx) {
        RequestAccess access = ctx.attribute(ACCESS_ATTRIBUTE);
        return access == null ? Access.unrestricted() : access.access();
    }

    /** The request's user created the experiment: MANAGE on it (as in MLflow). No-op without authentication. */
    public static void experimentCreated(Context ctx, String experimentId) {
        RequestAccess access = ctx.attribute(ACCESS_ATTRIBUTE);
        if (access != null) {
            access.service().experimentCreated(experimentId, access.user().username());
        }
    }

    /** The request's user created the registered model: MANAGE on it. No-op without authentication. */
    public static void registeredModelCreated(Context ctx, String name) {
        RequestAccess access = ctx.attribute(ACCESS_ATTRIBUTE);
        if (access != null) {
            access.service().registeredModelCreated(name, access.user().username());
        }
    }

    /** The registered model was renamed: its permissions follow. No-op without authentication. */
    public static void registeredModelRenamed(Context ctx, String name, String newName) {
        RequestAccess access = ctx.attribute(ACCESS_ATTRIBUTE);
        if (access != null) {
            access.service().registeredModelRenamed(name, newName);
        }
    }

    /** The registered model was deleted: so are its permissions. No-op without authentication. */
    public static void registeredModelDeleted(Context ctx, String name) {
        RequestAccess access = ctx.attribute(ACCESS_ATTRIBUTE);
        if (access != null) {
            access.service().registeredModelDeleted(name);
        }
    }

    /**
     * Authenticates the request, or refuses it.
     *
     * @throws SlipwayException UNAUTHENTICATED (401) or REQUEST_LIMIT_EXCEEDED (429)
     */
    void authenticate(Context ctx) {
        if (openPath.test(ctx.path())) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthenticated(ctx, NOT_AUTHENTICATED);
        }
        String address = "address:" + ctx.ip();
        checkNotBlocked(ctx, address);
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String credentials = space < 0 ? "" : header.substring(space + 1).trim();
        Optional<User> user;
        boolean admin = false;
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "basic" -> user = basic(ctx, address, credentials);
            case "bearer" -> {
                if (!credentials.isEmpty() && constantTimeEquals(credentials, auth.internalToken())) {
                    user = Optional.of(internalUser);
                } else if (AuthService.isToken(credentials)) {
                    user = service.authenticateToken(credentials);
                } else if (oidc.isPresent() && OidcVerifier.looksLikeJwt(credentials)) {
                    Optional<OidcVerifier.Identity> identity = oidc.get().verify(credentials);
                    admin = identity.map(OidcVerifier.Identity::admin).orElse(false);
                    user = identity.map(found -> service.provision(found.username()));
                } else {
                    user = Optional.empty();
                }
            }
            default -> user = Optional.empty();
        }
        if (user.isEmpty()) {
            throttle.failed(address);
            throw unauthenticated(ctx, BAD_CREDENTIALS);
        }
        ctx.attribute(USER_ATTRIBUTE, user.get().username());
        ctx.attribute(ACCESS_ATTRIBUTE, new RequestAccess(user.get(), service.access(user.get(), admin), service));
    }

    private Optional<User> basic(Context ctx, String address, String credentials) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String username = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        String userKey = "user:" + username;
        checkNotBlocked(ctx, userKey);
        boolean token = AuthService.isToken(password);
        if (!token && !service.recentlyVerified(username, password)) {
            // what a guesser sends: count the failures of every replica, so that spreading guesses over them gains
            // nothing (a password verified here lately costs no query)
            checkNotBlockedOnAnyReplica(ctx, address);
            checkNotBlockedOnAnyReplica(ctx, userKey);
        }
        Optional<User> user = token
                ? service.authenticateToken(password).filter(owner -> owner.username().equals(username))
                : service.authenticate(username, password);
        if (user.isEmpty()) {
            throttle.failed(userKey);
            LOG.debug("Failed login of user '{}' from {}", username, ctx.ip());
        }
        return user;
    }

    private void checkNotBlocked(Context ctx, String key) {
        refuseIfBlocked(ctx, throttle.blocked(key));
    }

    private void checkNotBlockedOnAnyReplica(Context ctx, String key) {
        refuseIfBlocked(ctx, throttle.blockedOnAnyReplica(key));
    }

    private static void refuseIfBlocked(Context ctx, Optional<Duration> wait) {
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new SlipwayException(ErrorCode.REQUEST_LIMIT_EXCEEDED, String.format(
                    "Too many failed logins; try again in %d seconds", seconds));
        }
    }

    private static SlipwayException unauthenticated(Context ctx, String message) {
        ctx.header("WWW-Authenticate", CHALLENGE);
        return new SlipwayException(ErrorCode.UNAUTHENTICATED, message);
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
