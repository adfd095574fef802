package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A model folder in MLflow's layout, holding an ONNX model:
 *
 * <pre>
 * MLmodel                      flavors onnx + python_function, signature, metadata, ...
 * model.onnx                   the ONNX model (the onnx flavor's {@code data})
 * input_example.json           {"columns": [...], "data": [[...]]}   (when there is an example)
 * serving_input_example.json   {"dataframe_split": {...}}            (when there is an example)
 * conda.yaml, python_env.yaml, requirements.txt
 * </pre>
 *
 * <p>{@link #read(Path)} opens and checks a folder (written by Slipway or by MLflow's onnx
 * flavor). {@link #write(Path, NewModel, Clock)} and {@link #write(Path, MLmodel, byte[], Optional)}
 * write a complete folder atomically: everything goes into a hidden temporary sibling folder that
 * is then renamed to the target, so a failure never leaves a half-written model behind.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ModelDirectory {
    public static final String ONNX_FILE = "model.onnx";
    public static final String INPUT_EXAMPLE_FILE = "input_example.json";
    public static final String SERVING_INPUT_EXAMPLE_FILE = "serving_input_example.json";
    public static final String CONDA_FILE = "conda.yaml";
    public static final String PYTHON_ENV_FILE = "python_env.yaml";
    public static final String REQUIREMENTS_FILE = "requirements.txt";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final MLmodel mlmodel;
    private final OnnxFlavor onnxFlavor;

    private ModelDirectory(Path path, MLmodel mlmodel, OnnxFlavor onnxFlavor) {
        this.path = requireNonNull(path, "path is null");
        this.mlmodel = requireNonNull(mlmodel, "mlmodel is null");
        this.onnxFlavor = requireNonNull(onnxFlavor, "onnxFlavor is null");
    }

    /** The folder. */
    public Path path() {
        return path;
    }

    /** The parsed MLmodel file. */
    public MLmodel mlmodel() {
        return mlmodel;
    }

    /** The onnx flavor of the MLmodel file. */
    public OnnxFlavor onnxFlavor() {
        return onnxFlavor;
    }

    /** The ONNX model file (the onnx flavor's {@code data}, resolved against the folder). */
    public Path onnxFile() {
        return path.resolve(onnxFlavor.data());
    }

    /**
     * Reads the saved input example, if MLmodel declares one in split orient and it exists.
     *
     * @throws SlipwayException if the example file is not valid JSON of the expected shape
     */
    public Optional<InputExample> inputExample() {
        Optional<SavedInputExampleInfo> info = mlmodel.savedInputExampleInfo();
        if (info.isEmpty()) {
            return Optional.empty();
        }
        Path file = path.resolve(info.get().artifactPath());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.path("columns").isArray() || !root.path("data").isArray()) {
                throw SlipwayException.invalidParameter("%s is not a split-orient example {\"columns\", \"data\"}",
                        file);
            }
            List<String> columns = new ArrayList<>();
            root.get("columns").forEach(column -> columns.add(column.asText()));
            List<List<Object>> rows = new ArrayList<>();
            for (JsonNode row : root.get("data")) {
                List<Object> values = new ArrayList<>();
                for (JsonNode value : row) {
                    values.add(value.isNull() ? null
                            : value.isNumber() ? (Object) value.numberValue()
                            : value.isBoolean() ? (Object) value.booleanValue() : value.asText());
                }
                rows.add(values);
            }
            return Optional.of(new InputExample(columns, rows));
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Cannot read input example %s: %s", file, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw SlipwayException.invalidParameter("Invalid input example %s: %s", file, e.getMessage());
        }
    }

    /**
     * Opens a model folder and checks it: the folder and its MLmodel exist and parse, MLmodel has
     * an onnx flavor, and the ONNX file it names exists and parses as an ONNX model.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for a missing folder, MLmodel or ONNX
     *     file; INVALID_PARAMETER_VALUE for an MLmodel without onnx flavor or a file that does not
     *     parse; each message names the file
     */
    public static ModelDirectory read(Path directory) {
        requireNonNull(directory, "directory is null");
        if (!Files.isDirectory(directory)) {
            throw SlipwayException.notFound("Model folder '%s' does not exist", directory);
        }
        Path mlmodelFile = directory.resolve(MLmodel.FILE_NAME);
        if (!Files.isRegularFile(mlmodelFile)) {
            throw SlipwayException.notFound("'%s' is not a model folder: it has no MLmodel file", directory);
        }
        String yaml;
        try {
            yaml = Files.readString(mlmodelFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Cannot read %s: %s", mlmodelFile, e.getMessage());
        }
        MLmodel mlmodel = MLmodel.parse(yaml, mlmodelFile.toString());
        OnnxFlavor flavor = mlmodel.onnxFlavor().orElseThrow(() -> SlipwayException.invalidParameter(
                "%s has no onnx flavor (flavors: %s); Slipway scores ONNX models only", mlmodelFile,
                mlmodel.flavors().isEmpty() ? "none" : String.join(", ", mlmodel.flavors().keySet())));
        Path onnxFile = directory.resolve(flavor.data()).normalize();
        if (!onnxFile.startsWith(directory.normalize())) {
            throw SlipwayException.invalidParameter("%s: the onnx flavor's data '%s' points outside the model folder",
                    mlmodelFile, flavor.data());
        }
        checkOnnxFile(onnxFile);
        return new ModelDirectory(directory, mlmodel, flavor);
    }

    /**
     * Checks that a file exists and parses as an ONNX {@code ModelProto} with a graph.
     *
     * @throws SlipwayException naming the file if it is missing, empty or not an ONNX model
     */
    public static void checkOnnxFile(Path onnxFile) {
        if (!Files.isRegularFile(onnxFile)) {
            throw SlipwayException.notFound("ONNX model file '%s' does not exist", onnxFile);
        }
        try (InputStream input = Files.newInputStream(onnxFile)) {
            OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(input);
            if (!model.hasGraph() || model.getIrVersion() <= 0) {
                throw SlipwayException.invalidParameter(
                        "'%s' is not a valid ONNX model: it has no graph or no IR version", onnxFile);
            }
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("'%s' is not a valid ONNX model: %s", onnxFile, e.getMessage());
        }
    }

    /**
     * Writes a new model folder from a trained model: MLmodel (with a new 32-hex model_uuid,
     * utc_time_created from the clock, mlflow_version, model_size_bytes, the onnx and
     * python_function flavors, the signature and the metadata), model.onnx, the input example
     * files when there is an example, conda.yaml, python_env.yaml and requirements.txt.
     *
     * @param directory the folder to create; it must not exist, or be empty
     * @return the written folder, read back
     * @throws SlipwayException RESOURCE_ALREADY_EXISTS if the folder exists and is not empty;
     *     INTERNAL_ERROR if writing fails (nothing is left behind)
     */
    public static ModelDirectory write(Path directory, NewModel model, Clock clock) {
        requireNonNull(directory, "directory is null");
        requireNonNull(model, "model is null");
        requireNonNull(clock, "clock is null");
        PythonEnvironment environment = PythonEnvironment.onnxDefaults();
        OnnxFlavor onnx = new OnnxFlavor(PythonEnvironment.ONNX_VERSION, ONNX_FILE, OnnxFlavor.DEFAULT_PROVIDERS);
        Map<String, Object> onnxConfig = onnx.toMap();
        onnxConfig.put("onnx_session_options", null);
        Map<String, Object> pyfunc = new LinkedHashMap<>();
        pyfunc.put("data", ONNX_FILE);
        pyfunc.put("env", Map.of("conda", CONDA_FILE, "virtualenv", PYTHON_ENV_FILE));
        pyfunc.put("loader_module", "mlflow.onnx");
        pyfunc.put("python_version", environment.pythonVersion());
        Map<String, Map<String, Object>> flavors = new LinkedHashMap<>();
        flavors.put(OnnxFlavor.NAME, onnxConfig);
        flavors.put("python_function", pyfunc);
        UUID uuid = UUID.randomUUID();
        String modelUuid = HexFormat.of().toHexDigits(uuid.getMostSignificantBits())
                + HexFormat.of().toHexDigits(uuid.getLeastSignificantBits());
        MLmodel mlmodel = new MLmodel(model.artifactPath(), flavors, Optional.of(modelUuid), model.runId(),
                Optional.of(MLmodel.formatUtcTime(clock.instant())), Optional.of(PythonEnvironment.MLFLOW_VERSION),
                Optional.empty(), model.inputExample().map(example -> SavedInputExampleInfo.dataframeSplit()),
                Optional.of(model.signature()), model.metadata(), Map.of());
        return write(directory, mlmodel, model.onnxModel(), model.inputExample(), environment);
    }

    /**
     * Writes a model folder from an MLmodel as given (for copies and round trips), the ONNX bytes
     * to the onnx flavor's {@code data} file, the example files if there is an example, and the
     * default Python environment files. {@code model_size_bytes} is set to the size of the files
     * other than MLmodel.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if the MLmodel has no onnx flavor;
     *     RESOURCE_ALREADY_EXISTS if the folder exists and is not empty; INTERNAL_ERROR if
     *     writing fails (nothing is left behind)
     */
    public static ModelDirectory write(Path directory, MLmodel mlmodel, byte[] onnxModel,
            Optional<InputExample> inputExample) {
        return write(directory, mlmodel, onnxModel, inputExample, PythonEnvironment.onnxDefaults());
    }

    private static ModelDirectory write(Path directory, MLmodel mlmodel, byte[] onnxModel,
            Optional<InputExample> inputExample, PythonEnvironment environment) {
        requireNonNull(directory, "directory is null");
        requireNonNull(mlmodel, "mlmodel is null");
        requireNonNull(onnxModel, "onnxModel is null");
        requireNonNull(inputExample, "inputExample is null");
        OnnxFlavor flavor = mlmodel.onnxFlavor().orElseThrow(
                () -> SlipwayException.invalidParameter("Cannot write model folder '%s': MLmodel has no onnx flavor",
                        directory));
        Path target = directory.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDirectory(target)) {
            throw SlipwayException.alreadyExists("Cannot write model folder '%s': it already exists and is not empty",
                    directory);
        }
        Path temporary = null;
        try {
            Path parent = target.getParent();
            Files.createDirectories(parent);
            temporary = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
            Path onnxFile = temporary.resolve(flavor.data()).normalize();
            if (!onnxFile.startsWith(temporary)) {
                throw SlipwayException.invalidParameter("The onnx flavor's data '%s' points outside the model folder",
                        flavor.data());
            }
            Files.createDirectories(onnxFile.getParent());
            Files.write(onnxFile, onnxModel);
            if (inputExample.isPresent()) {
                SavedInputExampleInfo info = mlmodel.savedInputExampleInfo().orElse(
                        SavedInputExampleInfo.dataframeSplit());
                Map<String, Object> split = new LinkedHashMap<>();
                split.put("columns", inputExample.get().columns());
                split.put("data", inputExample.get().rows());
                Files.writeString(temporary.resolve(info.artifactPath()), JSON.writeValueAsString(split));
                Files.writeString(temporary.resolve(info.servingInputPath().orElse(SERVING_INPUT_EXAMPLE_FILE)),
                        JSON.writeValueAsString(Map.of("dataframe_split", split)));
            }
            Files.writeString(temporary.resolve(CONDA_FILE), environment.condaYaml());
            Files.writeString(temporary.resolve(PYTHON_ENV_FILE), environment.pythonEnvYaml());
            Files.writeString(temporary.resolve(REQUIREMENTS_FILE), environment.requirementsTxt());
            MLmodel sized = mlmodel.withModelSizeBytes(totalSize(temporary));
            Files.writeString(temporary.resolve(MLmodel.FILE_NAME), sized.toYaml());
            if (Files.exists(target)) {
                Files.delete(target);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                throw SlipwayException.alreadyExists(
                        "Cannot write model folder '%s': another writer created it first", directory);
            }
            temporary = null;
            return new ModelDirectory(target, sized, flavor);
        } catch (JsonProcessingException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Cannot write the input example of model folder '%s': %s".formatted(directory,
                            e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Cannot write model folder '%s': %s".formatted(directory, e.getMessage()), e);
        } finally {
            if (temporary != null) {
                deleteRecursively(temporary);
            }
        }
    }

    private static boolean isEmptyDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static long totalSize(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            long total = 0;
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    total += Files.size(file);
                }
            }
            return total;
        }
    }

    private static void deleteRecursively(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | UncheckedIOException e) {
            // Best effort: the folder is hidden and named .<target>.tmp-*, so a leftover is recognisable.
        }
    }
}
