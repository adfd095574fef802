package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a model URI ({@link ModelUri}) into a folder on this machine: registry URIs through the server's registry
 * and download URI, logged-model URIs ({@code models:/m-...}) through the logged model's artifact URI, run URIs
 * through the run's artifact location, {@code mlflow-artifacts:} locations through the server's artifact proxy, and
 * local folders as they are. Thread-safe.
 */
public final class ModelResolver {
    private static final int MAX_FILES = 100_000;

    private final Optional<TrackingClient> client;

    /** @param client the tracking server; without one only local folders and {@code file:} URIs resolve */
    public ModelResolver(Optional<TrackingClient> client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Where a resolved model's files are, and the registry version it came from, if any. */
    public record ResolvedModel(ModelUri uri, String location, Optional<ModelVersion> version) {
        public ResolvedModel {
            requireNonNull(uri, "uri is null");
            requireNonNull(location, "location is null");
            requireNonNull(version, "version is null");
        }
    }

    /**
     * Finds where the model's files are without downloading them.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown model, version, alias, logged model or run;
     *     INVALID_PARAMETER_VALUE for a malformed URI
     */
    public ResolvedModel resolve(String modelUri) {
        ModelUri uri = ModelUri.parse(modelUri);
        if (uri instanceof ModelUri.RegistryVersion version) {
            return fromVersion(uri, registry(uri).getModelVersion(version.name(), version.version()));
        }
        if (uri instanceof ModelUri.RegistryAlias alias) {
            return fromVersion(uri, registry(uri).getModelVersionByAlias(alias.name(), alias.alias()));
        }
        if (uri instanceof ModelUri.RegistryLatest latest) {
            List<ModelVersionStage> stages = latest.stage().map(List::of).orElse(List.of());
            ModelVersion newest = registry(uri).getLatestVersions(latest.name(), stages).stream()
                    .max(Comparator.comparingLong(ModelVersion::version))
                    .orElseThrow(() -> SlipwayException.notFound("Registered model '%s' has no version%s",
                            latest.name(), latest.stage().map(stage -> " in stage " + stage.wireName()).orElse("")));
            return fromVersion(uri, newest);
        }
        if (uri instanceof ModelUri.LoggedModel logged) {
            String location = server(uri).loggedModels().getLoggedModel(logged.modelId()).info().artifactUri();
            return new ResolvedModel(uri, location, Optional.empty());
        }
        if (uri instanceof ModelUri.RunArtifacts run) {
            String root = server(uri).getRun(run.runId()).info().artifactUri();
            String location = run.path().isEmpty() ? root : stripTrailingSlash(root) + "/" + run.path();
            return new ResolvedModel(uri, location, Optional.empty());
        }
        return new ResolvedModel(uri, uri.text(), Optional.empty());
    }

    /**
     * Resolves the model and makes its files available as a local folder: a local location is returned as it is;
     * a remote one is downloaded into {@code downloadRoot} (created if needed).
     *
     * @throws SlipwayException as {@link #resolve}; RESOURCE_DOES_NOT_EXIST if the location holds no files;
     *     INVALID_PARAMETER_VALUE for a location this machine cannot read (such as {@code s3://})
     */
    public Path localFolder(ResolvedModel model, Path downloadRoot) {
        String location = model.location();
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith(ArtifactRepositories.PROXY_SCHEME + ":")) {
            String path = stripTrailingSlash(ArtifactRepositories.proxyPath(location));
            TrackingClient server = server(model.uri());
            int files = downloadProxied(server, path, downloadRoot, 0);
            if (files == 0) {
                throw SlipwayException.notFound("No model files at '%s' (from %s)", location, model.uri().text());
            }
            return downloadRoot;
        }
        Path local = localPath(location).orElseThrow(() -> SlipwayException.invalidParameter(
                "Cannot read the model at '%s' (from %s): only mlflow-artifacts:, file: and local folders are "
                        + "supported", location, model.uri().text()));
        String from = location.equals(model.uri().text()) ? "" : " (from " + model.uri().text() + ")";
        if (!Files.isDirectory(local)) {
            throw SlipwayException.notFound("No model folder at '%s'%s", local, from);
        }
        if (isEmpty(local)) {
            throw SlipwayException.notFound("No model files at '%s'%s", local, from);
        }
        return local;
    }

    private ResolvedModel fromVersion(ModelUri uri, ModelVersion version) {
        String location = registry(uri).getModelVersionDownloadUri(version.name(), version.version());
        return new ResolvedModel(uri, location, Optional.of(version));
    }

    private int downloadProxied(TrackingClient server, String path, Path target, int downloaded) {
        int count = downloaded;
        Optional<String> folder = path.isEmpty() ? Optional.empty() : Optional.of(path);
        for (FileInfo file : server.listProxiedArtifacts(folder)) {
            String name = baseName(file.path());
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                        "The artifact server listed an invalid file name '" + file.path() + "' under " + path);
            }
            if (file.isDir()) {
                count = downloadProxied(server, child(path, name), target.resolve(name), count);
            } else {
                if (++count > MAX_FILES) {
                    throw SlipwayException.invalidParameter("The model at '%s' has more than %d files", path, MAX_FILES);
                }
                server.downloadArtifact(child(path, name), target.resolve(name));
            }
        }
        return count;
    }

    private static boolean isEmpty(Path folder) {
        try (var entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Cannot read the model folder '%s': %s", folder, e.getMessage());
        }
    }

    private static Optional<Path> localPath(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("file:")) {
                URI uri = URI.create(location);
                if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(Paths.get(uri));
            }
            if (lower.matches("^[a-z][a-z0-9+.-]+:.*") && !lower.matches("^[a-z]:[\\\\/].*")) {
                return Optional.empty();
            }
            return Optional.of(Path.of(location).toAbsolutePath());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private RegistryClient registry(ModelUri uri) {
        return server(uri).registry();
    }

    private TrackingClient server(ModelUri uri) {
        return client.orElseThrow(() -> SlipwayException.invalidParameter(
                "'%s' names a model on a tracking server, but no tracking server is configured", uri.text()));
    }

    private static String child(String folder, String name) {
        return folder.isEmpty() ? name : folder + "/" + name;
    }

    private static String baseName(String path) {
        String trimmed = stripTrailingSlash(path);
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    private static String stripTrailingSlash(String text) {
        String result = text;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    /** Deletes a folder this class downloaded into, ignoring what cannot be deleted. */
    public static void deleteDownload(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (var paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            });
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
