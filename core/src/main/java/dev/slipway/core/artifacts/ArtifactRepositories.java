package dev.slipway.core.artifacts;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves artifact URIs ({@code file:///x}, {@code /x}, {@code mlflow-artifacts:/x}, {@code s3://b/x}) to
 * a repository rooted at that location. {@code mlflow-artifacts:} URIs map onto the proxied destination
 * repository, as MLflow's server does. Closing it closes the factories that hold resources ({@link AutoCloseable}
 * ones, such as the S3 factory's client); close it once nothing reads or writes artifacts through it any more.
 */
public final class ArtifactRepositories implements AutoCloseable {
    public static final String PROXY_SCHEME = "mlflow-artifacts";

    private final Map<String, ArtifactRepositoryFactory> factoriesByScheme = new HashMap<>();
    private final List<AutoCloseable> closeableFactories = new ArrayList<>();
    private final Optional<String> proxiedDestination;

    /**
     * @param proxiedDestination the URI that {@code mlflow-artifacts:/} stands for, when the server serves
     *     artifacts
     */
    public ArtifactRepositories(List<ArtifactRepositoryFactory> factories, Optional<String> proxiedDestination) {
        Map<ArtifactRepositoryFactory, Boolean> seen = new IdentityHashMap<>();
        for (ArtifactRepositoryFactory factory : factories) {
            for (String scheme : factory.schemes()) {
                factoriesByScheme.put(scheme, factory);
            }
            if (factory instanceof AutoCloseable closeable && seen.put(factory, Boolean.TRUE) == null) {
                closeableFactories.add(closeable);
            }
        }
        this.proxiedDestination = requireNonNull(proxiedDestination, "proxiedDestination is null");
    }

    /** The repository for the proxied destination itself. */
    public ArtifactRepository destination() {
        return resolve(proxiedDestination.orElseThrow(() -> new SlipwayException(
                dev.slipway.core.ErrorCode.TEMPORARILY_UNAVAILABLE, "This server does not serve artifacts")));
    }

    /** A repository rooted at the location named by the URI. */
    public ArtifactRepository resolve(String location) {
        String uri = location;
        if (uri.toLowerCase(Locale.ROOT).startsWith(PROXY_SCHEME + ":")) {
            String path = proxyPath(uri);
            String destination = proxiedDestination.orElseThrow(() -> new SlipwayException(
                    dev.slipway.core.ErrorCode.TEMPORARILY_UNAVAILABLE, "This server does not serve artifacts"));
            uri = path.isEmpty() ? destination
                    : (destination.endsWith("/") ? destination : destination + "/") + ArtifactPaths.validate(path);
        }
        URI parsed = parse(uri);
        String scheme = parsed.getScheme() == null || isWindowsDrive(parsed) ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        ArtifactRepositoryFactory factory = factoriesByScheme.get(scheme);
        if (factory == null) {
            throw SlipwayException.invalidParameter("Unsupported artifact location scheme '%s' in '%s'", scheme, location);
        }
        return factory.create(parsed);
    }

    /**
     * Closes the factories that hold resources, all of them even when one fails.
     *
     * @throws SlipwayException INTERNAL_ERROR if a factory fails to close, with the other failures suppressed
     */
    @Override
    public void close() {
        SlipwayException failure = null;
        for (AutoCloseable factory : closeableFactories) {
            try {
                factory.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new SlipwayException(dev.slipway.core.ErrorCode.INTERNAL_ERROR,
                            "Closing the artifact repository factory " + factory + " failed: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The path part of a {@code mlflow-artifacts:/path} or {@code mlflow-artifacts://host:port/path} URI. */
    public static String proxyPath(String uri) {
        String rest = uri.substring(PROXY_SCHEME.length() + 1);
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            rest = slash < 0 ? "" : rest.substring(slash);
        }
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        return rest;
    }

    private static boolean isWindowsDrive(URI uri) {
        return uri.getScheme() != null && uri.getScheme().length() == 1;
    }

    private static URI parse(String location) {
        try {
            if (!location.contains(":")) {
                return new URI(null, null, location, null);
            }
            return new URI(location);
        } catch (URISyntaxException e) {
            throw SlipwayException.invalidParameter("Invalid artifact location '%s': %s", location, e.getMessage());
        }
    }
}
