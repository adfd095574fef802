package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cross-origin access to the API ({@code /api/}, {@code /ajax-api/} and the artifact downloads), off by default: a
 * page of another origin may read the API's answers only when its origin is in the allow-list, as with MLflow's
 * {@code --cors-allowed-origins}. Browsers then get {@code Access-Control-Allow-Origin} with that origin and answered
 * preflights; every other origin gets no CORS header at all, so browsers keep its pages from reading answers, its
 * preflights are refused with 403, and its changes (POST, PUT, PATCH, DELETE with an {@code Origin} header, whatever
 * their content type) are refused with 403 before any route runs. Requests without an {@code Origin} header (every
 * client that is not a browser) and same-origin requests are not affected. Credentials (cookies) are never allowed
 * cross-origin. The web UI's pages are not part of the API and never answer cross-origin. Thread-safe.
 */
final class CorsPolicy {
    static final String ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
    static final long MAX_AGE_SECONDS = 600;

    private static final Set<HandlerType> CHANGES = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE);
    private static final Pattern HEADER_NAMES = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+(\\s*,\\s*"
            + "[A-Za-z0-9!#$%&'*+.^_`|~-]+)*");
    private static final List<String> API_PATHS = List.of("/api/", "/ajax-api/", "/get-artifact",
            "/model-versions/get-artifact");

    private final boolean anyOrigin;
    private final Set<String> origins;

    /**
     * @param allowedOrigins origins such as {@code https://notebooks.example.org} (scheme, host and port, as browsers
     *     send them), or {@code "*"} for any origin
     * @throws IllegalArgumentException for an origin that is not {@code scheme://host[:port]}
     */
    CorsPolicy(List<String> allowedOrigins) {
        requireNonNull(allowedOrigins, "allowedOrigins is null");
        boolean any = false;
        Set<String> normalized = new LinkedHashSet<>();
        for (String origin : allowedOrigins) {
            String value = origin.trim();
            if (value.equals("*")) {
                any = true;
            } else if (!value.isEmpty()) {
                normalized.add(normalize(value).orElseThrow(() -> new IllegalArgumentException(
                        "Not an origin: '" + origin + "'; expected scheme://host[:port], such as "
                                + "https://notebooks.example.org")));
            }
        }
        this.anyOrigin = any;
        this.origins = Set.copyOf(normalized);
    }

    /** Whether pages of this origin may use the API. */
    boolean allows(String origin) {
        if (origin.equals("null")) {
            return false;
        }
        return anyOrigin || normalize(origin).filter(origins::contains).isPresent();
    }

    /**
     * Applies the policy before routing: answers preflights itself (and skips the remaining handlers), adds the CORS
     * headers for allowed origins, refuses changes from other origins.
     *
     * @throws SlipwayException PERMISSION_DENIED (403) for a preflight or a change from an origin not allowed
     */
    void apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !isApi(ctx.path())) {
            return;
        }
        ctx.header("Vary", "Origin");
        boolean allowed = allows(origin.trim());
        boolean preflight = ctx.method() == HandlerType.OPTIONS
                && ctx.header("Access-Control-Request-Method") != null;
        if (preflight) {
            if (!allowed) {
                throw refused(origin);
            }
            ctx.header("Access-Control-Allow-Origin", origin.trim());
            ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
            String requested = ctx.header("Access-Control-Request-Headers");
            if (requested != null && HEADER_NAMES.matcher(requested.trim()).matches()) {
                ctx.header("Access-Control-Allow-Headers", requested.trim());
            }
            ctx.header("Access-Control-Max-Age", Long.toString(MAX_AGE_SECONDS));
            ctx.status(204);
            ctx.skipRemainingHandlers();
            return;
        }
        if (allowed) {
            ctx.header("Access-Control-Allow-Origin", origin.trim());
            return;
        }
        if (CHANGES.contains(ctx.method()) && !sameOrigin(origin, ctx.header("Host"))) {
            throw refused(origin);
        }
    }

    static boolean isApi(String path) {
        for (String prefix : API_PATHS) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static SlipwayException refused(String origin) {
        return new SlipwayException(ErrorCode.PERMISSION_DENIED, "Cross-origin request from '"
                + RequestReader.safeEcho(origin) + "' refused: start the server with --cors-allowed-origins to "
                + "allow that origin");
    }

    /** Whether the origin names the host the request was sent to (a page of this server). */
    private static boolean sameOrigin(String origin, String host) {
        if (host == null || origin.equals("null")) {
            return false;
        }
        int scheme = origin.indexOf("://");
        String authority = scheme < 0 ? origin : origin.substring(scheme + 3);
        return authority.trim().toLowerCase(Locale.ROOT).equals(host.trim().toLowerCase(Locale.ROOT));
    }

    /** {@code scheme://host[:port]} in lower case, without a default port, or empty when it is not an origin. */
    private static Optional<String> normalize(String origin) {
        URI uri;
        try {
            uri = new URI(origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return Optional.empty();
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || scheme.equals("http") && port == 80
                || scheme.equals("https") && port == 443;
        return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
    }
}
