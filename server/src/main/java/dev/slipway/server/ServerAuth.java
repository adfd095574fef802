package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.auth.AuthService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Authentication and permissions for the server ({@code slipway server --auth basic}): the users, tokens and
 * permissions of the {@link AuthService}, optionally bearer JWTs of an OpenID Connect issuer, and the limit on failed
 * logins (per client address and per username, {@code maxFailures} in {@code failureWindow}, then 429).
 *
 * <p>Also holds an {@linkplain #internalToken() internal token}: a random bearer secret that exists only in this
 * process's memory and acts as the administrator {@value Authentication#INTERNAL_USERNAME}, for the server's own
 * clients of its API (the monitor scheduler). {@link #toString()} leaves it out.
 */
public final class ServerAuth {
    public static final int DEFAULT_MAX_FAILURES = 10;
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofMinutes(1);

    private final AuthService service;
    private final Optional<OidcOptions> oidc;
    private final int maxFailures;
    private final Duration failureWindow;
    private final String internalToken;

    public ServerAuth(AuthService service, Optional<OidcOptions> oidc) {
        this(service, oidc, DEFAULT_MAX_FAILURES, DEFAULT_FAILURE_WINDOW);
    }

    public ServerAuth(AuthService service, Optional<OidcOptions> oidc, int maxFailures, Duration failureWindow) {
        this.service = requireNonNull(service, "service is null");
        this.oidc = requireNonNull(oidc, "oidc is null");
        this.failureWindow = requireNonNull(failureWindow, "failureWindow is null");
        if (maxFailures < 1 || failureWindow.isNegative() || failureWindow.isZero()) {
            throw new IllegalArgumentException("the login limit must be positive: " + maxFailures + " in "
                    + failureWindow);
        }
        this.maxFailures = maxFailures;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.internalToken = "slwi_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public AuthService service() {
        return service;
    }

    public Optional<OidcOptions> oidc() {
        return oidc;
    }

    public int maxFailures() {
        return maxFailures;
    }

    public Duration failureWindow() {
        return failureWindow;
    }

    /** The bearer secret of the server's own clients; never stored, never logged, gone when the process ends. */
    public String internalToken() {
        return internalToken;
    }

    @Override
    public String toString() {
        return "ServerAuth[oidc=" + oidc + ", maxFailures=" + maxFailures + ", failureWindow=" + failureWindow + "]";
    }
}
