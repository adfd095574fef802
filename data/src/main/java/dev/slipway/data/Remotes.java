package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Opens the remotes a DVC config names, with the first {@link RemoteFactory} that accepts each URL. */
public final class Remotes {
    private final List<RemoteFactory> factories;

    public Remotes(List<RemoteFactory> factories) {
        this.factories = List.copyOf(requireNonNull(factories, "factories is null"));
    }

    /** S3 ({@code s3://}) and local or mounted folders (no scheme, or {@code file://}). */
    public static Remotes standard() {
        return new Remotes(List.of(S3Remote.factory(), LocalRemote.factory()));
    }

    /**
     * Opens remote {@code name}, or the default one ({@code core.remote}) when empty.
     *
     * @param configFolder the folder of the config file ({@code .dvc/}), for relative folder URLs
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if no name is given and no default is set, or
     *     the remote is not configured; INVALID_PARAMETER_VALUE if it has no URL or an unsupported scheme
     */
    public Remote open(DvcConfig config, Optional<String> name, Path configFolder) {
        String remoteName = name.or(config::defaultRemote).orElseThrow(() -> SlipwayException.notFound(
                "No remote given and no default remote set; add one with 'remote add -d <name> <url>'"));
        Map<String, String> options = config.remote(remoteName);
        String url = Optional.ofNullable(options.get("url")).filter(value -> !value.isBlank())
                .orElseThrow(() -> SlipwayException.invalidParameter("Remote '%s' has no url", remoteName));
        for (RemoteFactory factory : factories) {
            if (factory.accepts(url)) {
                return factory.create(remoteName, url, options, configFolder);
            }
        }
        throw SlipwayException.invalidParameter(
                "Remote '%s' has URL '%s', whose scheme is not supported (supported: s3://, a local folder)",
                remoteName, url);
    }
}
