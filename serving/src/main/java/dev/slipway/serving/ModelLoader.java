package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.ModelResolver;
import dev.slipway.client.ModelUri;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.scoring.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads one model version from a model URI into an ONNX Runtime session: resolves the URI (through the registry
 * when it names one), downloads remote files into a new folder under the download root, reads the model folder and
 * creates the session. Thread-safe.
 */
final class ModelLoader {
    private final ModelResolver resolver;
    private final Path downloadRoot;
    private final int intraOpNumThreads;

    ModelLoader(ModelResolver resolver, Path downloadRoot, int intraOpNumThreads) {
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.downloadRoot = requireNonNull(downloadRoot, "downloadRoot is null");
        this.intraOpNumThreads = intraOpNumThreads;
    }

    /** A loaded version and the folder its files were downloaded into, if they were. */
    record Loaded(ServedModel model, Optional<Path> download) {
        Loaded {
            requireNonNull(model, "model is null");
            requireNonNull(download, "download is null");
        }
    }

    /** Whether the URI follows something that can move to another version: an alias, a stage or {@code latest}. */
    static boolean isMovable(String uri) {
        ModelUri parsed = ModelUri.parse(uri);
        return parsed instanceof ModelUri.RegistryAlias || parsed instanceof ModelUri.RegistryLatest;
    }

    /**
     * Finds the version the URI names now, without downloading it.
     *
     * @throws SlipwayException as {@link ModelResolver#resolve}
     */
    ModelResolver.ResolvedModel resolve(String uri) {
        return resolver.resolve(uri);
    }

    /** The version label: the registry version number, or {@code "1"} for a model that is not from the registry. */
    static String versionLabel(ModelResolver.ResolvedModel resolved) {
        return resolved.version().map(version -> Long.toString(version.version())).orElse("1");
    }

    /**
     * Downloads (when remote) and loads a resolved model.
     *
     * @throws SlipwayException naming what failed: the download, the model folder or the ONNX file
     */
    Loaded load(String name, ModelResolver.ResolvedModel resolved) {
        Path target = newDownloadFolder(name, versionLabel(resolved));
        try {
            Path folder = resolver.localFolder(resolved, target);
            ModelDirectory directory = ModelDirectory.read(folder);
            OnnxModel onnx = OnnxModel.load(directory, intraOpNumThreads);
            Optional<Path> download = folder.equals(target) ? Optional.of(target) : Optional.empty();
            if (download.isEmpty()) {
                ModelResolver.deleteDownload(target);
            }
            return new Loaded(new ServedModel(name, versionLabel(resolved), resolved.uri().text(), onnx), download);
        } catch (RuntimeException e) {
            ModelResolver.deleteDownload(target);
            throw e;
        }
    }

    private Path newDownloadFolder(String name, String version) {
        try {
            Files.createDirectories(downloadRoot);
            String prefix = name.replaceAll("[^A-Za-z0-9._-]", "_") + "-v" + version + "-";
            return Files.createTempDirectory(downloadRoot, prefix);
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Cannot create a download folder under '%s': %s", downloadRoot,
                    e.getMessage());
        }
    }
}
