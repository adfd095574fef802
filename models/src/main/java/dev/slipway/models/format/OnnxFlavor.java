package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MLflow's {@code onnx} flavor: {@code {onnx_version, data: model.onnx, providers: [...], code}}
 * (see {@code mlflow/onnx/__init__.py}). {@code data} is the ONNX file, relative to the model
 * folder.
 */
public record OnnxFlavor(String onnxVersion, String data, List<String> providers) {
    /** The flavor's key in {@code MLmodel.flavors}. */
    public static final String NAME = "onnx";
    /** The providers MLflow writes by default. */
    public static final List<String> DEFAULT_PROVIDERS = List.of("CUDAExecutionProvider", "CPUExecutionProvider");

    public OnnxFlavor {
        requireNonNull(onnxVersion, "onnxVersion is null");
        requireNonNull(data, "data is null");
        providers = List.copyOf(requireNonNull(providers, "providers is null"));
    }

    static OnnxFlavor fromMap(Map<String, Object> config) {
        String data = Optional.ofNullable(config.get("data")).map(Object::toString).orElse(ModelDirectory.ONNX_FILE);
        String version = Optional.ofNullable(config.get("onnx_version")).map(Object::toString).orElse("");
        List<String> providers = new ArrayList<>();
        if (config.get("providers") instanceof List<?> list) {
            for (Object provider : list) {
                providers.add(String.valueOf(provider));
            }
        }
        return new OnnxFlavor(version, data, providers);
    }

    /** The flavor as MLflow writes it in MLmodel. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("code", null);
        map.put("data", data);
        map.put("onnx_version", onnxVersion);
        map.put("providers", providers);
        return map;
    }
}
