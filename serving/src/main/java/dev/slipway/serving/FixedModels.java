package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.scoring.OnnxModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Models loaded once from model folders and served as they are: one stable version (labelled {@code "1"}) per name,
 * no canary, no shadow, no registry. Thread-safe.
 */
public final class FixedModels implements ModelRepository {
    /** The version label of a model served from a plain folder. */
    public static final String FOLDER_VERSION = "1";

    private final Map<String, ServedModel> models;
    private final List<String> names;
    private volatile boolean closed;

    private FixedModels(Map<String, ServedModel> models) {
        this.models = models;
        this.names = List.copyOf(models.keySet());
    }

    /**
     * Loads each folder into its own ONNX Runtime session.
     *
     * @param folders model name to model folder, in serving order
     * @param intraOpNumThreads threads ONNX Runtime may use inside one operator
     * @throws SlipwayException naming the folder when one cannot be loaded (those loaded already are closed)
     */
    public static FixedModels load(Map<String, Path> folders, int intraOpNumThreads) {
        requireNonNull(folders, "folders is null");
        if (folders.isEmpty()) {
            throw SlipwayException.invalidParameter("No model to serve; give at least one model folder");
        }
        Map<String, ServedModel> loaded = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> entry : folders.entrySet()) {
                String name = requireNonNull(entry.getKey(), "model name is null");
                Path folder = requireNonNull(entry.getValue(), "model folder is null");
                if (name.isBlank()) {
                    throw SlipwayException.invalidParameter("Model name for '%s' is blank", folder);
                }
                OnnxModel onnx = OnnxModel.load(ModelDirectory.read(folder), intraOpNumThreads);
                loaded.put(name, new ServedModel(name, FOLDER_VERSION, folder.toAbsolutePath().toUri().toString(),
                        onnx));
            }
        } catch (RuntimeException e) {
            loaded.values().forEach(ServedModel::retire);
            throw e;
        }
        return new FixedModels(loaded);
    }

    @Override
    public List<String> modelNames() {
        return names;
    }

    @Override
    public Route route(String modelName, Optional<String> requestKey) {
        ServedModel model = models.get(requireNonNull(modelName, "modelName is null"));
        if (model == null) {
            throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "Model '%s' is not served here; served models: %s"
                    .formatted(modelName, String.join(", ", names)));
        }
        return Lease.acquire(model, Lease.STABLE).map(lease -> new Route(lease, Optional.<Lease>empty()))
                .orElseThrow(() -> new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                        "Model '%s' is shutting down".formatted(modelName)));
    }

    @Override
    public Optional<ServedModel> current(String modelName, Optional<String> version) {
        ServedModel model = models.get(modelName);
        if (model == null || version.isPresent() && !version.get().equals(model.version())) {
            return Optional.empty();
        }
        return Optional.of(model);
    }

    @Override
    public boolean ready() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        List<ServedModel> all = new ArrayList<>(models.values());
        all.forEach(ServedModel::retire);
    }
}
