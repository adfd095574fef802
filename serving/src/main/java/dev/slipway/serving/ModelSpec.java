package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.ModelUri;
import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One served model as the command line gives it ({@code -m}, {@code --canary}, {@code --canary-percent},
 * {@code --shadow}): the name clients route to, the model URI of the stable version, and optionally a canary that
 * takes a share of the requests and a shadow that scores a copy of every request.
 *
 * @param name the name clients route to; {@link #of(String)} derives it from the URI
 * @param uri the stable version's model URI
 * @param canary the canary's URI and traffic share, if any
 * @param shadowUri the shadow's URI, if any
 */
public record ModelSpec(String name, String uri, Optional<Canary> canary, Optional<String> shadowUri) {
    public ModelSpec {
        requireNonNull(name, "name is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(canary, "canary is null");
        requireNonNull(shadowUri, "shadowUri is null");
        if (name.isBlank() || name.contains("/")) {
            throw SlipwayException.invalidParameter("Invalid served model name '%s' (for %s): it must be non-empty "
                    + "and contain no '/'", name, uri);
        }
        if (uri.isBlank()) {
            throw SlipwayException.invalidParameter("The model URI of served model '%s' is empty", name);
        }
        shadowUri.ifPresent(shadow -> {
            if (shadow.isBlank()) {
                throw SlipwayException.invalidParameter("The shadow URI of served model '%s' is empty", name);
            }
        });
    }

    /**
     * A candidate version that answers {@code split.percent()} of the requests.
     *
     * @param uri the canary's model URI
     * @param split its share of the traffic
     */
    public record Canary(String uri, TrafficSplit split) {
        public Canary {
            requireNonNull(uri, "uri is null");
            requireNonNull(split, "split is null");
            if (uri.isBlank()) {
                throw SlipwayException.invalidParameter("The canary URI is empty");
            }
        }
    }

    /** A model served under its default name (see {@link #defaultName}) with neither canary nor shadow. */
    public static ModelSpec of(String uri) {
        return new ModelSpec(defaultName(uri), uri, Optional.empty(), Optional.empty());
    }

    public ModelSpec withName(String newName) {
        return new ModelSpec(newName, uri, canary, shadowUri);
    }

    public ModelSpec withCanary(String canaryUri, double percent) {
        return new ModelSpec(name, uri, Optional.of(new Canary(canaryUri, TrafficSplit.of(percent))), shadowUri);
    }

    public ModelSpec withShadow(String newShadowUri) {
        return new ModelSpec(name, uri, canary, Optional.of(newShadowUri));
    }

    /**
     * The name a model URI is served under when none is given: the registered model's name for a registry URI
     * ({@code models:/churn@champion} -> {@code churn}), the logged model's id for {@code models:/m-...}, else the
     * last segment of the path ({@code runs:/abc/model} -> {@code model}, {@code /data/models/churn/} ->
     * {@code churn}), or the run id for a bare {@code runs:/<run_id>}.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI
     */
    public static String defaultName(String uri) {
        ModelUri parsed = ModelUri.parse(uri);
        if (parsed instanceof ModelUri.RegistryVersion version) {
            return version.name();
        }
        if (parsed instanceof ModelUri.RegistryAlias alias) {
            return alias.name();
        }
        if (parsed instanceof ModelUri.RegistryLatest latest) {
            return latest.name();
        }
        if (parsed instanceof ModelUri.LoggedModel logged) {
            return logged.modelId();
        }
        if (parsed instanceof ModelUri.RunArtifacts run) {
            return run.path().isEmpty() ? run.runId() : lastSegment(run.path());
        }
        String last = lastSegment(parsed.text());
        if ((last.isEmpty() || last.equals(".") || last.equals("..")) && !parsed.text().contains(":")) {
            Path folder = Path.of(parsed.text()).toAbsolutePath().normalize().getFileName();
            last = folder == null ? "" : folder.toString();
        }
        if (last.isEmpty() || last.equals(".") || last.equals("..")) {
            throw SlipwayException.invalidParameter("Cannot derive a model name from '%s'; give one", uri);
        }
        return last;
    }

    private static String lastSegment(String path) {
        String trimmed = path.replace('\\', '/');
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        int colon = last.lastIndexOf(':');
        return colon >= 0 ? last.substring(colon + 1) : last;
    }
}
