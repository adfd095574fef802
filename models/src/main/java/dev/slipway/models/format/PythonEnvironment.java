package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Python environment files written beside a model so that MLflow's Python loader
 * ({@code mlflow.pyfunc.load_model}, {@code mlflow models serve}) can recreate one:
 * {@code conda.yaml}, {@code python_env.yaml} and {@code requirements.txt}.
 */
public record PythonEnvironment(String pythonVersion, String pipVersion, List<String> requirements) {
    /** The MLflow version Slipway's model folders declare ({@code mlflow_version}). */
    public static final String MLFLOW_VERSION = "2.17.2";
    /** The onnx package version the onnx flavor declares ({@code onnx_version}). */
    public static final String ONNX_VERSION = "1.17.0";

    public PythonEnvironment {
        requireNonNull(pythonVersion, "pythonVersion is null");
        requireNonNull(pipVersion, "pipVersion is null");
        requirements = List.copyOf(requireNonNull(requirements, "requirements is null"));
    }

    /** The environment of Slipway's ONNX models: mlflow, onnx and onnxruntime, pinned. */
    public static PythonEnvironment onnxDefaults() {
        return new PythonEnvironment("3.11.9", "24.2",
                List.of("mlflow==" + MLFLOW_VERSION, "onnx==" + ONNX_VERSION, "onnxruntime==1.19.2"));
    }

    String condaYaml() {
        Map<String, Object> conda = new LinkedHashMap<>();
        conda.put("channels", List.of("conda-forge"));
        List<Object> dependencies = new ArrayList<>();
        dependencies.add("python=" + pythonVersion);
        dependencies.add("pip<=" + pipVersion);
        dependencies.add(Map.of("pip", requirements));
        conda.put("dependencies", dependencies);
        conda.put("name", "mlflow-env");
        return YamlEmitter.write(conda);
    }

    String pythonEnvYaml() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("python", pythonVersion);
        env.put("build_dependencies", List.of("pip==" + pipVersion, "setuptools", "wheel"));
        env.put("dependencies", List.of("-r requirements.txt"));
        return YamlEmitter.write(env);
    }

    String requirementsTxt() {
        return String.join("\n", requirements) + "\n";
    }
}
